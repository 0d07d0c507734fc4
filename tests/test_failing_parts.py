"""Failing parts: a database that is down or locked answers 503 and keeps nothing half-written.

(The directory going away mid-session is in tests/auth/test_session.py, SMTP
down in tests/outbox/test_sender.py, a bulk export killed half-way in
tests/records/test_export.py.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, func, select, text

from careercredit.extensions import db
from careercredit.models import AuditEvent, HourEntry
from tests.conftest import csrf_token, login
from tests.factories import Factory
from tests.hours.pages import days_ago, log, new_url, student_plan

UNAVAILABLE = "The database is unavailable at the moment; nothing was changed."


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(HourEntry)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
        )


@contextmanager
def locked(url: str) -> Iterator[None]:
    """Another process holds the database (SQLite) or the hour table (PostgreSQL) locked."""
    if url.startswith("sqlite:///"):
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = create_engine(url)
    with engine.connect() as holder:
        holder.execute(text("LOCK TABLE hour_entry IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            holder.rollback()
    engine.dispose()


def test_locked_database_answers_503_and_writes_nothing(
    make_app: Callable[..., Flask], database_url: str
) -> None:
    options: dict[str, Any] = {"pool_pre_ping": True}
    if not database_url.startswith("sqlite"):
        # PostgreSQL waits for locks forever unless told otherwise (SQLite: busy_timeout).
        options["connect_args"] = {"options": "-c lock_timeout=1000"}
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS=options)
    student = app.test_client()
    assert login(student, "alice").status_code == 302
    plan_id, [placement] = student_plan(app, Factory(app))
    assert log(student, plan_id, placement).status_code == 302
    before = counts(app)

    url = new_url(plan_id, placement)
    form = {
        "csrf_token": csrf_token(student, url),
        "work_date": days_ago(2).isoformat(),
        "hours": "3",
        "description": "Written while the database is locked",
    }
    with locked(database_url):
        response = student.post(url, data=form)
        assert response.status_code == 503
        assert UNAVAILABLE in response.get_data(as_text=True)

    assert counts(app) == before
    assert log(student, plan_id, placement).status_code == 302  # works again at once
    assert counts(app)[0] == before[0] + 1


def test_database_down_answers_503_not_500(make_app: Callable[..., Flask]) -> None:
    # Nothing listens on port 1: every connection is refused.
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://careercredit@127.0.0.1:1/none")
    client = app.test_client()
    response = login(client, "alice")
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] != "ok"
