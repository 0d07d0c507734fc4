"""Pages of the supervisors capability.

Signed-in pages (under ``/plans/<plan>``): consent, sending and revoking
links, a placement's disclosure history. Public pages (under ``/s/<token>``):
what an external supervisor opens from their e-mail, with no account.
"""

from __future__ import annotations

from typing import Any, NoReturn

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
from sqlalchemy.orm.exc import StaleDataError

from careercredit.access import get_or_404
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import CreditPlan, LinkPurpose, Placement, SupervisorLink
from careercredit.supervisors import answers, services
from careercredit.supervisors.forms import (
    PURPOSES,
    ConsentForm,
    HourAnswerForm,
    RevokeForm,
    SendForm,
    evaluation_form,
)
from careercredit.supervisors.links import LinkError, refused_link_limit, resolve

bp = Blueprint("supervisors", __name__)

EVALUATIONS = {LinkPurpose.midterm, LinkPurpose.final}


@bp.app_template_global("supervisor_panels")
def _supervisor_panels(plan: CreditPlan) -> list[services.PlacementPanel]:
    """The supervisor-link panels of a plan page, for the signed-in person."""
    if not services.shows_panels(plan):
        return []
    return services.panels(plan, current_user)


# -- signed-in side --------------------------------------------------------------


def _placement_or_404(plan_id: int, placement_id: int) -> tuple[CreditPlan, Placement]:
    plan = get_or_404(CreditPlan, plan_id)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.plan_id != plan.id:
        abort(404)
    return plan, placement


def _back_to_plan(plan: CreditPlan, placement_id: int) -> ResponseReturnValue:
    return redirect(
        url_for("plans.show", plan_id=plan.id, _anchor=f"supervisor-links-{placement_id}")
    )


@bp.post("/plans/<int:plan_id>/placements/<int:placement_id>/links")
@login_required
def send(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Send (or re-send) the placement's supervisor a link of one purpose."""
    plan, placement = _placement_or_404(plan_id, placement_id)
    if not services.may_manage_links(plan, current_user):
        abort(404)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    purpose = LinkPurpose(form.purpose.data)
    problem = services.send_problem(placement, purpose, current_user)
    if problem:
        flash(problem, "error")
        return _back_to_plan(plan, placement.id)
    if placement.consent_at is None:  # only the student gets this far without consent
        return redirect(
            url_for(".consent", plan_id=plan.id, placement_id=placement.id, purpose=purpose.value)
        )
    link = services.send_request(placement, purpose, by=current_user)
    db.session.commit()
    _flash_sent(link)
    return _back_to_plan(plan, placement.id)


def _flash_sent(link: SupervisorLink) -> None:
    flash(
        f"The {services.REQUEST_NAMES[link.purpose]} was sent to {link.recipient_email}. "
        f"The link works until {link.expires_at:%d %B %Y}.",
        "info",
    )


def _purpose(value: str | None) -> LinkPurpose:
    """The purpose named by ``value``; hours when it names none."""
    return LinkPurpose(value) if value in PURPOSES else LinkPurpose.hours


@bp.route("/plans/<int:plan_id>/placements/<int:placement_id>/consent", methods=["GET", "POST"])
@login_required
def consent(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """The student agrees, once per placement, to share with its supervisor; then it sends."""
    plan, placement = _placement_or_404(plan_id, placement_id)
    if current_user.id != plan.student_id:
        abort(404)
    if placement.consent_at is not None:
        flash("You have already agreed to share with this supervisor.", "info")
        return _back_to_plan(plan, placement.id)
    form = ConsentForm(purpose=_purpose(request.args.get("purpose")).value)
    purpose = _purpose(form.purpose.data)
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
    services.give_consent(placement, by=current_user)
    link = services.send_request(placement, purpose, by=current_user)
    db.session.commit()
    _flash_sent(link)
    return _back_to_plan(plan, placement.id)


@bp.route("/plans/<int:plan_id>/links/<int:link_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(plan_id: int, link_id: int) -> ResponseReturnValue:
    """Revoke a link, after a confirmation."""
    plan = get_or_404(CreditPlan, plan_id)
    link = db.session.get(SupervisorLink, link_id)
    if link is None or link.placement.plan_id != plan.id:
        abort(404)
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
    plan, placement = _placement_or_404(plan_id, placement_id)
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


def _link(token: str, purposes: set[LinkPurpose]) -> SupervisorLink:
    """The usable link behind ``token``, or the one page every refused link gets."""
    try:
        return resolve(token, purposes)
    except LinkError as error:
        db.session.rollback()
        answers.record_refusal(error.reason, error.link, page=request.endpoint)
        db.session.commit()
        _refuse()


def _refuse() -> NoReturn:
    page = render_template("supervisors/refused.html", bare=True)
    abort(make_response(page, 404))


@bp.get("/s/<token>")
@refused_link_limit
def open_link(token: str) -> ResponseReturnValue:
    """The page a supervisor's link opens: the hours to verify or the evaluation form."""
    link = _link(token, set(LinkPurpose))
    if link.purpose == LinkPurpose.hours:
        return _hours_page(token, link, HourAnswerForm(formdata=None))
    return _evaluation_page(token, link)


def _hours_page(
    token: str, link: SupervisorLink, form: HourAnswerForm, status: int = 200, **context: Any
) -> ResponseReturnValue:
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
        form=form,
        **context,
    ), status


def hours_page(
    token: str, link: SupervisorLink, status: int, **context: Any
) -> ResponseReturnValue:
    """The hours page again with a blank hours form; deliverables pass their review problems."""
    return _hours_page(token, link, HourAnswerForm(formdata=None), status, **context)


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
    except answers.NotOnThisLink as refused:
        db.session.rollback()
        answers.record_refusal("entry", link, request.endpoint, entry_id=refused.entry_id)
        blank = HourAnswerForm(formdata=None)
        return _hours_page(token, link, blank, 404, problem=str(refused))
    flash(done, "info")
    return redirect(url_for(".open_link", token=token))


def _answer(token: str, link: SupervisorLink, form: HourAnswerForm) -> str:
    """Apply the answer and commit; try once more if the plan changed meanwhile."""
    try:
        done = _apply(link, form)
        db.session.commit()
    except StaleDataError:  # the plan started at this moment through another answer
        db.session.rollback()
        done = _apply(_link(token, {LinkPurpose.hours}), form)
        db.session.commit()
    return done


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
    token: str, link: SupervisorLink, form: Any = None, status: int = 200
) -> ResponseReturnValue:
    evaluation = answers.evaluation_for(link)
    criteria = [] if evaluation else answers.active_criteria()
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
    criteria = answers.active_criteria()
    form = evaluation_form(criteria)
    if not form.validate_on_submit():
        return _evaluation_page(token, link, form, 422)
    try:
        answers.submit_evaluation(link, criteria, form.scores(criteria), form.comments.data or "")
        db.session.commit()
    except IntegrityError:  # submitted at the same moment through another window
        db.session.rollback()
    flash("Thank you. Your evaluation was received.", "info")
    return redirect(url_for(".open_link", token=token))
