"""Summaries behind the reports: counters kept current with the rows they count.

Each table holds, per term and a few more keys, sums that the reports would
otherwise compute over every plan, hour entry and link of ten years. The
service that changes a counted row moves the counters in the same
transaction (``careercredit/reports/summaries.py``); ``flask reports
rebuild-summaries`` recomputes them all from the live rows.

No foreign keys: a summary is derived data, rebuilt at will, and a row left
at zero must not stop a term or an employer from being deleted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from careercredit.extensions import Model

#: ``ReportPlanCount.section_id`` of plans without a course section.
NO_SECTION = 0
#: On SQLite the rows are stored in their key's order (``WITHOUT ROWID``): a report reads
#: a range of terms as one stretch of the table (PostgreSQL reads them through the key).
CLUSTERED = {"sqlite_with_rowid": False}


class ReportPlanCount(Model):
    """Plans per term, state and course section, with their credits."""

    __tablename__ = "report_plan_count"
    __table_args__ = CLUSTERED

    term_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(24), primary_key=True)
    #: The plan's course section, ``NO_SECTION`` for none.
    section_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plans: Mapped[int] = mapped_column(Integer, default=0)
    #: Plans ever submitted (``submitted_at`` set).
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    #: Plans whose approval stands (``credits_approved`` set), and its credits.
    approved: Mapped[int] = mapped_column(Integer, default=0)
    credits_approved: Mapped[int] = mapped_column(Integer, default=0)
    #: Credits that count (after amendments) of the posted plans.
    credits_posted: Mapped[int] = mapped_column(Integer, default=0)


class ReportTermStudent(Model):
    """Credits posted per term and student (students earning credit: those above zero)."""

    __tablename__ = "report_term_student"
    __table_args__ = CLUSTERED

    term_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credits: Mapped[int] = mapped_column(Integer, default=0)


class ReportTerm(Model):
    """Per term: the students earning credit (those of ``ReportTermStudent`` above zero)."""

    __tablename__ = "report_term"
    __table_args__ = CLUSTERED

    term_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    students: Mapped[int] = mapped_column(Integer, default=0)


class ReportTermEmployer(Model):
    """Per term and employer: placements in approved plans and their verified hours.

    Each counter has an index by term and size, so a term's biggest employers
    are read first (the top-N lists of ``reports/figures.py``), and the rows
    of an employer are indexed together, so the candidates' sums read a
    stretch of the index each.
    """

    __tablename__ = "report_term_employer"
    __table_args__ = (
        Index("ix_report_term_employer_placements", "term_id", "placements", "employer_id"),
        Index("ix_report_term_employer_hours", "term_id", "hours_verified", "employer_id"),
        Index(
            "ix_report_term_employer_employer",
            "employer_id",
            "term_id",
            "placements",
            "hours_verified",
        ),
        CLUSTERED,
    )

    term_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    placements: Mapped[int] = mapped_column(Integer, default=0)
    hours_verified: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)


class ReportEmployerStart(Model):
    """The term of each employer's first approved placement (for new employers per term)."""

    __tablename__ = "report_employer_start"
    __table_args__ = CLUSTERED

    employer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term_id: Mapped[int] = mapped_column(Integer, index=True)


class ReportTermDay(Model):
    """Hours logged and verified per term and day worked (the weeks are summed when read)."""

    __tablename__ = "report_term_day"
    __table_args__ = CLUSTERED

    term_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_date: Mapped[date] = mapped_column(Date, primary_key=True)
    hours_logged: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)
    hours_verified: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)


class ReportDuration(Model):
    """How many durations of each length, per term and measure: a histogram.

    Lengths are buckets of two significant figures, in tenths of an hour
    (``summaries.bucket``): a few hundred per term at most, however many
    durations; the median and the 90th percentile are read off the running count.
    """

    __tablename__ = "report_duration"
    __table_args__ = CLUSTERED

    term_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``decision``, ``signoff`` or ``response`` (see ``reports/summaries.py``).
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: For ``response``: the address the link went to, and ``""`` for all of the term's
    #: answers together; otherwise empty.
    supervisor: Mapped[str] = mapped_column(String(320), primary_key=True)
    #: The bucket's shortest length, in tenths of an hour.
    tenths: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReportSpread(Model):
    """Each histogram of ``ReportDuration`` read off: how many, the median, the 90th percentile.

    One row per term, measure and supervisor (``""``: the whole term), kept
    with its histogram: a term's figures are read, not worked out, and a
    term's slowest supervisors are the first rows of the index by median.
    """

    __tablename__ = "report_spread"
    __table_args__ = (
        Index("ix_report_spread_median", "term_id", "measure", "median", "supervisor"),
        CLUSTERED,
    )

    term_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    supervisor: Mapped[str] = mapped_column(String(320), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    #: The nearest-rank median and 90th percentile, buckets in tenths of an hour.
    median: Mapped[int] = mapped_column(Integer)
    p90: Mapped[int] = mapped_column(Integer)
