"""The events people are told of, each called once where it happens.

Each function decides who is told and in what words, then calls
``services.notify`` in the caller's transaction: a rolled-back action
leaves no notice and no e-mail behind.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from careercredit.extensions import db
from careercredit.links import external_url
from careercredit.models import (
    CreditPlan,
    Deliverable,
    DeliverableStatus,
    Evaluation,
    HourEntry,
    LinkPurpose,
    NoticeKind,
    Role,
    User,
    UserRole,
)
from careercredit.models.hours import hours_text
from careercredit.notices.assignment import assign_on_submit
from careercredit.notices.services import notify
from careercredit.supervisors.links import open_links, url_for_link


def _plan_link(plan: CreditPlan) -> str:
    return external_url("plans.show", plan_id=plan.id)


def _all_advisors() -> list[User]:
    query = select(User).join(UserRole, UserRole.user_id == User.id)
    return list(db.session.scalars(query.where(UserRole.role == Role.advisor)))


def plan_event(
    kind: NoticeKind,
    plan: CreditPlan,
    recipients: list[User | None],
    *,
    summary: str,
    **context: Any,
) -> None:
    """Tell ``recipients`` that something happened to ``plan``; the notice links to its page."""
    notify(kind, plan, recipients, summary=summary, link=_plan_link(plan), **context)


def plan_submitted(plan: CreditPlan, **context: Any) -> None:
    """Give the plan its advisor, who is asked to review it; tell the sponsor, for information.

    ``context`` is the workflow's (``transition``, ``comment``) for the e-mails.
    """
    advisor = assign_on_submit(plan)
    student, term = plan.student.display_name, plan.term.code
    verb = context["transition"].verb
    link = _plan_link(plan)
    advisors = [advisor] if advisor is not None else _all_advisors()
    notify(
        NoticeKind.plan_submitted,
        plan,
        [a for a in advisors if a.id != plan.student_id],
        summary=f"{student} {verb} a credit plan for {term}: review it.",
        link=link,
        **context,
    )
    notify(
        NoticeKind.plan_submitted_sponsor,
        plan,
        [plan.sponsor],
        summary=f"{student} {verb} a credit plan for {term} that you sponsor (for information).",
        link=link,
        **context,
    )


def plan_assigned(plan: CreditPlan, *, by: User) -> None:
    """Tell an advisor another advisor gave them a plan."""
    advisor = plan.assigned_advisor
    notify(
        NoticeKind.plan_assigned,
        plan,
        [advisor] if advisor is not None and advisor.id != by.id else [],
        summary=f"{by.display_name} assigned you {plan.student.display_name}'s credit plan "
        f"for {plan.term.code}.",
        link=_plan_link(plan),
        by=by,
    )


def hours_disputed(entry: HourEntry) -> None:
    """Tell the student the supervisor disputed an entry, and why."""
    placement = entry.placement
    plan = placement.plan
    notify(
        NoticeKind.hours_disputed,
        plan,
        [plan.student],
        summary=f"Your supervisor disputed {hours_text(entry.hours)} hours on "
        f"{entry.work_date.isoformat()} ({placement.project.title}): correct the entry.",
        link=_plan_link(plan),
        entry=entry,
        project=placement.project,
    )


def deliverable_reviewed(deliverable: Deliverable) -> None:
    """Tell the student the supervisor accepted a deliverable, or asked for a revision."""
    placement = deliverable.placement
    plan = placement.plan
    accepted = deliverable.status == DeliverableStatus.accepted
    outcome = "accepted" if accepted else "asked for a revision of"
    notify(
        NoticeKind.deliverable_reviewed,
        plan,
        [plan.student],
        summary=f'Your supervisor {outcome} "{deliverable.title}" ({placement.project.title}).',
        link=_plan_link(plan),
        deliverable=deliverable,
        accepted=accepted,
        project=placement.project,
    )


def evaluation_received(evaluation: Evaluation) -> None:
    """Tell the student the supervisor's evaluation arrived."""
    placement = evaluation.placement
    plan = placement.plan
    kind = evaluation.kind.label
    notify(
        NoticeKind.evaluation_received,
        plan,
        [plan.student],
        summary=f"Your supervisor sent the {kind} for {placement.project.title}.",
        link=_plan_link(plan),
        evaluation=evaluation,
        project=placement.project,
    )


def entries_corrected(entry: HourEntry) -> None:
    """Tell the supervisor (in the day's digest) a disputed entry was corrected and waits."""
    placement = entry.placement
    links = sorted(open_links(placement, LinkPurpose.hours), key=lambda link: link.id)
    address = links[-1].recipient_email if links else None
    if address is None and placement.project.supervisor is not None:
        address = placement.project.supervisor.email
    student = placement.plan.student.display_name
    notify(
        NoticeKind.entries_corrected,
        placement.plan,
        [address],
        summary=f"{student} corrected the {hours_text(entry.hours)} hours on "
        f"{entry.work_date.isoformat()} you disputed ({placement.project.title}).",
        link=url_for_link(links[-1]) if links else "",
    )
