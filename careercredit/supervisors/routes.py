"""Pages of the supervisors capability.

Signed-in pages (under ``/plans/<plan>``): consent, sending and revoking
links, a placement's disclosure history. Public pages (under ``/s/<token>``):
what an external supervisor opens from their e-mail, with no account: the
hours to verify with the placement's deliverables to review, or the
evaluation form. A link reaches its own placement and nothing else.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from careercredit import clock
from careercredit.access import is_plan_student, on_plan_or_404, placement_or_404, plan_or_404
from careercredit.audit import record_event
from careercredit.deliverables import services as deliverables
from careercredit.deliverables.downloads import send_deliverable
from careercredit.deliverables.forms import ReviewForm
from careercredit.evaluations.services import active_criteria
from careercredit.extensions import db
from careercredit.hours.log import HourLog
from careercredit.models import CreditPlan, Deliverable, LinkPurpose, Placement, SupervisorLink
from careercredit.refusals import Refused, Stale, unit_of_work
from careercredit.supervisors import answers, services
from careercredit.supervisors.forms import (
    ConsentForm,
    EvaluationForm,
    HourAnswerForm,
    RevokeForm,
    SendForm,
    evaluation_form,
    purpose_named,
)
from careercredit.supervisors.links import LinkError, NotOnThisLink, refused_link_limit, resolve

bp = Blueprint("supervisors", __name__)

EVALUATIONS = {LinkPurpose.midterm, LinkPurpose.final}


@bp.app_template_global("supervisor_panels")
def _supervisor_panels(
    plan: CreditPlan, plan_log: HourLog | None = None
) -> list[services.PlacementPanel]:
    """The supervisor-link panels of a plan page, for the signed-in person.

    ``plan_log``: the page's hour log, which says whose entries wait for verification.
    """
    if not services.shows_panels(plan):
        return []
    return services.panels(plan, current_user, None if plan_log is None else plan_log.waiting())


# -- signed-in side --------------------------------------------------------------


def _back_to_plan(plan: CreditPlan, placement_id: int) -> ResponseReturnValue:
    return redirect(
        url_for("plans.show", plan_id=plan.id, _anchor=f"supervisor-links-{placement_id}")
    )


@bp.post("/plans/<int:plan_id>/placements/<int:placement_id>/links")
@login_required
def send(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Send (or re-send) the placement's supervisor a link of one purpose."""
    placement = placement_or_404(plan_id, placement_id)
    plan = placement.plan
    if not services.may_manage_links(plan, current_user):
        abort(404)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    purpose = purpose_named(form.purpose.data)
    problem = services.send_problem(placement, purpose, current_user)
    if problem:
        flash(problem, "error")
        return _back_to_plan(plan, placement.id)
    if placement.consent_at is None:  # only the student gets this far without consent
        return redirect(
            url_for(".consent", plan_id=plan.id, placement_id=placement.id, purpose=purpose.value)
        )
    return _send(placement, purpose)


def _send(
    placement: Placement, purpose: LinkPurpose, *, consent: bool = False
) -> ResponseReturnValue:
    """Send the link (after recording the student's consent), say so, and go back to the plan."""
    try:
        with unit_of_work():
            if consent:
                services.give_consent(placement, by=current_user)
            link = services.send_request(placement, purpose, by=current_user)
    except Refused as refused:
        for message in refused.messages:
            flash(message, "error")
    else:
        flash(
            f"The {services.REQUEST_NAMES[link.purpose]} was sent to {link.recipient_email}. "
            f"The link works until {clock.date_text(link.expires_at, '%d %B %Y')}.",
            "info",
        )
    return _back_to_plan(placement.plan, placement.id)


