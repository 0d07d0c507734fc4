"""The schema comes from migrations that go up and down cleanly; the audit log is append-only."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import GradingScheme
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


_TODAYS_DATA = [
    'INSERT INTO "user" (id, directory_id, uid, display_name, session_epoch) '
    "VALUES (1, 'd1', 'ann', 'Ann', 0)",
    "INSERT INTO term (id, code, name, starts_on, ends_on, census_on, grading_deadline, "
    "hours_per_credit, max_credits, grading_scheme, course_code, section) VALUES "
    "(1, '2026FA', 'Fall', '2026-09-01', '2026-12-15', '2026-09-15', '2026-12-20', 45, 3, "
    "'satisfactory', 'CAREER 2990', '001'), "
    "(2, '2027SP', 'Spring', '2027-01-10', '2027-05-01', '2027-01-25', '2027-05-10', 45, 4, "
    "'letter', 'CAREER 2990', '002'), "
    "(3, '2027SU', 'Summer', '2027-06-01', '2027-08-01', '2027-06-10', '2027-08-10', 40, 2, "
    "'letter', 'BUS 3990', '010')",
    "INSERT INTO credit_plan (id, student_id, term_id, objectives, credits_requested, state, "
    "version) VALUES (1, 1, 1, 'x', 2, 'draft', 1), (2, 1, 2, 'y', 3, 'posted', 4), "
    "(3, 1, 3, 'z', 1, 'submitted', 2)",
]


def test_courses_migration_keeps_todays_terms_and_plans(app: Flask) -> None:
    """0012 turns each term's course code, section and scheme into rows, losing nothing."""
    with app.app_context():
        downgrade(revision="base")
        upgrade(revision="0011")
        with db.engine.begin() as conn:
            for statement in _TODAYS_DATA:
                conn.execute(text(statement))
        upgrade()
        from careercredit.models import CreditPlan

        plans = {plan.id: plan for plan in db.session.scalars(select(CreditPlan))}
        found = {
            i: (p.section.course.code, p.section.section, p.grading.grades, p.version)
            for i, p in plans.items()
            if p.section is not None
        }
        letter = GradingScheme.letter.grades
        assert found == {
            1: ("CAREER 2990", "001", ("S", "U"), 1),
            2: ("CAREER 2990", "002", letter, 4),
            3: ("BUS 3990", "010", letter, 2),
        }
        for plan in plans.values():
            assert plan.grading.failing == plan.term.grading_scheme.failing
        assert plans[3].section.course.credits_max == 2
        assert plans[2].section.course.credits_max == 4
        db.session.rollback()
        downgrade(revision="0011")  # and back, leaving the rows of today's data
        with db.engine.begin() as conn:
            for table in ("credit_plan", "term", '"user"'):
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (the test's own names)
        upgrade()
