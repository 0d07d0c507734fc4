"""Summaries for the reports, filled from the live rows; when a plan was sent for sign-off.

``credit_plan.sent_for_signoff_at`` is taken from each plan's last
``plan.complete`` audit event. The six ``report_*`` tables (see
``careercredit/models/reports.py``) are filled with ``INSERT … SELECT …
GROUP BY`` from the plans, placements, hour entries and links, so an
upgraded university sees correct reports at once; from then on the services
keep them current (``careercredit/reports/summaries.py``). The SQL here is
frozen with the migration; ``flask reports rebuild-summaries`` computes the
same from the models.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLES = (
    "report_duration",
    "report_term_day",
    "report_employer_start",
    "report_term_employer",
    "report_term",
    "report_term_student",
    "report_plan_count",
)

#: A plan's credits that count: its last amendment's, else its sign-off's, else 0.
FINAL = """COALESCE(
    (SELECT a.credits_after FROM amendment a WHERE a.plan_id = p.id ORDER BY a.id DESC LIMIT 1),
    s.credits_awarded, 0)"""


def _counter(name):
    return sa.Column(name, sa.Integer(), nullable=False)


def _hours(name):
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=False)


def _create_tables():
    op.create_table(
        "report_plan_count",
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        *map(_counter, ("plans", "submitted", "approved", "credits_approved", "credits_posted")),
        sa.PrimaryKeyConstraint(
            "term_id", "state", "section_id", name=op.f("pk_report_plan_count")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "report_term_student",
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        _counter("credits"),
        sa.PrimaryKeyConstraint("term_id", "student_id", name=op.f("pk_report_term_student")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "report_term",
        sa.Column("term_id", sa.Integer(), nullable=False),
        _counter("students"),
        sa.PrimaryKeyConstraint("term_id", name=op.f("pk_report_term")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "report_term_employer",
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        _counter("placements"),
        _hours("hours_verified"),
        sa.PrimaryKeyConstraint("term_id", "employer_id", name=op.f("pk_report_term_employer")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "report_employer_start",
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("employer_id", name=op.f("pk_report_employer_start")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_report_employer_start_term_id"), "report_employer_start", ["term_id"])
    op.create_table(
        "report_term_day",
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        _hours("hours_logged"),
        _hours("hours_verified"),
        sa.PrimaryKeyConstraint("term_id", "work_date", name=op.f("pk_report_term_day")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "report_duration",
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("supervisor", sa.String(length=320), nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False),
        _counter("count"),
        sa.PrimaryKeyConstraint(
            "term_id", "measure", "supervisor", "tenths", name=op.f("pk_report_duration")
        ),
        sqlite_with_rowid=False,
    )


def _seconds(start, end):
    """Whole seconds from ``start`` to ``end`` (as ``summaries._tenths_sql``)."""
    if op.get_bind().dialect.name == "sqlite":
        return (
            f"(CAST(strftime('%s', {end}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER))"
        )
    return (
        f"(CAST(FLOOR(EXTRACT(EPOCH FROM {end})) AS BIGINT)"
        f" - CAST(FLOOR(EXTRACT(EPOCH FROM {start})) AS BIGINT))"
    )


def _durations(measure, supervisor, start, end, source, where):
    by = "p.term_id" if supervisor == "''" else f"p.term_id, {supervisor}"
    seconds = _seconds(start, end)
    length = f"({seconds} / 360)"  # whole numbers: integer division on both databases
    # The bucket: two significant figures (as ``summaries.bucket``).
    tenths = (
        f"CASE WHEN {length} >= 10000 THEN {length} / 1000 * 1000"
        f" WHEN {length} >= 1000 THEN {length} / 100 * 100"
        f" WHEN {length} >= 100 THEN {length} / 10 * 10 ELSE {length} END"
    )
    return f"""
        INSERT INTO report_duration (term_id, measure, supervisor, tenths, count)
        SELECT p.term_id, '{measure}', {supervisor}, {tenths}, COUNT(*)
        FROM {source}
        WHERE {start} IS NOT NULL AND {end} IS NOT NULL AND {seconds} >= 0 {where}
        GROUP BY {by}, {tenths}"""  # noqa: S608 (the migration's own SQL)


def _fill():
    op.execute(
        """
        UPDATE credit_plan SET sent_for_signoff_at = (
            SELECT MAX(e.created_at) FROM audit_event e
            WHERE e.object_type = 'credit_plan'
              AND e.object_id = CAST(credit_plan.id AS VARCHAR(64))
              AND e.action = 'plan.complete')
        WHERE state IN ('awaiting_signoff', 'signed_off', 'posted')"""
    )
    op.execute(
        f"""
        INSERT INTO report_plan_count (term_id, state, section_id, plans, submitted, approved,
                                       credits_approved, credits_posted)
        SELECT p.term_id, p.state, COALESCE(p.section_id, 0), COUNT(*),
               SUM(CASE WHEN p.submitted_at IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.credits_approved IS NOT NULL THEN 1 ELSE 0 END),
               COALESCE(SUM(p.credits_approved), 0),
               SUM(CASE WHEN p.state = 'posted' THEN {FINAL} ELSE 0 END)
        FROM credit_plan p LEFT JOIN sign_off s ON s.plan_id = p.id
        GROUP BY p.term_id, p.state, COALESCE(p.section_id, 0)"""  # noqa: S608
    )
    op.execute(
        f"""
        INSERT INTO report_term_student (term_id, student_id, credits)
        SELECT p.term_id, p.student_id, SUM({FINAL})
        FROM credit_plan p LEFT JOIN sign_off s ON s.plan_id = p.id
        WHERE p.state = 'posted'
        GROUP BY p.term_id, p.student_id"""  # noqa: S608
    )
    op.execute(
        """
        INSERT INTO report_term (term_id, students)
        SELECT term_id, COUNT(*) FROM report_term_student WHERE credits > 0 GROUP BY term_id"""
    )
    op.execute(
        """
        INSERT INTO report_term_employer (term_id, employer_id, placements, hours_verified)
        SELECT p.term_id, pr.employer_id, COUNT(*), COALESCE(SUM(v.hours), 0)
        FROM placement pl
        JOIN credit_plan p ON p.id = pl.plan_id
        JOIN project pr ON pr.id = pl.project_id
        LEFT JOIN (SELECT placement_id, SUM(hours) AS hours FROM hour_entry
                   WHERE status = 'verified' GROUP BY placement_id) v ON v.placement_id = pl.id
        WHERE p.credits_approved IS NOT NULL
        GROUP BY p.term_id, pr.employer_id"""
    )
    op.execute(
        """
        INSERT INTO report_employer_start (employer_id, term_id)
        SELECT e.employer_id, MIN(t.id)
        FROM report_term_employer e JOIN term t ON t.id = e.term_id
        WHERE e.placements > 0 AND t.starts_on = (
            SELECT MIN(t2.starts_on) FROM report_term_employer e2 JOIN term t2 ON t2.id = e2.term_id
            WHERE e2.employer_id = e.employer_id AND e2.placements > 0)
        GROUP BY e.employer_id"""
    )
    op.execute(
        """
        INSERT INTO report_term_day (term_id, work_date, hours_logged, hours_verified)
        SELECT p.term_id, h.work_date, SUM(h.hours),
               SUM(CASE WHEN h.status = 'verified' THEN h.hours ELSE 0 END)
        FROM hour_entry h
        JOIN placement pl ON pl.id = h.placement_id
        JOIN credit_plan p ON p.id = pl.plan_id
        GROUP BY p.term_id, h.work_date"""
    )
    op.execute(_durations("decision", "''", "p.submitted_at", "p.decided_at", "credit_plan p", ""))
    op.execute(
        _durations(
            "signoff",
            "''",
            "p.sent_for_signoff_at",
            "s.signed_at",
            "credit_plan p JOIN sign_off s ON s.plan_id = p.id",
            "",
        )
    )
    op.execute(
        _durations(
            "response",
            "l.recipient_email",
            "l.created_at",
            "l.answered_at",
            "supervisor_link l JOIN placement pl ON pl.id = l.placement_id"
            " JOIN credit_plan p ON p.id = pl.plan_id",
            "",
        )
    )


def upgrade():
    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sent_for_signoff_at", sa.DateTime(timezone=True), nullable=True)
        )
    _create_tables()
    _fill()


def downgrade():
    for table in TABLES:
        op.drop_table(table)
    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.drop_column("sent_for_signoff_at")
