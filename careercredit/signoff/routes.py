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
from sqlalchemy.orm.exc import StaleDataError

from careercredit.access import get_or_404, roles_required
from careercredit.extensions import db
from careercredit.ids import whole_number
from careercredit.models import CreditPlan, PlanState, Role
from careercredit.plans.workflow import StalePlan, TransitionError, max_awardable, perform
from careercredit.signoff import services
from careercredit.signoff.forms import BulkChoiceForm, BulkForm, SendBackForm, SignOffForm

bp = Blueprint("signoff", __name__, url_prefix="/signoff")

PER_PAGE = 25


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


# -- lists ----------------------------------------------------------------------


@bp.get("/")
@roles_required(Role.faculty)
def queue() -> ResponseReturnValue:
    """The plans the signed-in person sponsors that wait for sign-off, longest waiting first."""
    return _queue_page(BulkChoiceForm(formdata=None))


def _queue_page(choice: BulkChoiceForm, status: int = 200) -> ResponseReturnValue:
    pagination = db.paginate(
        services.awaiting_query(current_user),
        page=_page(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "signoff/queue.html",
        pagination=pagination,
        choice=choice,
        grade_groups=services.all_grade_choices(),
        verified=services.verified_hours_of([plan.id for plan in pagination.items]),
        max_awardable=max_awardable,
        is_late=services.is_late,
    ), status


@bp.get("/late")
@roles_required(Role.advisor)
def late() -> ResponseReturnValue:
    """Plans still waiting for sign-off after their term's grading deadline."""
    pagination = db.paginate(
        services.late_query(),
        page=_page(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("signoff/late.html", pagination=pagination, days_late=services.days_late)


# -- one plan -------------------------------------------------------------------


def _sponsored_or_404(plan_id: int) -> CreditPlan:
    """The plan, if the signed-in person is its faculty sponsor; 404 for everyone else."""
    plan = get_or_404(CreditPlan, plan_id)
    if not (current_user.has_role(Role.faculty) and plan.sponsor_id == current_user.id):
        abort(404)
    return plan


def _sign_off_form(plan: CreditPlan, form: SignOffForm | None = None) -> SignOffForm:
    if form is None:
        form = SignOffForm(formdata=None, version=plan.version, credits=max_awardable(plan))
    form.grade.choices = [
        ("", "Choose a grade…"),
        *services.grade_choices(plan.term.grading_scheme),
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
        awaiting=plan.state == PlanState.awaiting_signoff,
        most=max_awardable(plan),
        late=services.is_late(plan),
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
    if not form.validate_on_submit() and plan.state == PlanState.awaiting_signoff:
        return _review_page(plan, form=form), 422
    try:
        perform(
            plan,
            "sign_off",
            by=current_user,
            version=_version(form.version.data),
            grade=form.grade.data or None,
            credits=form.credits.data,
            comment=form.comment.data or "",
        )
        db.session.commit()
    except (TransitionError, StaleDataError) as error:
        return _refused(plan, error, form=form)
    flash(
        f"Signed off: {plan.student.display_name}, {plan.term.code}, grade {form.grade.data}, "
        f"{services.credits_text(form.credits.data)}.",
        "info",
    )
    return redirect(url_for(".queue"))


@bp.post("/<int:plan_id>/send-back")
@roles_required(Role.faculty)
def send_back(plan_id: int) -> ResponseReturnValue:
    """Return the plan to the student with a comment saying what is missing."""
    plan = _sponsored_or_404(plan_id)
    back = SendBackForm(prefix="back")
    if not back.validate_on_submit() and plan.state == PlanState.awaiting_signoff:
        return _review_page(plan, back=back), 422
    try:
        perform(
            plan,
            "send_back",
            by=current_user,
            version=_version(back.version.data),
            comment=back.comment.data or "",
        )
        db.session.commit()
    except (TransitionError, StaleDataError) as error:
        return _refused(plan, error, back=back)
    flash(f"Plan sent back to {plan.student.display_name} with your comment.", "info")
    return redirect(url_for(".queue"))


def _refused(
    plan: CreditPlan,
    error: Exception,
    *,
    form: SignOffForm | None = None,
    back: SendBackForm | None = None,
) -> ResponseReturnValue:
    """The page again, entries kept: 409 if someone else changed the plan, else 422."""
    db.session.rollback()
    stale = isinstance(error, StalePlan | StaleDataError)
    problems = StalePlan().problems if stale else getattr(error, "problems", [])
    plan = db.session.get(CreditPlan, plan.id)
    for kept in (form, back):
        if kept is not None:
            kept.version.data = plan.version  # the page now shows the current plan
    status = 409 if stale else 422
    if back is not None:
        return _review_page(plan, back=back, back_problems=problems), status
    return _review_page(plan, form=form, problems=problems), status


def _version(value: object) -> int:
    number = whole_number(value)
    return -1 if number is None else number


# -- several plans at once --------------------------------------------------------


@bp.post("/bulk/confirm")
@roles_required(Role.faculty)
def bulk_confirm() -> ResponseReturnValue:
    """Show what each selected plan would get with the chosen grade, before signing off."""
    choice = BulkChoiceForm()
    if not choice.validate_on_submit():
        return _queue_page(choice, 422)
    plans = services.sponsored(current_user, choice.plan_ids.data)
    if plans is None:
        abort(404)
    ordered = [plans[i] for i in dict.fromkeys(choice.plan_ids.data)]
    proposals = services.propose(ordered, choice.grade.data, award_max=choice.award_max.data)
    return render_template(
        "signoff/bulk_confirm.html",
        proposals=proposals,
        grade=choice.grade.data,
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
    first: dict[int, dict] = {}
    for row in form.rows.data:
        first.setdefault(row["plan_id"], row)
    rows = list(first.values())
    plans = services.sponsored(current_user, [row["plan_id"] for row in rows])
    if plans is None:
        abort(404)
    outcome = services.sign_off_each(
        [(plans[row["plan_id"]], row["version"], row["credits"]) for row in rows],
        form.grade.data,
        by=current_user,
    )
    return render_template("signoff/bulk_done.html", outcome=outcome, grade=form.grade.data)