@bp.route("/plans/<int:plan_id>/placements/<int:placement_id>/consent", methods=["GET", "POST"])
@login_required
def consent(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """The student agrees, once per placement, to share with its supervisor; then it sends."""
    placement = placement_or_404(plan_id, placement_id, can=is_plan_student)
    plan = placement.plan
    if placement.consent_at is not None:
        flash("You have already agreed to share with this supervisor.", "info")
        return _back_to_plan(plan, placement.id)
    form = ConsentForm(purpose=purpose_named(request.args.get("purpose")).value)
    purpose = purpose_named(form.purpose.data)
    problem = services.send_problem(placement, purpose, current_user)
    if problem:
        flash(problem, "error")
        return _back_to_plan(plan, placement.id)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template(
            "supervisors/consent.html",
            plan=plan,
            placement=placement,
            form=form,
            request_name=services.REQUEST_NAMES[purpose],
        ), status
    return _send(placement, purpose, consent=True)


@bp.route("/plans/<int:plan_id>/links/<int:link_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(plan_id: int, link_id: int) -> ResponseReturnValue:
    """Revoke a link, after a confirmation."""
    plan = plan_or_404(plan_id)
    link = on_plan_or_404(SupervisorLink, link_id, plan)
    if not services.may_manage_links(plan, current_user):
        abort(404)
    form = RevokeForm()
    if link.revoked_at is not None:
        flash("That link was already revoked.", "info")
        return _back_to_plan(plan, link.placement_id)
    if not form.validate_on_submit():
        return render_template("supervisors/revoke.html", plan=plan, link=link, form=form)
    services.revoke(link, by=current_user)
    db.session.commit()
    flash(f"The {link.purpose.label} link to {link.recipient_email} no longer works.", "info")
    return _back_to_plan(plan, link.placement_id)


@bp.get("/plans/<int:plan_id>/placements/<int:placement_id>/disclosures")
@login_required
def disclosures(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Who received what from this placement's record, when, and from where."""
    placement = placement_or_404(plan_id, placement_id)
    plan = placement.plan
    if not services.may_see_disclosures(plan, current_user):
        abort(404)
    if current_user.id != plan.student_id:
        record_event(
            "placement.disclosures_view",
            actor=current_user,
            object_type="placement",
            object_id=placement.id,
            details={"plan_id": plan.id},
        )
        db.session.commit()
    return render_template(
        "supervisors/disclosures.html",
        plan=plan,
        placement=placement,
        rows=services.disclosures_of(placement),
        links=services.links_by_id(placement),
    )


# -- public side: what the supervisor opens ----------------------------------------


def _record_refusal(reason: str, link: SupervisorLink | None, **details: Any) -> None:
    """Log a refused use of a link (the reason, never the token), in its own transaction."""
    with unit_of_work():
        answers.record_refusal(reason, link, page=request.endpoint, **details)


def _link(token: str, purposes: set[LinkPurpose]) -> SupervisorLink:
    """The usable link behind ``token``, or the one page every refused link gets."""
    try:
        return resolve(token, purposes)
    except LinkError as error:
        _record_refusal(error.reason, error.link)
        page = render_template("supervisors/refused.html", bare=True)
        abort(make_response(page, error.status))


@bp.get("/s/<token>")
@refused_link_limit
def open_link(token: str) -> ResponseReturnValue:
    """The page a supervisor's link opens: the hours to verify or the evaluation form."""
    link = _link(token, set(LinkPurpose))
    if link.purpose == LinkPurpose.hours:
        return _hours_page(token, link)
    return _evaluation_page(token, link)


def _hours_page(
    token: str,
    link: SupervisorLink,
    form: HourAnswerForm | None = None,
    status: int = 200,
    **context: Any,
) -> ResponseReturnValue:
    """The hours and deliverables page; ``context`` brings a refused answer's problems."""
    entries = answers.entries_for(link)
    answers.record_opening(link, answers.describe_hours(entries))
    db.session.commit()
    generate_csrf()  # sets the session cookie the supervisor's answers are checked against
    return render_template(
        "supervisors/hours.html",
        bare=True,
        token=token,
        link=link,
        placement=link.placement,
        entries=entries,
        status_labels=answers.STATUS_LABELS,
        form=form or HourAnswerForm(formdata=None),
        **context,
    ), status


@bp.post("/s/<token>/hours")
@refused_link_limit
def answer_hours(token: str) -> ResponseReturnValue:
    """Verify or dispute hour entries through an hours link."""
    link = _link(token, {LinkPurpose.hours})
    form = HourAnswerForm()
    if not form.validate_on_submit():
        return _hours_page(token, link, form, 422)
    try:
        done = _answer(token, link, form)
    except NotOnThisLink as refused:
        answers.record_refusal("entry", link, request.endpoint, **refused.details)
        return _hours_page(token, link, status=refused.status, problem=str(refused))
    flash(done, "info")
    return redirect(url_for(".open_link", token=token))


def _answer(token: str, link: SupervisorLink, form: HourAnswerForm) -> str:
    """Apply the answer in one transaction; try once more if the plan changed meanwhile."""
    try:
        with unit_of_work():
            return _apply(link, form)
    except Stale:  # the plan started at this moment through another answer
        with unit_of_work():
            return _apply(_link(token, {LinkPurpose.hours}), form)


def _apply(link: SupervisorLink, form: HourAnswerForm) -> str:
    """Apply the supervisor's answer; return what to tell them."""
    if form.action.data == "verify_all":
        count = answers.verify_all(link)
        if not count:
            return "No entry was waiting for verification."
        return f"Verified {count} entr{'y' if count == 1 else 'ies'}. Thank you."
    if form.action.data == "verify":
        entry = answers.verify_entry(link, form.entry_id.data)
        return f"Verified the entry of {entry.work_date:%d %B %Y}. Thank you."
    entry = answers.dispute_entry(link, form.entry_id.data, form.comment.data or "")
    return f"Disputed the entry of {entry.work_date:%d %B %Y}; the student will see your comment."


def _evaluation_page(
    token: str, link: SupervisorLink, form: EvaluationForm | None = None, status: int = 200
) -> ResponseReturnValue:
    evaluation = answers.evaluation_for(link)
    criteria = [] if evaluation else active_criteria()
    if evaluation is None and form is None:
        form = evaluation_form(criteria, formdata=None)
    answers.record_opening(link, answers.describe_evaluation_page(link, evaluation is not None))
    db.session.commit()
    generate_csrf()
    return render_template(
        "supervisors/evaluation.html",
        bare=True,
        token=token,
        link=link,
        placement=link.placement,
        evaluation=evaluation,
        criteria=criteria,
        form=form,
    ), status


@bp.post("/s/<token>/evaluation")
@refused_link_limit
def submit_evaluation(token: str) -> ResponseReturnValue:
    """Store the evaluation given through a midterm or final link (once)."""
    link = _link(token, EVALUATIONS)
    if answers.evaluation_for(link) is not None:
        flash("This evaluation was already submitted; here is what we received.", "info")
        return redirect(url_for(".open_link", token=token))
    criteria = active_criteria()
    form = evaluation_form(criteria)
    if not form.validate_on_submit():
        return _evaluation_page(token, link, form, 422)
    # Submitted at the same moment through another window: that one is kept, and thanked for.
    with suppress(IntegrityError), unit_of_work():
        answers.submit_evaluation(link, criteria, form.scores(criteria), form.comments.data or "")
    flash("Thank you. Your evaluation was received.", "info")
    return redirect(url_for(".open_link", token=token))


# -- the placement's deliverables, through the hours link ---------------------------------


def _deliverable_on_link(link: SupervisorLink, deliverable_id: int) -> Deliverable:
    """The deliverable of the link's placement; others are logged and answer 404."""
    try:
        return deliverables.deliverable_on_link(link, deliverable_id)
    except NotOnThisLink as refused:
        _record_refusal("deliverable", link, **refused.details)
        abort(404)


@bp.get("/s/<token>/deliverables/<int:deliverable_id>")
@refused_link_limit
def download_deliverable(token: str, deliverable_id: int) -> ResponseReturnValue:
    """Download a deliverable of the link's placement."""
    link = _link(token, {LinkPurpose.hours})
    row = _deliverable_on_link(link, deliverable_id)
    if row.storage_key is None:
        abort(404)
    answers.record_opening(
        link, f"deliverable “{row.title}”, version {row.version}: the file {row.original_name}"
    )
    db.session.commit()
    return send_deliverable(row)


@bp.post("/s/<token>/deliverables/<int:deliverable_id>/review")
@refused_link_limit
def review_deliverable(token: str, deliverable_id: int) -> ResponseReturnValue:
    """Accept a deliverable, or ask for a revision with a comment."""
    link = _link(token, {LinkPurpose.hours})
    row = _deliverable_on_link(link, deliverable_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        # The page shows the comment's errors next to it; any other (a tampered button) above.
        problem = " ".join(
            error for name, errors in form.errors.items() if name != "comment" for error in errors
        )
        return _hours_page(
            token,
            link,
            status=422,
            review_form=form,
            review_id=row.id,
            deliverable_problem=problem,
        )
    accept = form.action.data == "accept"
    try:
        with unit_of_work():
            deliverables.review(link, row, accept=accept, comment=form.comment.data or "")
    except Refused as refused:
        return _hours_page(token, link, status=refused.status, deliverable_problem=str(refused))
    if accept:
        flash(f"You accepted “{row.title}”. Thank you.", "info")
    else:
        flash(
            f"You asked for a revision of “{row.title}”; the student will see your comment.", "info"
        )
    return redirect(url_for(".open_link", token=token, _anchor="deliverables"))
