"""Which advisor looks after a plan: by the office's rule, else in turn; reassignable.

A plan submitted for the first time is given an advisor: the one the
office's rules (``AdvisorRule``, kept by advisors on the assignment rules
page) name for its course's department (or subject), else the advisor
least recently given a plan, among the directory's
advisors who have signed in. A resubmitted plan keeps its advisor while
they still may decide it. Separation of duties holds here as in the
workflow: nobody is given their own plan, nor a plan they sponsor.

Only the assigned advisor is told of a submission; when nobody can be
assigned (no advisor has signed in yet) every advisor is, so a plan is
never left unseen.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from careercredit.access import is_own_record
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import AdvisorAssignment, AdvisorRule, CreditPlan, Role, User, UserRole
from careercredit.refusals import Refused

#: How an advisor was chosen, as the assignment's ``reason`` stores it.
BY_RULE = "rule"
BY_TURN = "turn"
REASSIGNED = "reassigned"


def may_look_after(plan: CreditPlan, user: User | None) -> bool:
    """Whether ``user`` may be the plan's advisor: an advisor, not its student nor sponsor."""
    return (
        user is not None
        and user.has_role(Role.advisor)
        and not is_own_record(user, plan.student_id)
        and user.id != plan.sponsor_id
    )


def signed_in_advisors() -> list[User]:
    """The directory's advisors who have signed in, by name."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.advisor, User.last_login_at.is_not(None))
        .order_by(User.display_name, User.id)
    )
    return list(db.session.scalars(query))


def candidates(plan: CreditPlan) -> list[User]:
    """Advisors who may be given the plan, by name (the reassignment form's choices)."""
    return [user for user in signed_in_advisors() if may_look_after(plan, user)]


def rule_key(text: str) -> str:
    """How a department or subject is compared: spaces trimmed, case folded."""
    return " ".join(text.split()).casefold()


def rule_advisor(plan: CreditPlan) -> User | None:
    """The advisor the office's rules name for the plan's department, else its subject."""
    if plan.section is None:
        return None
    course = plan.section.course
    keys = [rule_key(k) for k in (course.department, course.subject) if k and k.strip()]
    rules = {
        rule.match_key: rule
        for rule in db.session.scalars(select(AdvisorRule).where(AdvisorRule.match_key.in_(keys)))
    }
    for key in keys:
        rule = rules.get(key)
        if rule is not None and may_look_after(plan, rule.advisor):
            return rule.advisor
    return None


def rules() -> list[AdvisorRule]:
    """The office's rules, by department or subject."""
    query = select(AdvisorRule).options(joinedload(AdvisorRule.advisor))
    return list(db.session.scalars(query.order_by(AdvisorRule.match_key)))


def add_rule(match: str, advisor: User | None, *, by: User) -> AdvisorRule:
    """Send the plans of department or subject ``match`` to ``advisor``; the caller commits."""
    key = rule_key(match)
    if advisor is None or not advisor.has_role(Role.advisor):
        raise Refused(problems={"advisor": "Choose one of the advisors listed."})
    existing = db.session.scalar(select(AdvisorRule).where(AdvisorRule.match_key == key))
    if existing is not None:
        raise Refused(
            problems={
                "match": f"{existing.match} already goes to {existing.advisor.display_name}; "
                "remove that rule first."
            }
        )
    rule = AdvisorRule(match=" ".join(match.split()), match_key=key, advisor=advisor)
    rule.created_by_id = by.id
    db.session.add(rule)
    db.session.flush()
    record_event(
        "advisor_rule.create",
        actor=by,
        object_type="advisor_rule",
        object_id=rule.id,
        details={"match": rule.match, "advisor": advisor.uid},
    )
    return rule


def remove_rule(rule: AdvisorRule, *, by: User) -> None:
    """Delete a rule: that department's plans go to the advisors in turn again."""
    record_event(
        "advisor_rule.delete",
        actor=by,
        object_type="advisor_rule",
        object_id=rule.id,
        details={"match": rule.match, "advisor": rule.advisor.uid},
    )
    db.session.delete(rule)


def next_in_turn(plan: CreditPlan) -> User | None:
    """The advisor who may take the plan and was least recently given one."""
    last = (
        select(AdvisorAssignment.advisor_id, func.max(AdvisorAssignment.id).label("last"))
        .group_by(AdvisorAssignment.advisor_id)
        .subquery()
    )
    excluded = [i for i in (plan.student_id, plan.sponsor_id) if i is not None]
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .outerjoin(last, last.c.advisor_id == User.id)
        .where(
            UserRole.role == Role.advisor,
            User.last_login_at.is_not(None),
            User.id.not_in(excluded),
        )
        .order_by(func.coalesce(last.c.last, 0), User.id)
    )
    return next((u for u in db.session.scalars(query) if may_look_after(plan, u)), None)


def _give(plan: CreditPlan, advisor: User, reason: str, by: User | None) -> None:
    plan.assigned_advisor = advisor
    db.session.add(
        AdvisorAssignment(
            plan_id=plan.id,
            advisor_id=advisor.id,
            assigned_by_id=by.id if by is not None else None,
            reason=reason,
        )
    )
    if by is not None:
        # On submission the assignment row is the record, beside the submission's own event.
        record_event(
            "plan.reassign",
            actor=by,
            object_type="credit_plan",
            object_id=plan.id,
            details={"advisor": advisor.uid},
        )


def assign_on_submit(plan: CreditPlan) -> User | None:
    """Give a submitted plan its advisor (keeping one who still may); None if nobody can be."""
    current = plan.assigned_advisor
    if current is not None and may_look_after(plan, current):
        return current
    by_rule = rule_advisor(plan)
    advisor, reason = (by_rule, BY_RULE) if by_rule is not None else (next_in_turn(plan), BY_TURN)
    if advisor is None:
        plan.assigned_advisor = None
        return None
    _give(plan, advisor, reason, by=None)
    return advisor


class CannotAssign(Refused):
    """The advisor chosen may not look after this plan."""


def reassign(plan: CreditPlan, advisor: User | None, *, by: User) -> bool:
    """Give the plan to ``advisor`` on ``by``'s word; False if it was theirs already.

    ``by`` is an advisor; separation of duties is the caller's first check
    (``refuse_own_record``), the chosen advisor's is checked here.
    """
    if advisor is None or not may_look_after(plan, advisor):
        raise CannotAssign(
            problems={
                "advisor": "Choose an advisor who is neither the plan's student nor its sponsor."
            }
        )
    if plan.assigned_advisor_id == advisor.id:
        return False
    _give(plan, advisor, REASSIGNED, by=by)
    return True
