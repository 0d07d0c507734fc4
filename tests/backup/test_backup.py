"""Backing up and restoring the SQLite database with the online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, PlanState, Term
from tests.conftest import EXTERNAL_DATABASE_URL
from tests.factories import Factory

pytestmark = pytest.mark.skipif(
    EXTERNAL_DATABASE_URL is not None,
    reason="flask backup works on SQLite files; PostgreSQL uses pg_dump (README)",
)


def snapshot(app: Flask) -> dict[str, object]:
    with app.app_context():
        return {
            "terms": sorted(db.session.scalars(select(Term.code))),
            "plans": sorted(db.session.execute(select(CreditPlan.id, CreditPlan.state)).all()),
            "events": db.session.scalar(select(func.count()).select_from(AuditEvent)),
        }


def test_backup_then_change_then_restore_gives_back_the_same_data(
    app: Flask, make: Factory, tmp_path: Path
) -> None:
    student = make.user("zoe")
    make.plan(student, PlanState.submitted)
    before = snapshot(app)
    runner = app.test_cli_runner()
    backup = tmp_path / "nightly.db"

    result = runner.invoke(args=["backup", "create", str(backup)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output

    make.plan(student, PlanState.draft, term_id=make.term("2031SP"))
    with app.app_context():
        db.session.execute(db.update(CreditPlan).values(state=PlanState.withdrawn))
        db.session.commit()
    assert snapshot(app) != before

    refused = runner.invoke(args=["backup", "restore", str(backup)], input="n\n")
    assert refused.exit_code != 0
    assert snapshot(app) != before

    result = runner.invoke(args=["backup", "restore", str(backup)], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Kept the current database as" in result.output
    assert snapshot(app) == before


def test_backup_never_overwrites_and_restore_refuses_what_is_not_a_backup(
    app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", "create", str(existing)])
    assert result.exit_code != 0
    assert "exists" in result.output
    assert existing.read_bytes() == b"keep me"

    stranger = tmp_path / "other.db"
    sqlite3.connect(stranger).execute("CREATE TABLE t (x)").connection.close()
    result = runner.invoke(args=["backup", "restore", "--yes", str(stranger)])
    assert result.exit_code != 0
    assert "not a CareerCredit database backup" in result.output


def test_a_backup_of_another_schema_revision_is_refused(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    backup = tmp_path / "old.db"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
    result = runner.invoke(args=["backup", "restore", "--yes", str(backup)])
    assert result.exit_code != 0
    assert "schema revision 0004" in result.output
