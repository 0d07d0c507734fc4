"""Pages of the sign-off capability: the sponsor's queue, review and bulk sign-off.

Only a plan's faculty sponsor reaches its sign-off page; for everyone else it
answers 404, as for plans they may not see. Grades and credits are checked by
the workflow (``plans/workflow.py``), whatever the form sent; a refusal gives
the page back with the messages next to the form (422), and a plan changed by
someone else in the meantime answers 409.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit import clock
from careercredit.access import get_or_404, roles_required, signed_in
from careercredit.csvexport import csv_response
from careercredit.models import CreditPlan, Role
from careercredit.pagination import requested_page
from careercredit.plans.forms import seen_version
from careercredit.plans.workflow import Action, max_awardable, perform
from careercredit.refusals import Refused, unit_of_work
from careercredit.signoff import services
from careercredit.signoff.forms import BulkChoiceForm, BulkForm, SendBackForm, SignOffForm

bp = Blueprint("signoff", __name__, url_prefix="/signoff")

PER_PAGE = 25


# -- lists ----------------------------------------------------------------------


@bp.get("/")
@roles_required(Role.faculty)
def queue() -> ResponseReturnValue:
    """The plans the signed-in person sponsors that wait for sign-off, longest waiting first."""
    return _queue_page(BulkChoiceForm(formdata=None))


def _queue_page(choice: BulkChoiceForm, status: int = 200) -> ResponseReturnValue:
    user = signed_in()
    pagination = services.awaiting_page(user, page=requested_page(), per_page=PER_PAGE)
    own = {plan.id: services.own_plan_problem(user, plan) for plan in pagination.items}
    return render_template(
        "signoff/queue.html",
        pagination=pagination,
        own={plan_id: problem for plan_id, problem in own.items() if problem},
        choice=choice,
        grade_groups=services.grade_groups(pagination.items),
        verified=services.verified_hours_of([plan.id for plan in pagination.items]),
        max_awardable=max_awardable,
        is_late=services.is_late,
    ), status


@bp.get("/queue.csv")
@roles_required(Role.faculty)
def queue_csv() -> ResponseReturnValue:
    """The plans waiting for the signed-in sponsor's sign-off, as a CSV file."""
    return csv_response(
        f"signoff-{clock.today().isoformat()}.csv",
        services.AWAITING_CSV_HEADER,
        services.awaiting_csv_rows(current_user),
    )


@bp.get("/late")
@roles_required(Role.advisor)
def late() -> ResponseReturnValue:
    """Plans still waiting for sign-off after their term's grading deadline."""
    pagination = services.late_page(page=requested_page(), per_page=PER_PAGE)
    return render_template("signoff/late.html", pagination=pagination, days_late=services.days_late)


# -- one plan -------------------------------------------------------------------


def _sponsored_or_404(plan_id: int) -> CreditPlan:
    """The plan, if the signed-in person is its faculty sponsor; 404 for everyone else."""
    return get_or_404(CreditPlan, plan_id, can="sponsored_by")


def _sign_off_form(plan: CreditPlan, form: SignOffForm | None = None) -> SignOffForm:
    if form is None:
        form = SignOffForm(formdata=None, version=plan.version, credits=max_awardable(plan))
    form.grade.choices = [
        ("", "Choose a grade…"),
        *services.grade_choices(plan.grading),
    ]
    form.credits.description = services.credit_note(plan)
    return form


def _review_page(
    plan: CreditPlan,
    *,
    form: SignOffForm | None = None,
    back: SendBackForm | None = None,
    problems: list[str] | None = None,
    back_problems: list[str] | None = None,
) -> str:
    return render_template(
        "signoff/review.html",
        plan=plan,
        form=_sign_off_form(plan, form),
        back=back or SendBackForm(formdata=None, prefix="back", version=plan.version),
        problems=problems or [],
        back_problems=back_problems or [],
        awaiting=plan.can(Action.sign_off, current_user),
        own=services.own_plan_problem(current_user, plan),
        contacts=services.contacts_of(plan),
        most=max_awardable(plan),
        late=services.is_late(plan),
        scheme_name=services.scheme_name(plan.grading),
        evaluations=services.EVALUATIONS,
    )


