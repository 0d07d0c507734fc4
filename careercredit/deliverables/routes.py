"""Pages of the deliverables capability, for signed-in people.

The plan's student adds deliverables and new versions; whoever may see the
plan downloads the files (everyone else gets 404). Files are always served
as attachments with their sniffed type, never rendered in the page. The
supervisor downloads and reviews deliverables through their hours link: those
pages (under ``/s/<token>``) belong to the supervisors blueprint.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from careercredit.access import is_plan_student, on_plan_or_404, placement_or_404, plan_or_404
from careercredit.audit import record_event
from careercredit.deliverables import services
from careercredit.deliverables.downloads import send_deliverable
from careercredit.deliverables.forms import DeliverableForm
from careercredit.deliverables.multipart import looks_broken_off, prepare_upload_request
from careercredit.deliverables.services import DeliverableProblems, SentMeanwhile
from careercredit.errors import csrf_error
from careercredit.extensions import db
from careercredit.models import CreditPlan, Deliverable, Placement
from careercredit.refusals import Refused, show_on_form, unit_of_work
from careercredit.sql import conflict_refused

bp = Blueprint("deliverables", __name__)


@bp.record_once
def _keep_files_in_step(state: object) -> None:
    services.listen_for_files()


# -- for the plan page, the sign-off summary and the supervisor's page --------------

bp.add_app_template_global(services.chains, "deliverable_chains")
bp.add_app_template_global(services.current_versions, "current_deliverables")


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


def _form_page(
    placement: Placement,
    form: DeliverableForm,
    refused: Refused | None,
    previous: Deliverable | None = None,
) -> str:
    """The form; problems go next to their fields, the others above the form."""
    if refused is not None:
        show_on_form(form, refused)
    return render_template(
        "deliverables/form.html",
        plan=placement.plan,
        placement=placement,
        form=form,
        previous=previous,
        # The plan's state, or a version that may not be revised: nothing here could be saved.
        locked=refused is not None and "plan" in refused.problems,
        max_mb=current_app.config["UPLOAD_MAX_MB"],
    )


def _save(placement: Placement, previous: Deliverable | None = None) -> ResponseReturnValue:
    """Show the form, or save what it sent; the form comes back with messages (422)."""
    form = DeliverableForm()
    if request.method == "GET":
        problems = services.plan_problems(placement, current_user, previous)
        refused = DeliverableProblems(problems=problems) if problems else None
        return _form_page(placement, form, refused, previous)
    try:
        # Another window may send a new version of the same one first (409).
        with conflict_refused(SentMeanwhile), unit_of_work():
            if not form.validate_on_submit():
                _refuse_with_the_rules(form, placement, previous)
            row = services.add_deliverable(
                placement, current_user, supersedes=previous, **form.values()
            )
    except Refused as refused:
        return _form_page(placement, form, refused, previous), refused.status
    flash(
        f"“{row.title}” (version {row.version}) was added. Your supervisor can now review it.",
        "info",
    )
    return redirect(
        url_for("plans.show", plan_id=placement.plan_id, _anchor=f"deliverables-{placement.id}")
    )


def _refuse_with_the_rules(
    form: DeliverableForm, placement: Placement, previous: Deliverable | None
) -> NoReturn:
    """Refuse a form that did not validate, with the rules its values break besides."""
    values = form.values()
    services.check_deliverable(
        placement,
        current_user,
        title=values["title"],
        upload=values["upload"],
        link=values["link"],
        supersedes=previous,
    )
    raise DeliverableProblems  # the form's own problems are on it already


@bp.route(
    "/plans/<int:plan_id>/placements/<int:placement_id>/deliverables/new",
    methods=["GET", "POST"],
)
@login_required
def new(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Add a deliverable to a placement: a file or a link."""
    return _save(placement_or_404(plan_id, placement_id, can=is_plan_student))


@bp.route("/plans/<int:plan_id>/deliverables/<int:deliverable_id>/revise", methods=["GET", "POST"])
@login_required
def revise(plan_id: int, deliverable_id: int) -> ResponseReturnValue:
    """Send a new version of a deliverable the supervisor asked to revise."""
    plan = plan_or_404(plan_id, can=is_plan_student)
    previous = on_plan_or_404(Deliverable, deliverable_id, plan)
    return _save(previous.placement, previous)


# -- downloads -----------------------------------------------------------------------------


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
    return send_deliverable(row)
