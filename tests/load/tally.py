"""After the load: what the clients were told, checked against what the database holds.

An entry a student was told was logged must be stored exactly once, with its
``hour_entry.log`` event; an entry that was refused must not be stored; an
entry whose answer never came may be stored at most once. Every verification
a supervisor was told happened must be in the database exactly once: the
entries verified, one ``hour_entry.verify`` event each, through the link
that verified them, and the plan started once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, HourEntry, HourStatus, Placement, PlanState
from tests.load.clients import StudentClient, SupervisorClient


@dataclass
class Tally:
    """The findings; ``problems`` lists every one that breaks the rules in words."""

    logged: int = 0
    refused: int = 0
    #: Entries whose values follow the rules, refused all the same.
    refused_valid: int = 0
    unknown: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    refused_but_stored: list[str] = field(default_factory=list)
    stored_without_success: list[str] = field(default_factory=list)
    invalid_accepted: list[str] = field(default_factory=list)
    missing_log_event: list[int] = field(default_factory=list)
    flash_missing: int = 0
    verify_answers: int = 0
    verified_told: int = 0
    verified_in_db: int = 0
    verify_events: int = 0
    verified_twice: list[int] = field(default_factory=list)
    verify_not_stored: list[int] = field(default_factory=list)
    wrong_link: list[int] = field(default_factory=list)
    plan_problems: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def tally(app: Flask, students: list[StudentClient], supervisors: list[SupervisorClient]) -> Tally:
    """Count the database against every answer the clients got."""
    result = Tally()
    with app.app_context():
        _hours(result, students)
        _verifications(result, supervisors)
        _plans(result)
        db.session.remove()
    _summarise(result)
    return result


def _hours(result: Tally, students: list[StudentClient]) -> None:
    rows = db.session.execute(
        select(HourEntry.id, HourEntry.description).where(HourEntry.description.like("load %"))
    ).all()
    stored = Counter(description for _, description in rows)
    logged_events = Counter(
        db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "hour_entry.log")
        )
    )
    result.missing_log_event = sorted(i for i, _ in rows if logged_events[str(i)] != 1)
    attempted = set()
    for student in students:
        for attempt in student.attempts:
            attempted.add(attempt.description)
            copies = stored[attempt.description]
            if copies > 1:
                result.duplicated.append(attempt.description)
            if attempt.outcome == "logged":
                result.logged += 1
                result.flash_missing += not attempt.flash
                if not attempt.valid:
                    result.invalid_accepted.append(attempt.description)
                if copies == 0:
                    result.lost.append(attempt.description)
            elif attempt.outcome == "refused":
                result.refused += 1
                result.refused_valid += attempt.valid
                if copies:
                    result.refused_but_stored.append(attempt.description)
            elif attempt.outcome == "unknown":
                result.unknown += 1
            elif copies:
                result.stored_without_success.append(attempt.description)
    result.stored_without_success += sorted(set(stored) - attempted)


def _verifications(result: Tally, supervisors: list[SupervisorClient]) -> None:
    entries = {
        row.id: row
        for row in db.session.execute(
            select(HourEntry.id, HourEntry.status, HourEntry.decided_via_id)
        )
    }
    events = Counter(
        db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "hour_entry.verify")
        )
    )
    result.verify_events = sum(events.values())
    result.verified_in_db = sum(1 for row in entries.values() if row.status == HourStatus.verified)
    result.verified_twice = sorted(int(i) for i, n in events.items() if n > 1)
    unverified_with_event = [
        int(i) for i in events if int(i) not in entries or entries[int(i)].status != "verified"
    ]
    result.verify_not_stored = sorted(unverified_with_event)
    links_of = {link.placement_id: link.link_id for s in supervisors for link in s.links}
    for supervisor in supervisors:
        for answer in supervisor.verifications:
            result.verify_answers += 1
            if answer.status != 302:
                continue
            if answer.verified is None:
                result.flash_missing += 1
            if answer.entry_id is None:
                result.verified_told += answer.verified or 0
                continue
            result.verified_told += 1
            row = entries.get(answer.entry_id)
            if row is None or row.status != HourStatus.verified:
                result.verify_not_stored.append(answer.entry_id)
    placements = dict(db.session.execute(select(HourEntry.id, HourEntry.placement_id)).all())
    result.wrong_link = sorted(
        entry_id
        for entry_id, row in entries.items()
        if row.status == HourStatus.verified
        and row.decided_via_id != links_of.get(placements[entry_id])
    )


def _plans(result: Tally) -> None:
    """A plan with verified hours is in progress, started by exactly one event."""
    starts = Counter(
        db.session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "plan.start"))
    )
    verified = (
        select(Placement.plan_id, func.count(HourEntry.id))
        .join(HourEntry, HourEntry.placement_id == Placement.id)
        .where(HourEntry.status == HourStatus.verified)
        .group_by(Placement.plan_id)
    )
    with_hours = {plan_id for plan_id, _ in db.session.execute(verified)}
    for plan in db.session.scalars(select(CreditPlan)):
        expected = 1 if plan.id in with_hours else 0
        state = PlanState.in_progress if expected else PlanState.approved
        if starts[str(plan.id)] != expected or plan.state != state:
            result.plan_problems.append(
                f"plan {plan.id}: {plan.state}, {starts[str(plan.id)]} start event(s), "
                f"{'with' if expected else 'without'} verified hours"
            )


def _summarise(result: Tally) -> None:
    checks = [
        (result.lost, "entries told logged but not stored"),
        (result.duplicated, "entries stored more than once"),
        (result.refused_but_stored, "entries refused but stored"),
        (result.stored_without_success, "entries stored without a success answer"),
        (result.invalid_accepted, "entries breaking the rules but accepted"),
        (result.missing_log_event, "entries without exactly one log event"),
        (result.verified_twice, "entries with more than one verify event"),
        (result.verify_not_stored, "verifications not stored"),
        (result.wrong_link, "verified entries not decided via their supervisor's link"),
        (result.plan_problems, "plans not started exactly once"),
    ]
    for found, what in checks:
        if found:
            result.problems.append(f"{len(found)} {what}: {', '.join(map(str, found[:5]))}")
    if result.verified_told != result.verified_in_db:
        result.problems.append(
            f"supervisors were told {result.verified_told} entries were verified, "
            f"the database holds {result.verified_in_db} verified entries"
        )
    if result.verify_events != result.verified_in_db:
        result.problems.append(
            f"{result.verify_events} verify events for {result.verified_in_db} verified entries"
        )
    if result.flash_missing:
        result.problems.append(f"{result.flash_missing} successful answers without their flash")
