"""The student's part of the home page: each plan's next step, what was sent back, deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from flask import url_for
from sqlalchemy import Integer, Select, bindparam, func, not_, select
from sqlalchemy.orm import aliased, joinedload

from careercredit import clock
from careercredit.extensions import db
from careercredit.main.plurals import days_text, plural
from careercredit.main.worklist import SHOWN, Item, Part, days_since, due_text, plan_url
from careercredit.models import (
    CommentKind,
    CreditPlan,
    Deliverable,
    DeliverableStatus,
    HourEntry,
    HourStatus,
    Placement,
    PlanComment,
    PlanState,
    Role,
    User,
)

#: How much of a reviewer's comment the home page quotes.
QUOTE = 280
#: What the student does next in each state: (step, link words, page section or "edit").
NEXT_STEPS: dict[PlanState, tuple[str, str, str]] = {
    PlanState.draft: (
        "Choose a faculty sponsor, add projects and submit it to career services.",
        "Finish the draft",
        "edit",
    ),
    PlanState.submitted: ("An advisor is reviewing it; nothing to do yet.", "See the plan", ""),
    PlanState.changes_requested: ("Make the changes asked for and resubmit.", "Edit", "edit"),
    PlanState.approved: ("Log your hours after each day of work.", "Log hours", "hours"),
    PlanState.in_progress: ("Log your hours after each day of work.", "Log hours", "hours"),
    PlanState.awaiting_signoff: (
        "Your sponsor is reviewing it for sign-off.",
        "See the plan",
        "",
    ),
    PlanState.signed_off: ("The registrar will post the credit.", "See the plan", ""),
}


def _own_plans(student: User) -> list[CreditPlan]:
    return list(
        db.session.scalars(
            select(CreditPlan)
            .where(CreditPlan.student_id == student.id, CreditPlan.state.in_(NEXT_STEPS))
            .options(joinedload(CreditPlan.term))
            .order_by(CreditPlan.updated_at.desc(), CreditPlan.id.desc())
            .limit(SHOWN)
        )
    )


def _last_comments(plan_ids: Sequence[int]) -> dict[int, PlanComment]:
    """The latest "changes requested" comment of each plan of ``plan_ids``."""
    if not plan_ids:
        return {}
    comments = db.session.scalars(
        select(PlanComment)
        .where(
            PlanComment.plan_id.in_(plan_ids),
            PlanComment.kind == CommentKind.changes_requested,
        )
        .order_by(PlanComment.id)
    )
    return {comment.plan_id: comment for comment in comments}


def _counts_by_plan(query: Select[tuple[int, int]], plan_ids: Sequence[int]) -> dict[int, int]:
    return {
        plan_id: count for plan_id, count in db.session.execute(query, {"plans": list(plan_ids)})
    }


def _disputed(plan_ids: Sequence[int]) -> dict[int, int]:
    """Disputed hour entries of each plan of ``plan_ids`` (plans without any left out)."""
    return _counts_by_plan(_disputed_statement(), plan_ids)


def _revisions(plan_ids: Sequence[int]) -> dict[int, int]:
    """Deliverables sent back for a revision not yet handed in, per plan of ``plan_ids``."""
    return _counts_by_plan(_revisions_statement(), plan_ids)


#: The plans counted (an expanding parameter: the statements below are built once).
PLANS = bindparam("plans", type_=Integer, expanding=True)


@cache
def _disputed_statement() -> Select[tuple[int, int]]:
    return (
        select(Placement.plan_id, func.count(HourEntry.id))
        .join(HourEntry, HourEntry.placement_id == Placement.id)
        .where(Placement.plan_id.in_(PLANS), HourEntry.status == HourStatus.disputed)
        .group_by(Placement.plan_id)
    )


@cache
def _revisions_statement() -> Select[tuple[int, int]]:
    """Built once: the alias alone cost more than running the statement."""
    newer = aliased(Deliverable)
    return (
        select(Placement.plan_id, func.count(Deliverable.id))
        .join(Deliverable, Deliverable.placement_id == Placement.id)
        .where(
            Placement.plan_id.in_(PLANS),
            Deliverable.status == DeliverableStatus.revision_requested,
            not_(select(newer.id).where(newer.supersedes_id == Deliverable.id).exists()),
        )
        .group_by(Placement.plan_id)
    )


def student_part(student: User) -> Part:
    """The student's plans: each one's next step, what was sent back, and deadlines."""
    part = Part(
        Role.student,
        "Your credit plans",
        empty="You have no plan under way. Start a plan: choose a term, projects from the "
        "catalogue and a faculty sponsor.",
    )
    part.links = [
        ("Start a plan", url_for("plans.new")),
        ("See all my plans", url_for("plans.index")),
        ("Your official records", url_for("records.mine")),
    ]
    plans = _own_plans(student)
    ids = [plan.id for plan in plans]
    comments = _last_comments(
        [plan.id for plan in plans if plan.state == PlanState.changes_requested]
    )
    disputed = _disputed(ids) if ids else {}
    revisions = _revisions(ids) if ids else {}
    for plan in plans:
        part.items.extend(_student_items(plan, comments, disputed, revisions))
    return part


def _student_items(
    plan: CreditPlan,
    comments: dict[int, PlanComment],
    disputed: dict[int, int],
    revisions: dict[int, int],
) -> list[Item]:
    term = plan.term
    step, action, section = NEXT_STEPS[plan.state]
    href = url_for("plans.edit", plan_id=plan.id) if section == "edit" else plan_url(plan, section)
    name = f"{term.code} plan"
    items: list[Item] = []
    if plan.state == PlanState.changes_requested:
        comment = comments.get(plan.id)
        ago = days_since(clock.local(comment.created_at).date()) if comment else 0
        quote = comment.body if comment else ""
        items.append(
            Item(
                f"Changes requested on your {name}",
                href,
                "Make the changes",
                detail=(quote[:QUOTE] + "…") if len(quote) > QUOTE else quote,
                when=f"{days_text(ago)} ago" if ago else "today",
                urgent=True,
                rank=-ago,
            )
        )
    elif plan.state == PlanState.draft:
        left = term.days_to_census
        items.append(
            Item(
                f"Your {name} is a draft",
                href,
                action,
                detail=step,
                when=due_text(left, f"submit by the census date, {term.census_on}"),
                urgent=left <= 7,
                rank=left,
            )
        )
    else:
        items.append(_state_item(plan, step, action, href))
    if disputed.get(plan.id):
        count = disputed[plan.id]
        items.append(
            Item(
                f"{plural(count, 'hour entry', 'hour entries')} disputed on your {name}",
                plan_url(plan, "hours"),
                "Correct the entries",
                detail="Read your supervisor's comment beside each entry, correct it and save.",
                urgent=True,
                rank=-1,
            )
        )
    if revisions.get(plan.id):
        count = revisions[plan.id]
        items.append(
            Item(
                f"{plural(count, 'deliverable')} sent back for a revision on your {name}",
                plan_url(plan, "deliverables"),
                "Hand in a new version",
                detail="Your supervisor asked for changes; their comment is on the plan page.",
                urgent=True,
                rank=0,
            )
        )
    return items


def _state_item(plan: CreditPlan, step: str, action: str, href: str) -> Item:
    """A plan's state and next step, with the deadline that matters in that state."""
    term = plan.term
    if plan.state in {PlanState.approved, PlanState.in_progress}:
        left = (term.ends_on - clock.today()).days
        when = due_text(left, f"the term ends on {term.ends_on}")
    elif plan.state == PlanState.awaiting_signoff:
        left = term.days_to_grading_deadline
        when = due_text(left, f"sign-off deadline {term.grading_deadline}")
    else:
        left, when = 365, ""
    return Item(
        f"{term.code} plan: {plan.state.label.lower()}",
        href,
        action,
        detail=step,
        when=when,
        urgent=0 <= left <= 7 and plan.state != PlanState.submitted,
        rank=left,
    )
