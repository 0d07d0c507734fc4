"""The summaries move with the transaction that moves them, and never lock it up.

A service's counters are written when its transaction commits: a savepoint
or a transaction rolled back counts nothing, a rebuild in the transaction
counts its changes once, and two transactions that lock
one student's row and the counters meet without deadlocking (on PostgreSQL,
where those locks are real).
"""

from __future__ import annotations

import secrets
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select, text

from careercredit import clock
from careercredit.extensions import db
from careercredit.hours.services import lock_student_day, log_hours
from careercredit.models import (
    CreditPlan,
    HourEntry,
    HourStatus,
    LinkPurpose,
    Placement,
    ReportTermDay,
    SupervisorLink,
)
from careercredit.reports import summaries
from careercredit.supervisors.answers import dispute_entry
from tests.conftest import EXTERNAL_DATABASE_URL
from tests.reports.conftest import KnownTerm


def _placement(known: KnownTerm) -> Placement:
    plan = db.session.get(CreditPlan, known.plans["p7"])
    assert plan is not None
    return plan.placements[0]


def _day(known: KnownTerm, work_date: date) -> tuple[Decimal, Decimal]:
    """The hours logged and verified the term's summary counts on ``work_date``."""
    row = db.session.execute(
        select(ReportTermDay.hours_logged, ReportTermDay.hours_verified).where(
            ReportTermDay.term_id == known.term_id, ReportTermDay.work_date == work_date
        )
    ).one_or_none()
    return (Decimal(0), Decimal(0)) if row is None else (Decimal(row[0]), Decimal(row[1]))


def _log(placement: Placement, work_date: date, hours: int) -> HourEntry:
    return log_hours(
        placement,
        by=placement.plan.student,
        work_date=work_date,
        hours=Decimal(hours),
        description="Client interviews and notes.",
    )


def _check(app: Flask) -> str:
    """What ``flask reports rebuild-summaries --check`` says of the summaries now."""
    return app.test_cli_runner().invoke(args=["reports", "rebuild-summaries", "--check"]).output


def test_hours_rolled_back_count_nothing(app: Flask, known: KnownTerm) -> None:
    with app.app_context():
        placement = _placement(known)
        day = placement.plan.term.starts_on + timedelta(days=3)
        logged, verified = _day(known, day)
        # A whole transaction rolled back.
        _log(placement, day, 2)
        db.session.rollback()
        # A savepoint rolled back inside a transaction that commits.
        placement = _placement(known)
        savepoint = db.session.begin_nested()
        _log(placement, day, 3)
        savepoint.rollback()
        _log(placement, day, 5)
        db.session.commit()
        assert _day(known, day) == (logged + 5, verified)
    assert "Summaries are current." in _check(app)


def test_a_rebuild_counts_its_own_transaction_once(app: Flask, known: KnownTerm) -> None:
    """A seed that logs through the services and then rebuilds, in one transaction."""
    with app.app_context():
        placement = _placement(known)
        day = placement.plan.term.starts_on + timedelta(days=5)
        logged, verified = _day(known, day)
        _log(placement, day, 4)
        summaries.rebuild()
        db.session.commit()
        assert _day(known, day) == (logged + 4, verified)
    assert "Summaries are current." in _check(app)


@pytest.mark.skipif(
    not (EXTERNAL_DATABASE_URL or "").startswith("postgresql"),
    reason="row locks held by two transactions at once are PostgreSQL's; SQLite has one writer",
)
def test_a_student_logging_while_the_supervisor_disputes_both_commit(
    app: Flask, known: KnownTerm
) -> None:
    """The student's day is locked while a dispute, counters moved, tells the student.

    The dispute moves the counters, then writes the student a notice (a row
    referring to the student, whose row the hour log holds); the hour log then
    moves its counters. Had the dispute taken the counters' lock when it moved
    them, the two would wait for each other until PostgreSQL broke one off.
    """
    with app.app_context():
        placement = _placement(known)
        entry_id = db.session.scalar(
            select(HourEntry.id).where(HourEntry.placement_id == placement.id)
        )
        link = SupervisorLink(
            token_id=secrets.token_hex(16),
            placement_id=placement.id,
            purpose=LinkPurpose.hours,
            recipient_email="supervisor@acme.example",
            created_by_id=placement.plan.student_id,
            expires_at=clock.now() + timedelta(days=14),
        )
        db.session.add(link)
        db.session.commit()
        link_id = link.id
        day = placement.plan.term.starts_on + timedelta(days=4)
        logged, verified = _day(known, day)
    locked, disputed = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def student() -> None:
        try:
            with app.app_context():
                placement = _placement(known)
                lock_student_day(placement)
                locked.set()
                _wait_until_disputing(disputed)
                _log(placement, day, 2)
                db.session.commit()
        except BaseException as error:  # reported by the test below
            errors.append(error)

    def supervisor() -> None:
        try:
            with app.app_context():
                locked.wait(10)
                row = db.session.get(SupervisorLink, link_id)
                assert row is not None
                dispute_entry(row, entry_id, "That was a different week.")
                db.session.commit()
        except BaseException as error:
            errors.append(error)
        finally:
            disputed.set()

    threads = [threading.Thread(target=student), threading.Thread(target=supervisor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        entry = db.session.get(HourEntry, entry_id)
        assert entry is not None
        assert entry.status == HourStatus.disputed
        assert _day(known, day) == (logged + 2, verified)
    assert "Summaries are current." in _check(app)


def _wait_until_disputing(disputed: threading.Event) -> None:
    """Wait until the dispute has committed, or is waiting for a lock the student holds."""
    with db.engine.connect() as watcher:
        while not disputed.wait(0.05):
            waiting = watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            if waiting:
                return
