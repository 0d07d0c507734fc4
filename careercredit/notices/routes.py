"""Pages of the notices capability: a person's notices, their e-mail choice, plan assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import is_own_record, plan_or_404, refuse_own_record, roles_required
from careercredit.extensions import db
from careercredit.forms import SelectChoice
from careercredit.ids import whole_number
from careercredit.models import AdvisorRule, CreditPlan, Delivery, Role, User
from careercredit.notices import assignment, events
from careercredit.notices.forms import (
    AssignmentForm,
    MarkReadForm,
    PreferenceForm,
    RemoveRuleForm,
    RuleForm,
)
from careercredit.notices.services import (
    delivery_for,
    mark_read,
    notice_page,
    set_delivery,
    unread_count,
)
from careercredit.pagination import requested_page
from careercredit.refusals import Refused, show_on_form, unit_of_work

bp = Blueprint("notices", __name__)
#: Everyone who signs in has notices, whatever their roles.
EVERY_ROLE = tuple(Role)


@bp.get("/notices")
@roles_required(*EVERY_ROLE)
def index() -> ResponseReturnValue:
    """The signed-in person's notices, newest first."""
    pagination = notice_page(current_user, requested_page())
    newest = max((n.id for n in pagination.items), default=None)
    form = MarkReadForm(up_to=str(newest) if newest else "")
    return render_template(
        "notices/index.html",
        pagination=pagination,
        form=form,
        unread=unread_count(current_user),
        delivery=delivery_for(current_user),
        is_advisor=current_user.has_role(Role.advisor),
    )


@bp.post("/notices/read")
@roles_required(*EVERY_ROLE)
def mark_all_read() -> ResponseReturnValue:
    """Mark the notices the person saw as read."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        flash("The form expired; try again.", "error")
        return redirect(url_for("notices.index"))
    with unit_of_work():
        changed = mark_read(current_user, up_to=whole_number(form.up_to.data))
    flash(f"Marked {changed} notice{'' if changed == 1 else 's'} read.", "info")
    return redirect(url_for("notices.index"))


@bp.route("/notices/preferences", methods=["GET", "POST"])
@roles_required(*EVERY_ROLE)
def preferences() -> ResponseReturnValue:
    """Choose immediate e-mails or a daily digest."""
    form = PreferenceForm(delivery=delivery_for(current_user).value)
    if not form.is_submitted():
        return render_template("notices/preferences.html", form=form)
    if not form.validate():
        return render_template("notices/preferences.html", form=form), 422
    with unit_of_work():
        set_delivery(current_user, Delivery(form.delivery.data))
    flash(
        "You will get an e-mail for each notice."
        if form.delivery.data == Delivery.immediate
        else "You will get one e-mail a day listing the day's notices.",
        "info",
    )
    return redirect(url_for("notices.index"))


# -- assignment -----------------------------------------------------------------------


@dataclass
class AssignmentPanel:
    """What the plan page's assignment box shows to the person looking at it."""

    plan: CreditPlan
    advisor: User | None
    #: The reassignment form, for advisors who may reassign this plan; else None.
    form: AssignmentForm | None


def _assignment_form(plan: CreditPlan, **data: Any) -> AssignmentForm:
    form = AssignmentForm(**data)
    form.advisor.choices = [SelectChoice(a.id, a.display_name) for a in assignment.candidates(plan)]
    return form


def assignment_panel(plan: CreditPlan) -> AssignmentPanel:
    """The assignment box of ``plan`` for the signed-in person (templates call it)."""
    may_reassign = current_user.has_role(Role.advisor) and not is_own_record(
        current_user, plan.student_id
    )
    form = None
    if may_reassign:
        form = _assignment_form(plan, advisor=plan.assigned_advisor_id, formdata=None)
    return AssignmentPanel(plan, plan.assigned_advisor, form)


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    return {"assignment_panel": assignment_panel}


@bp.post("/plans/<int:plan_id>/assignment")
@roles_required(Role.advisor)
def reassign(plan_id: int) -> ResponseReturnValue:
    """Give the plan to another advisor."""
    plan = plan_or_404(plan_id)
    form = _assignment_form(plan)
    try:
        refuse_own_record(current_user, plan.student_id, another="advisor")
        if not form.validate_on_submit():
            return render_template("notices/assign.html", plan=plan, form=form), 422
        advisor = db.session.get(User, form.advisor.data) if form.advisor.data else None
        with unit_of_work():
            changed = assignment.reassign(plan, advisor, by=current_user)
            if changed:
                events.plan_assigned(plan, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return render_template("notices/assign.html", plan=plan, form=form), refused.status
    if plan.assigned_advisor is not None:
        who = plan.assigned_advisor.display_name
        flash(f"{who} {'now looks' if changed else 'already looked'} after this plan.", "info")
    return redirect(url_for("plans.show", plan_id=plan.id))


# -- the office's assignment rules ---------------------------------------------------------


def _rule_form(**data: Any) -> RuleForm:
    form = RuleForm(**data)
    form.advisor.choices = [
        SelectChoice(a.id, a.display_name) for a in assignment.signed_in_advisors()
    ]
    return form


def _rules_page(form: RuleForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "notices/rules.html", form=form, rules=assignment.rules(), remove=RemoveRuleForm()
    ), status


@bp.route("/advisor/assignment-rules", methods=["GET", "POST"])
@roles_required(Role.advisor)
def rules() -> ResponseReturnValue:
    """The office's rules: which advisor a department's plans go to."""
    form = _rule_form()
    if not form.is_submitted():
        return _rules_page(form)
    if not form.validate():
        return _rules_page(form, 422)
    advisor = db.session.get(User, form.advisor.data) if form.advisor.data else None
    try:
        with unit_of_work():
            rule = assignment.add_rule(form.match.data or "", advisor, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return _rules_page(form, refused.status)
    flash(f"Plans of {rule.match} now go to {rule.advisor.display_name}.", "info")
    return redirect(url_for("notices.rules"))


@bp.post("/advisor/assignment-rules/remove")
@roles_required(Role.advisor)
def remove_rule() -> ResponseReturnValue:
    """Remove a rule; its department's plans go to the advisors in turn again."""
    form = RemoveRuleForm()
    rule_id = whole_number(form.rule_id.data) if form.validate_on_submit() else None
    rule = db.session.get(AdvisorRule, rule_id) if rule_id else None
    if rule is None:
        flash("That rule was removed already.", "info")
        return redirect(url_for("notices.rules"))
    match = rule.match
    with unit_of_work():
        assignment.remove_rule(rule, by=current_user)
    flash(f"Plans of {match} go to the advisors in turn again.", "info")
    return redirect(url_for("notices.rules"))
