"""Pages of the deliverables capability.

Signed in: the plan's student adds deliverables and new versions; whoever may
see the plan downloads the files (everyone else gets 404). Public, under
``/s/<token>``: the supervisor downloads and reviews the deliverables of the
placement their hours link was issued for, and nothing else. Files are always
served as attachments with their sniffed type, never rendered in the page.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from careercredit.access import get_or_404
from careercredit.audit import record_event
from careercredit.deliverables import services
from careercredit.deliverables.files import TYPES, download_name
from careercredit.deliverables.forms import DeliverableForm, ReviewForm
from careercredit.deliverables.multipart import looks_broken_off, prepare_upload_request
from careercredit.deliverables.services import DeliverableProblems
from careercredit.deliverables.storage import upload_storage
from careercredit.errors import csrf_error
from careercredit.extensions import db
from careercredit.models import CreditPlan, Deliverable, LinkPurpose, Placement, SupervisorLink
from careercredit.supervisors import answers
from careercredit.supervisors.links import LinkError, refused_link_limit, resolve

bp = Blueprint("deliverables", __name__)


@bp.record_once
def _keep_files_in_step(state: object) -> None:
    services.listen_for_files()


# -- for the plan page, the sign-off summary and the supervisor's page --------------

bp.add_app_template_global(services.chains, "deliverable_chains")
bp.add_app_template_global(services.current_versions, "current_deliverables")
bp.add_app_template_global(services.STATUS_LABELS, "deliverable_status_labels")


@bp.app_template_global("can_add_deliverable")
def _can_add(plan: CreditPlan) -> bool:
    """Whether the signed-in person may add deliverables to ``plan`` now."""
    return services.can_add(plan, current_user)


@bp.app_template_global("can_revise_deliverable")
def _can_revise(deliverable: Deliverable) -> bool:
    """Whether the signed-in person may upload a new version of ``deliverable`` now."""
    return services.can_revise(deliverable, current_user)


# -- uploads that could not be read ----------------------------------------------------

UPLOAD_PAGES = frozenset({f"{bp.name}.new", f"{bp.name}.revise"})


@bp.url_value_preprocessor
def _prepare_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before anything reads the form (the CSRF check does): set the upload's limits."""
    if endpoint in UPLOAD_PAGES and request.method == "POST":
        prepare_upload_request()


@bp.errorhandler(CSRFError)
def _csrf_or_broken_upload(error: CSRFError) -> ResponseReturnValue:
    """A body that ended before its closing boundary reads as a form without a token."""
    if request.endpoint in UPLOAD_PAGES and looks_broken_off():
        return _broken_upload(error)
    return csrf_error(error)


@bp.errorhandler(ClientDisconnected)
def _broken_upload(error: Exception) -> ResponseReturnValue:
    """The upload broke off before it was complete: nothing was read or stored."""
    db.session.rollback()
    return render_template("deliverables/upload_failed.html", too_large=False), 400


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A request larger than the server accepts at all."""
    db.session.rollback()
    return render_template("deliverables/upload_failed.html", too_large=True), 413


# -- the student -------------------------------------------------------------------------


def _own_plan_or_404(plan_id: int) -> CreditPlan:
    plan = get_or_404(CreditPlan, plan_id)
    if plan.student_id != current_user.id:
        abort(404)
    return plan


def _placement_or_404(plan_id: int, placement_id: int) -> Placement:
    plan = _own_plan_or_404(plan_id)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.plan_id != plan.id:
        abort(404)
    return placement


def _form_page(
    placement: Placement,
    form: DeliverableForm,
    problems: dict[str, str],
    previous: Deliverable | None = None,
) -> str:
    general = form.add_problems(problems)
    return render_template(
        "deliverables/form.html",
        plan=placement.plan,
        placement=placement,
        form=form,
        general=general,
        previous=previous,
        locked="plan" in problems,
        max_mb=current_app.config["UPLOAD_MAX_MB"],
    )


def _plan_problems(placement: Placement, previous: Deliverable | None) -> dict[str, str]:
    if previous is not None and not services.can_revise(previous, current_user):
        return {"plan": "Only a deliverable your supervisor sent back can get a new version."}
    if not services.can_add(placement.plan, current_user):
        return {
            "plan": f"This plan is {placement.plan.state.label.lower()}: deliverables can be "
            "added only while it is approved or in progress."
        }
    return {}


def _save(placement: Placement, previous: Deliverable | None = None) -> ResponseReturnValue:
    """Show the form, or save what it sent; the form comes back with messages (422)."""
    form = DeliverableForm()
    if request.method == "GET":
        return _form_page(placement, form, _plan_problems(placement, previous), previous)
    form.validate_on_submit()
    typed = {name: errors[0] for name, errors in form.errors.items() if errors}
    try:
        row = services.add_deliverable(
            placement, current_user, supersedes=previous, problems=typed, **form.values()
        )
        db.session.commit()
    except DeliverableProblems as error:
        db.session.rollback()
        return _form_page(placement, form, error.problems, previous), 422
    except IntegrityError:  # another window sent a new version of the same one first
        db.session.rollback()
        problems = {"plan": "A new version of this deliverable was already sent."}
        return _form_page(placement, form, problems, previous), 409
    flash(
        f"“{row.title}” (version {row.version}) was added. Your supervisor can now review it.",
        "info",
    )
    return redirect(
        url_for("plans.show", plan_id=placement.plan_id, _anchor=f"deliverables-{placement.id}")
    )


@bp.route(
    "/plans/<int:plan_id>/placements/<int:placement_id>/deliverables/new",
    methods=["GET", "POST"],
)
@login_required
def new(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Add a deliverable to a placement: a file or a link."""
    return _save(_placement_or_404(plan_id, placement_id))


