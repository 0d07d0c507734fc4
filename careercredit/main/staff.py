"""The home page's parts for career services (advisors) and faculty sponsors."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from careercredit import clock
from careercredit.extensions import db
from careercredit.main.plurals import days_text, plural
from careercredit.main.worklist import (
    CAP,
    SHOWN,
    Item,
    Part,
    capped_count,
    count_text,
    days_since,
    due_text,
    plan_count,
    plan_url,
)
from careercredit.models import CreditPlan, PlanState, Role, Term, User
from careercredit.reminders.services import overdue_count

#: A plan still being worked on this close to its term's end is called stuck.
STUCK_DAYS = 21


def _queue(limit: int) -> list[CreditPlan]:
    return list(
        db.session.scalars(
            select(CreditPlan)
            .where(CreditPlan.state == PlanState.submitted)
            .options(
                joinedload(CreditPlan.student).lazyload(User.role_rows),
                joinedload(CreditPlan.term),
            )
            .order_by(CreditPlan.submitted_at, CreditPlan.id)
            .limit(limit)
        )
    )


def stuck_terms() -> list[tuple[Term, int]]:
    """Terms ending within ``STUCK_DAYS`` (or ended) with plans still approved or in progress.

    Counted per term from the index of a term's plans by state, so the cost
    follows the number of terms, not of plans.
    """
    soon = clock.today() + timedelta(days=STUCK_DAYS)
    rows = db.session.execute(
        select(Term, func.count(CreditPlan.id))
        .join(CreditPlan, CreditPlan.term_id == Term.id)
        .where(
            Term.ends_on <= soon,
            CreditPlan.state.in_((PlanState.approved, PlanState.in_progress)),
        )
        .group_by(Term.id)
        .order_by(Term.ends_on.desc(), Term.id)
        .limit(SHOWN)
    )
    return [(term, count) for term, count in rows.tuples()]


def advisor_part(advisor: User) -> Part:
    """Plans waiting for a decision, supervisors overdue, plans stuck near the term's end."""
    part = Part(
        Role.advisor,
        "Career services",
        empty="Nothing waits for an advisor. Keep the catalogue of projects up to date so "
        "students find placements.",
    )
    part.links = [
        ("Open the queue", url_for("plans.queue")),
        ("Overdue supervisors", url_for("reminders.overdue")),
    ]
    waiting = capped_count(select(CreditPlan.id).where(CreditPlan.state == PlanState.submitted))
    part.figures.append(f"{count_text(waiting, 'plan')} waiting for a decision")
    if waiting > SHOWN:
        part.more = (f"Open the queue ({count_text(waiting, 'plan')})", url_for("plans.queue"))
    for plan in _queue(SHOWN):
        days = days_since(clock.local(plan.submitted_at).date()) if plan.submitted_at else 0
        part.items.append(
            Item(
                f"{plan.student.display_name}: {plan.term.code} plan to decide",
                plan_url(plan, "decision"),
                "Review",
                detail=f"{plural(plan.credits_requested, 'credit')} requested",
                when=f"waiting {days_text(days)}" if days else "submitted today",
                urgent=days >= 7,
                rank=-days,
            )
        )
    _overdue_items(part)
    _stuck_items(part)
    late = plan_count(_late_signoffs())
    if late:
        part.items.append(
            Item(
                f"{count_text(late, 'plan')} past the grading deadline without sign-off",
                url_for("signoff.late"),
                "See late sign-offs",
                urgent=True,
                rank=-1000,
            )
        )
    return part


def _late_signoffs() -> Select[tuple[CreditPlan]]:
    return (
        select(CreditPlan)
        .join(CreditPlan.term)
        .where(
            CreditPlan.state == PlanState.awaiting_signoff,
            Term.grading_deadline < clock.today(),
        )
    )


def _overdue_items(part: Part) -> None:
    total = overdue_count(clock.now(), CAP)
    if not total:
        return
    part.figures.append(f"{count_text(total, 'supervisor')} overdue")
    part.items.append(
        Item(
            f"{count_text(total, 'supervisor link')} unanswered past the reminder time",
            url_for("reminders.overdue"),
            "Chase supervisors",
            detail="Remind them, or re-send a link that expired, from the overdue list.",
            urgent=True,
            rank=-500,
        )
    )


def _stuck_items(part: Part) -> None:
    for term, count in stuck_terms():
        left = (term.ends_on - clock.today()).days
        part.figures.append(f"{plural(count, 'plan')} of {term.code} still in progress")
        part.items.append(
            Item(
                f"{term.code}: {plural(count, 'plan')} still approved or in progress",
                url_for("plans.all", term=term.id, state=PlanState.in_progress.value),
                f"See the plans of {term.code}",
                detail="Check their hours and evaluations with the students before the term ends.",
                when=due_text(left, f"the term ends on {term.ends_on}"),
                urgent=left <= 7,
                rank=left,
            )
        )


def _sponsored_waiting(sponsor: User) -> Select[tuple[CreditPlan]]:
    return (
        select(CreditPlan)
        .join(CreditPlan.term)
        .where(
            CreditPlan.state == PlanState.awaiting_signoff,
            CreditPlan.sponsor_id == sponsor.id,
        )
    )


def faculty_part(sponsor: User) -> Part:
    """Plans the sponsor signs off, the nearest grading deadline (or the latest) first."""
    part = Part(
        Role.faculty,
        "Plans you sponsor",
        empty="No plan waits for your sign-off. Students ask you to sponsor them when they "
        "draft a plan; you sign off once their hours are verified.",
    )
    part.links = [
        ("Open sign-off", url_for("signoff.queue")),
        ("See the plans I sponsor", url_for("plans.all")),
    ]
    waiting = _sponsored_waiting(sponsor)
    total = plan_count(waiting)
    part.figures.append(f"{count_text(total, 'plan')} waiting for your sign-off")
    late = plan_count(waiting.where(Term.grading_deadline < clock.today())) if total else 0
    if late:
        part.figures.append(f"{count_text(late, 'plan')} past the grading deadline")
    if total > SHOWN:
        part.more = (f"Open sign-off ({count_text(total, 'plan')})", url_for("signoff.queue"))
    plans = db.session.scalars(
        waiting.options(
            joinedload(CreditPlan.student).lazyload(User.role_rows),
            joinedload(CreditPlan.term),
        )
        .order_by(Term.grading_deadline, CreditPlan.updated_at, CreditPlan.id)
        .limit(SHOWN)
    )
    for plan in plans:
        left = plan.term.days_to_grading_deadline
        part.items.append(
            Item(
                f"{plan.student.display_name}: {plan.term.code} plan to sign off",
                url_for("signoff.review", plan_id=plan.id),
                "Review and sign off",
                detail=f"{plural(plan.credits, 'credit')} approved",
                when=due_text(left, f"grading deadline {plan.term.grading_deadline}"),
                urgent=left <= 7,
                rank=left,
            )
        )
    return part
