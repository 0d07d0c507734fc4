"""A plan's record as the plan page shows it: grade, credits, posting, amendments, history.

Who sees what is decided here, once: the grade reaches the student only
when it is posted; the sponsor and staff see the sign-off before that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select

from careercredit.extensions import db
from careercredit.models import Amendment, AuditEvent, CreditPlan, PlanState, Role, User
from careercredit.models.plans import STAFF_ROLES

#: What an audit action on a plan is called in its history.
ACTION_WORDS = {
    "plan.create": "started the plan",
    "plan.edit": "edited the plan",
    "plan.sponsor": "chose the faculty sponsor",
    "plan.add_placement": "added a project",
    "plan.remove_placement": "removed a project",
    "plan.submit": "submitted the plan",
    "plan.resubmit": "submitted the plan again",
    "plan.recall": "recalled the plan to edit it",
    "plan.approve": "approved the plan",
    "plan.request_changes": "asked for changes",
    "plan.reject": "rejected the plan",
    "plan.start": "started the work (first verified hours)",
    "plan.complete": "sent the plan for sign-off",
    "plan.sign_off": "signed off the grade",
    "plan.send_back": "sent the plan back to the student",
    "plan.post": "posted the credit to the student record",
    "plan.amend": "amended the posted grade or credits",
    "plan.sis_reject": "recorded that the SIS rejected the grade row",
    "plan.amend_confirm": "recorded that the SIS took the amendment",
    "plan.withdraw": "withdrew the plan",
    "plan.delete": "deleted the draft",
}
#: Actions whose comment speaks of the grade: hidden from the student until posting.
GRADE_ACTIONS = frozenset({"plan.sign_off"})
#: Page views are in the audit log, not in the plan's history.
NOT_HISTORY = frozenset({"plan.view"})


def action_words(action: str) -> str:
    """An audit action as people read it."""
    return ACTION_WORDS.get(action) or action.partition(".")[2].replace("_", " ") or action


@dataclass(frozen=True)
class HistoryItem:
    """One line of a plan's history."""

    at: datetime
    who: str
    words: str
    comment: str


def grade_visible(plan: CreditPlan, user: User) -> bool:
    """Whether ``user`` may see the plan's grade: the student once posted; sponsor and staff."""
    if plan.sign_off is None:
        return False
    if user.id == plan.student_id:
        return plan.state == PlanState.posted
    return plan.sponsored_by(user) or bool(user.roles & STAFF_ROLES)


def plan_history(plan: CreditPlan, user: User) -> list[HistoryItem]:
    """The plan's audit events as people read them, oldest first, page views left out."""
    rows = db.session.execute(_history(), {"plan": str(plan.id)}).all()
    hide_grade = not grade_visible(plan, user)
    return [
        HistoryItem(
            at=event.created_at,
            who=name or "CareerCredit",
            words=action_words(event.action),
            comment="" if hide_grade and event.action in GRADE_ACTIONS else _comment(event),
        )
        for event, name in rows
    ]


@cache
def _history() -> Select[tuple[AuditEvent, str]]:
    """The events of one plan (``plan``, its id as text), with who acted; built once."""
    return (
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.object_type == "credit_plan",
            AuditEvent.object_id == bindparam("plan"),
            AuditEvent.action.not_in(NOT_HISTORY),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )


def _comment(event: AuditEvent) -> str:
    details: dict[str, Any] = event.details or {}
    text = details.get("comment") or details.get("reason") or ""
    return text if isinstance(text, str) else ""


@dataclass
class PlanRecord:
    """What the plan page shows of the grade, the posting and the history."""

    plan: CreditPlan
    show_grade: bool
    posted: bool
    amendments: list[Amendment] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)
    can_amend: bool = False
    can_browse_audit: bool = False


def plan_record(plan: CreditPlan, user: User) -> PlanRecord:
    """The record of ``plan`` as ``user`` may see it."""
    show_grade = grade_visible(plan, user)
    posted = plan.state == PlanState.posted
    return PlanRecord(
        plan=plan,
        show_grade=show_grade,
        posted=posted,
        amendments=list(plan.amendments) if show_grade else [],
        history=plan_history(plan, user),
        can_amend=plan.can_amend(user),
        can_browse_audit=user.has_role(Role.registrar) or user.has_role(Role.admin),
    )