@bp.route("/plans/<int:plan_id>/deliverables/<int:deliverable_id>/revise", methods=["GET", "POST"])
@login_required
def revise(plan_id: int, deliverable_id: int) -> ResponseReturnValue:
    """Send a new version of a deliverable the supervisor asked to revise."""
    plan = _own_plan_or_404(plan_id)
    previous = db.session.get(Deliverable, deliverable_id)
    if previous is None or previous.placement.plan_id != plan.id:
        abort(404)
    return _save(previous.placement, previous)


# -- downloads -----------------------------------------------------------------------------


def _send(row: Deliverable) -> ResponseReturnValue:
    """The stored file as an attachment with its sniffed type, never shown inline."""
    storage = upload_storage()
    if row.storage_key is None or not storage.exists(row.storage_key):
        abort(404)
    content_type = row.content_type if row.content_type in TYPES else "application/octet-stream"
    response = send_file(
        storage.open(row.storage_key),
        mimetype=content_type,
        as_attachment=True,
        download_name=download_name(row.original_name or "deliverable", row.content_type),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/deliverables/<int:deliverable_id>/download")
@login_required
def download(deliverable_id: int) -> ResponseReturnValue:
    """Download a deliverable's file: the student, the sponsor and staff."""
    row = db.session.get(Deliverable, deliverable_id)
    if row is None or row.storage_key is None or not services.can_download(row, current_user):
        abort(404)
    if current_user.id != row.placement.plan.student_id:
        record_event(
            "deliverable.download",
            actor=current_user,
            object_type="deliverable",
            object_id=row.id,
            details={"plan_id": row.placement.plan_id},
        )
        db.session.commit()
    return _send(row)


# -- the supervisor, through their hours link ----------------------------------------------


def _link(token: str) -> SupervisorLink:
    """The usable hours link behind ``token``, or the page every refused link gets."""
    try:
        return resolve(token, {LinkPurpose.hours})
    except LinkError as error:
        db.session.rollback()
        answers.record_refusal(error.reason, error.link, page=request.endpoint)
        db.session.commit()
        _refuse()


def _refuse() -> NoReturn:
    abort(make_response(render_template("supervisors/refused.html", bare=True), 404))


def _on_link(link: SupervisorLink, deliverable_id: int) -> Deliverable:
    """The deliverable of the link's placement; others are logged and answer 404."""
    try:
        return services.deliverable_on_link(link, deliverable_id)
    except services.NotOnThisLink:
        db.session.rollback()
        answers.record_refusal(
            "deliverable", link, page=request.endpoint, deliverable_id=deliverable_id
        )
        db.session.commit()
        abort(404)


@bp.get("/s/<token>/deliverables/<int:deliverable_id>")
@refused_link_limit
def supervisor_download(token: str, deliverable_id: int) -> ResponseReturnValue:
    """Download a deliverable of the link's placement."""
    link = _link(token)
    row = _on_link(link, deliverable_id)
    if row.storage_key is None:
        abort(404)
    answers.record_opening(
        link, f"deliverable “{row.title}”, version {row.version}: the file {row.original_name}"
    )
    db.session.commit()
    return _send(row)


@bp.post("/s/<token>/deliverables/<int:deliverable_id>/review")
@refused_link_limit
def supervisor_review(token: str, deliverable_id: int) -> ResponseReturnValue:
    """Accept a deliverable, or ask for a revision with a comment."""
    from careercredit.supervisors.routes import hours_page

    link = _link(token)
    row = _on_link(link, deliverable_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        # The page shows the comment's errors next to it; any other (a tampered button) above.
        problem = " ".join(
            error for name, errors in form.errors.items() if name != "comment" for error in errors
        )
        extra = {"deliverable_problem": problem} if problem else {}
        return hours_page(token, link, 422, review_form=form, review_id=row.id, **extra)
    accept = form.action.data == "accept"
    try:
        services.review(link, row, accept=accept, comment=form.comment.data or "")
    except services.NotOnThisLink as refused:
        db.session.rollback()
        return hours_page(token, link, 409, deliverable_problem=str(refused))
    db.session.commit()
    if accept:
        flash(f"You accepted “{row.title}”. Thank you.", "info")
    else:
        flash(
            f"You asked for a revision of “{row.title}”; the student will see your comment.", "info"
        )
    return redirect(url_for("supervisors.open_link", token=token, _anchor="deliverables"))
