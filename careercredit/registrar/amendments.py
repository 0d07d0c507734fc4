"""Amendments: a registrar's correction of posted credit, with the reason the student reads.

A posted plan never changes; an ``Amendment`` records the grade and credits
before and after, and the next export of the plan's term carries it to the
SIS (action ``amend``).
"""

from __future__ import annotations

from careercredit import clock
from careercredit.access import refuse_own_record
from careercredit.audit import record_event
from careercredit.badges import services as badges
from careercredit.models import Amendment, CreditPlan, PlanState, Role, User
from careercredit.refusals import Refused
from careercredit.reports import summaries

MAX_CREDITS = 12
MAX_REASON = 2000


def amendment_problems(
    plan: CreditPlan, *, grade: str | None, credits: int | None, reason: str
) -> dict[str, str]:
    """What is wrong with an amendment, by form field, in words for the registrar."""
    scheme = plan.grading
    problems: dict[str, str] = {}
    if grade not in scheme.grades:
        problems["grade"] = f"Choose a grade: {', '.join(scheme.grades)}."
    if credits is None or not 0 <= credits <= MAX_CREDITS:
        problems["credits"] = f"Enter the credits, a whole number from 0 to {MAX_CREDITS}."
    elif grade in scheme.failing and credits != 0:
        problems["credits"] = f"A grade of {grade} awards no credit; enter 0."
    elif grade in scheme.grades and grade not in scheme.failing and credits < 1:
        problems["credits"] = "A passing grade awards at least 1 credit."
    if not reason.strip():
        problems["reason"] = "Write the reason for the amendment; the student will read it."
    elif len(reason.strip()) > MAX_REASON:
        problems["reason"] = f"Keep the reason under {MAX_REASON} characters."
    if not problems and (grade, credits) == (plan.final_grade, plan.final_credits):
        problems["grade"] = (
            f"The plan already has {grade} and {credits} credits; change the grade or the credits."
        )
    return problems


def not_posted(plan: CreditPlan) -> str:
    """Why a plan that is not posted cannot be amended, in words for the registrar."""
    return f"This plan is {plan.state.label.lower()}; only posted credit can be amended."


def refuse_amendment(plan: CreditPlan, by: User) -> None:
    """Refuse if ``by`` may not amend the plan at all: not posted, not a registrar, their own."""
    if plan.state != PlanState.posted:
        raise Refused(not_posted(plan))
    if not by.has_role(Role.registrar):
        raise Refused("Only the registrar's office amends posted credit.")
    refuse_own_record(by, plan.student_id, another="registrar")


def amend_plan(
    plan: CreditPlan, by: User, *, grade: str | None, credits: int | None, reason: str
) -> Amendment:
    """Correct a posted plan's grade or credits; the next export of its term carries it.

    Refused if the plan is not posted, ``by`` is not a registrar or is its
    student (``refuse_amendment``), or the values are wrong
    (``amendment_problems``, keyed by form field).
    """
    refuse_amendment(plan, by)
    problems = amendment_problems(plan, grade=grade, credits=credits, reason=reason)
    if problems:
        raise Refused(problems=problems)
    amendment = Amendment(
        created_by_id=by.id,
        reason=reason.strip(),
        grade_before=plan.final_grade,
        grade_after=grade,
        credits_before=plan.final_credits,
        credits_after=credits,
    )
    with summaries.plan_changes(plan):
        plan.amendments.append(amendment)
    badges.replace_for_plan(plan, by=by, reason=f"Credit amended: {amendment.reason}")
    # Touching the plan bumps its version: two registrars amending at once cannot both win.
    plan.updated_at = clock.now()
    record_event(
        "plan.amend",
        actor=by,
        object_type="credit_plan",
        object_id=plan.id,
        details={
            "grade": {"before": amendment.grade_before, "after": grade},
            "credits": {"before": amendment.credits_before, "after": credits},
            "reason": amendment.reason,
        },
    )
    return amendment
