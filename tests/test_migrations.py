"""The schema comes from migrations that go up and down cleanly; the audit log is append-only."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from careercredit.audit import record_event
from careercredit.extensions import db
from migrations.env import include_object
from tests.conftest import EXTERNAL_DATABASE_URL


def test_migrations_downgrade_and_upgrade_again(app: Flask) -> None:
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"user", "user_role", "audit_event"} <= set(inspect(db.engine).get_table_names())


def test_models_match_the_migrations(app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


@pytest.mark.skipif(
    not (EXTERNAL_DATABASE_URL or "").startswith("postgresql"),
    reason="trigram indexes are PostgreSQL's (pg_trgm); SQLite has none and searches the table",
)
def test_postgresql_has_trigram_indexes_for_the_catalogue_search(app: Flask) -> None:
    with app.app_context():
        found = {
            index["name"]
            for table in ("project", "employer")
            for index in inspect(db.engine).get_indexes(table)
        }
    assert {
        "ix_project_title_trgm",
        "ix_project_description_trgm",
        "ix_project_external_id_trgm",
        "ix_employer_name_trgm",
    } <= found


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"]
)
def test_database_refuses_to_change_audit_events(app: Flask, statement: str) -> None:
    with app.app_context():
        record_event("test.event", details={"n": 1})
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert db.session.execute(text("SELECT action FROM audit_event")).scalars().all() == [
            "test.event"
        ]
