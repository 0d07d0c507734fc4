"""The demo's work done: hour entries and supervisor evaluations behind the later states."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    RubricCriterion,
)

REFLECTION = (
    "Working with a real client taught me to scope a question before collecting data, "
    "to explain my methods to people outside my field, and to ask for feedback early. "
    "I would plan the first week more carefully next time."
)
TASKS = (
    "Met the supervisor to agree the scope and the data available.",
    "Cleaned and documented the data set; noted gaps for the client.",
    "Drafted the analysis and checked it against the brief.",
    "Revised the draft after the supervisor's comments.",
    "Prepared and presented the findings to the team.",
)


def log_hours(plan: CreditPlan, verified_share: float) -> None:
    """Log each placement's estimated hours, verifying ``verified_share`` of them."""
    today = clock.today()
    for placement in plan.placements:
        project = placement.project
        day = max(project.starts_on, plan.term.starts_on)
        last = min(project.ends_on, plan.term.ends_on, today)
        left = Decimal(project.estimated_hours)
        entries: list[HourEntry] = []
        while left > 0 and day <= last:
            hours = min(left, Decimal(6))
            entries.append(
                HourEntry(
                    work_date=day,
                    hours=hours,
                    description=TASKS[len(entries) % len(TASKS)],
                    status=HourStatus.submitted,
                )
            )
            left -= hours
            day += timedelta(days=2)
        verified = round(len(entries) * verified_share)
        for entry in entries[:verified]:
            entry.status = HourStatus.verified
            entry.decided_at = clock.now()
        placement.hour_entries.extend(entries)
    db.session.flush()


def evaluate(plan: CreditPlan) -> None:
    """Give every placement a final evaluation on the current rubric."""
    criteria = db.session.scalars(
        select(RubricCriterion).where(RubricCriterion.active).order_by(RubricCriterion.position)
    ).all()
    for n, placement in enumerate(plan.placements):
        scores = {
            c.key: {"label": c.label, "score": 4 + (n + i) % 2} for i, c in enumerate(criteria)
        }
        placement.evaluations.append(
            Evaluation(
                kind=LinkPurpose.final,
                scores=scores,
                comments="Reliable, curious and clear in writing. We would gladly host again.",
            )
        )
    db.session.flush()
