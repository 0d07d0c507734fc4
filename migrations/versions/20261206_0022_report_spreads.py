"""Each term's durations read off once; indexes to rank a term's employers by size.

``report_spread`` holds the count, median and 90th percentile of each
histogram of ``report_duration`` (per term, measure and supervisor), kept
with it by the services (``careercredit/reports/summaries.py``). The
supervisors' answers also get a histogram for the whole term (supervisor
``''``), so the term's figure reads a few hundred buckets, not every
supervisor's. Both are filled here from the histograms; the SQL is frozen with
the migration, and ``flask reports rebuild-summaries`` computes the same from
the live rows.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

#: The nearest-rank median and 90th percentile of each histogram (as ``summaries.percentiles``).
SPREADS = """
    INSERT INTO report_spread (term_id, measure, supervisor, count, median, p90)
    SELECT term_id, measure, supervisor, MAX(total),
           MIN(CASE WHEN upto * 2 >= total THEN tenths END),
           MIN(CASE WHEN upto * 10 >= total * 9 THEN tenths END)
    FROM (SELECT term_id, measure, supervisor, tenths,
                 SUM(count) OVER (PARTITION BY term_id, measure, supervisor
                                  ORDER BY tenths) AS upto,
                 SUM(count) OVER (PARTITION BY term_id, measure, supervisor) AS total
          FROM report_duration WHERE count > 0) running
    GROUP BY term_id, measure, supervisor"""


def upgrade():
    op.create_table(
        "report_spread",
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("supervisor", sa.String(length=320), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("median", sa.Integer(), nullable=False),
        sa.Column("p90", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term_id", "measure", "supervisor", name=op.f("pk_report_spread")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_report_spread_median", "report_spread", ["term_id", "measure", "median", "supervisor"]
    )
    op.create_index(
        "ix_report_term_employer_placements",
        "report_term_employer",
        ["term_id", "placements", "employer_id"],
    )
    op.create_index(
        "ix_report_term_employer_hours",
        "report_term_employer",
        ["term_id", "hours_verified", "employer_id"],
    )
    op.create_index(
        "ix_report_term_employer_employer",
        "report_term_employer",
        ["employer_id", "term_id", "placements", "hours_verified"],
    )
    op.execute(
        """
        INSERT INTO report_duration (term_id, measure, supervisor, tenths, count)
        SELECT term_id, measure, '', tenths, SUM(count) FROM report_duration
        WHERE measure = 'response' AND supervisor <> ''
        GROUP BY term_id, measure, tenths"""
    )
    op.execute(SPREADS)
    if op.get_bind().dialect.name == "sqlite":
        # Without statistics SQLite may take a new index for more selective than the key.
        op.execute("ANALYZE report_term_employer")
        op.execute("ANALYZE report_spread")


def downgrade():
    op.execute("DELETE FROM report_duration WHERE measure = 'response' AND supervisor = ''")
    op.drop_index("ix_report_term_employer_employer", table_name="report_term_employer")
    op.drop_index("ix_report_term_employer_hours", table_name="report_term_employer")
    op.drop_index("ix_report_term_employer_placements", table_name="report_term_employer")
    op.drop_index("ix_report_spread_median", table_name="report_spread")
    op.drop_table("report_spread")