@bp.route("/<int:plan_id>", methods=["GET", "POST"])
@roles_required(Role.faculty)
def review(plan_id: int) -> ResponseReturnValue:
    """Everything a sponsor needs to decide, and the sign-off form."""
    plan = _sponsored_or_404(plan_id)
    if request.method == "GET":
        return _review_page(plan)
    form = _sign_off_form(plan, SignOffForm())
    # A plan no longer waiting shows no form: the workflow says why, whatever was sent.
    if not form.validate_on_submit() and plan.can(Action.sign_off, current_user):
        return _review_page(plan, form=form), 422
    try:
        with unit_of_work():
            perform(
                plan,
                Action.sign_off,
                by=current_user,
                version=seen_version(form.version.data),
                grade=form.grade.data or None,
                credits=form.credits.data,
                comment=form.comment.data or "",
            )
    except Refused as refused:
        return _refused(plan, refused, form=form)
    flash(
        f"Signed off: {plan.student.display_name}, {plan.term.code}, grade {form.grade.data}, "
        # Signed off, so the workflow had credits to award (it refuses none).
        f"{services.credits_text(form.credits.data or 0)}.",
        "info",
    )
    return redirect(url_for(".queue"))


@bp.post("/<int:plan_id>/send-back")
@roles_required(Role.faculty)
def send_back(plan_id: int) -> ResponseReturnValue:
    """Return the plan to the student with a comment saying what is missing."""
    plan = _sponsored_or_404(plan_id)
    back = SendBackForm(prefix="back")
    if not back.validate_on_submit() and plan.can(Action.send_back, current_user):
        return _review_page(plan, back=back), 422
    try:
        with unit_of_work():
            perform(
                plan,
                Action.send_back,
                by=current_user,
                version=seen_version(back.version.data),
                comment=back.comment.data or "",
            )
    except Refused as refused:
        return _refused(plan, refused, back=back)
    flash(f"Plan sent back to {plan.student.display_name} with your comment.", "info")
    return redirect(url_for(".queue"))


def _refused(
    plan: CreditPlan,
    refused: Refused,
    *,
    form: SignOffForm | None = None,
    back: SendBackForm | None = None,
) -> ResponseReturnValue:
    """The page again, entries kept, as the plan is now (the unit of work rolled back)."""
    for kept in (form, back):
        if kept is not None:
            kept.version.data = str(plan.version)  # the page now shows the current plan
    if back is not None:
        return _review_page(plan, back=back, back_problems=refused.messages), refused.status
    return _review_page(plan, form=form, problems=refused.messages), refused.status


# -- several plans at once --------------------------------------------------------


@bp.post("/bulk/confirm")
@roles_required(Role.faculty)
def bulk_confirm() -> ResponseReturnValue:
    """Show what each selected plan would get with the chosen grade, before signing off."""
    choice = BulkChoiceForm()
    if not choice.validate_on_submit():
        return _queue_page(choice, 422)
    chosen: list[int] = choice.plan_ids.data or []
    plans = services.sponsored(current_user, chosen)
    if plans is None:
        abort(404)
    ordered = [plans[i] for i in dict.fromkeys(chosen)]
    grade = choice.grade.data or ""
    proposals = services.propose(ordered, grade, award_max=choice.award_max.data, by=signed_in())
    return render_template(
        "signoff/bulk_confirm.html",
        proposals=proposals,
        grade=grade,
        award_max=choice.award_max.data,
        form=BulkForm(formdata=None),
    )


@bp.post("/bulk")
@roles_required(Role.faculty)
def bulk() -> ResponseReturnValue:
    """Sign off each confirmed plan through the workflow; report what was done and refused."""
    form = BulkForm()
    if not form.validate_on_submit() or not form.rows.data:
        abort(400)
    # One row per plan, the first one kept, in the order confirmed.
    first: dict[int, dict[str, int]] = {}
    for row in form.rows.data:
        first.setdefault(row["plan_id"], row)
    rows = list(first.values())
    plans = services.sponsored(current_user, [row["plan_id"] for row in rows])
    if plans is None:
        abort(404)
    outcome = services.sign_off_each(
        [
            (plans[row["plan_id"]], row["version"], row["credits"], str(row["grade"] or ""))
            for row in rows
        ],
        form.grade.data or "",
        by=signed_in(),
    )
    # Nothing signed off: the page answers as its refusals do (403 for one's own plan).
    page = render_template("signoff/bulk_done.html", outcome=outcome, grade=form.grade.data)
    return page, outcome.status
