"""The audit log of the synthetic university: ten years of events, in time order.

Every plan leaves the events its life would leave (created, submitted,
approved, … posted), every issued record a ``record.issue``; sign-ins,
hours logged and verified and staff viewing plans fill the log up to its
size. Events are made term by term and numbered in time order within each.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from careercredit.bench.campus import Campus
from careercredit.bench.plans import COMPLETED, SIGNED, Plan
from careercredit.bench.shape import Skewed, spread
from careercredit.models import PlanState

AUDIT_COLUMNS = (
    "id", "created_at", "actor_id", "action", "object_type", "object_id", "client_addr",
    "details",
)  # fmt: skip
#: Shares of the events that fill the log beyond the plans' own.
FILLER = {"auth.login": 0.32, "hours": 0.58, "plan.view": 0.10}

#: The plan transitions the log records, by name: the state before and after.
STEPS = {
    "submit": (PlanState.draft, PlanState.submitted),
    "request_changes": (PlanState.submitted, PlanState.changes_requested),
    "reject": (PlanState.submitted, PlanState.rejected),
    "approve": (PlanState.submitted, PlanState.approved),
    "start": (PlanState.approved, PlanState.in_progress),
    "complete": (PlanState.in_progress, PlanState.awaiting_signoff),
    "sign_off": (PlanState.awaiting_signoff, PlanState.signed_off),
    "post": (PlanState.signed_off, PlanState.posted),
    "withdraw": (PlanState.submitted, PlanState.withdrawn),
}

Event = tuple[datetime, int | None, str, str | None, str | None, dict[str, Any]]


def plan_events(plan: Plan, campus: Campus) -> list[Event]:
    """The events of one plan's life, as the workflow writes them."""
    oid = str(plan.id)
    created = plan.created
    events: list[Event] = [
        (created, plan.student_id, "plan.create", "credit_plan", oid,
         {"term_id": campus.term_id(plan.term), "credits_requested": plan.credits}),
    ]  # fmt: skip
    if plan.sponsor_id:
        events.append(
            (created + timedelta(minutes=5), plan.student_id, "plan.sponsor", "credit_plan", oid,
             {"before": None, "after": plan.sponsor_id})
        )  # fmt: skip
    for n, project_id in enumerate(plan.projects, 1):
        events.append(
            (created + timedelta(minutes=5 + n), plan.student_id, "plan.add_placement",
             "credit_plan", oid, {"project_id": project_id})
        )  # fmt: skip

    def step(at: datetime | None, actor: int | None, name: str, **more: object) -> None:
        if at is not None:
            before, after = STEPS[name]
            details = {"from": before, "to": after, **more}
            events.append((at, actor, f"plan.{name}", "credit_plan", oid, details))

    step(plan.submitted_at, plan.student_id, "submit")
    decided, advisor = plan.decided_at, plan.advisor_id
    if plan.state in {PlanState.rejected, PlanState.changes_requested}:
        step(decided, advisor, "reject" if plan.state == PlanState.rejected else "request_changes")
    elif plan.approved:
        step(decided, advisor, "approve", credits=plan.approved)
        if plan.state != PlanState.approved and decided:
            step(decided + timedelta(days=3), None, "start")
    finished = plan.updated_at
    if plan.state in COMPLETED and finished:
        done = (
            finished - timedelta(days=2) if plan.state != PlanState.awaiting_signoff else finished
        )
        step(done, plan.student_id, "complete")
        if plan.state in SIGNED:
            step(done + timedelta(days=1), plan.sponsor_id, "sign_off")
        if plan.state == PlanState.posted:
            step(finished, campus.registrars[0], "post")
    if plan.state == PlanState.withdrawn:
        step(finished, plan.student_id, "withdraw")
    return events


def audit_rows(
    plans: list[Plan], records: list[tuple[Any, ...]], campus: Campus
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``audit_event``, term by term, numbered in time order within each term."""
    rng = campus.rng
    by_term: list[list[Plan]] = [[] for _ in campus.terms]
    for plan in plans:
        by_term[plan.term].append(plan)
    record_terms: list[list[tuple[Any, ...]]] = [[] for _ in campus.terms]
    starts = [t.starts_on for t in campus.terms]
    for record in records:
        index = max(i for i, day in enumerate(starts) if day <= record[6].date() or i == 0)
        record_terms[index].append(record)
    fixed = [
        sum(len(plan_events(p, campus)) for p in term_plans) + len(record_terms[i])
        for i, term_plans in enumerate(by_term)
    ]
    filler_total = max(0, campus.sizes["audit_events"] - sum(fixed))
    filler = spread(filler_total, [len(term_plans) + 1 for term_plans in by_term])
    addresses = [f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                 for _ in range(500)]  # fmt: skip
    people = Skewed([*campus.advisors, *campus.students, *campus.faculty], rng, head=0.02)
    number = 0
    for index, term_plans in enumerate(by_term):
        events = [e for plan in term_plans for e in plan_events(plan, campus)]
        events += [
            (r[6], r[5], "record.issue", "record_document", str(r[0]),
             {"code": r[1], "student_id": r[2], "sha256": r[8][:16]})
            for r in record_terms[index]
        ]  # fmt: skip
        events += _filler(term_plans, filler[index], events, people, campus)
        events.sort(key=lambda e: e[0])
        for at, actor, action, object_type, object_id, details in events:
            number += 1
            address = addresses[number % len(addresses)] if actor else None
            yield number, at, actor, action, object_type, object_id, address, details


def _filler(
    plans: list[Plan], count: int, events: list[Event], people: Skewed, campus: Campus
) -> list[Event]:
    rng, now = campus.rng, campus.now
    if count == 0 or not events:
        return []
    first = min(e[0] for e in events)
    span = (min(max(e[0] for e in events), now) - first).total_seconds()
    working = [p for p in plans if p.entry_counts and sum(p.entry_counts)]
    shares = dict(FILLER)
    if not working:
        shares["auth.login"] += shares.pop("hours")
    parts = dict(zip(shares, spread(count, list(shares.values())), strict=True))
    out: list[Event] = []
    for actor in people.picks(parts["auth.login"]):
        at = first + timedelta(seconds=rng.random() * span)
        out.append((at, actor, "auth.login", "user", str(actor), {"roles": ["student"]}))
    for _ in range(parts.get("hours", 0)):
        plan = rng.choice(working)
        entry = plan.first_entry_id + rng.randrange(sum(plan.entry_counts))
        at = first + timedelta(seconds=rng.random() * span)
        if rng.random() < 0.55:
            out.append((at, plan.student_id, "hour_entry.log", "hour_entry", str(entry),
                        {"plan_id": plan.id, "hours": "4"}))  # fmt: skip
        else:
            out.append((at, None, "hour_entry.verify", "hour_entry", str(entry),
                        {"plan_id": plan.id}))  # fmt: skip
    for _ in range(parts["plan.view"]):
        plan = rng.choice(plans)
        at = first + timedelta(seconds=rng.random() * span)
        advisor = rng.choice(campus.advisors)
        out.append((at, advisor, "plan.view", "credit_plan", str(plan.id), {}))
    return out
