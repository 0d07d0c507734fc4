"""The reports' figures: one SQL aggregate each, grouped in the database, never rows in Python.

Every function takes the chosen terms' ids and answers with a few rows per
term (or per employer, week, department): the database does the counting
over its indexes (``ix_credit_plan_term`` for a term's plans, the foreign-key
indexes of placements, hour entries and links), so a report costs the same
dozen queries at ten years of data as at one term.

Percentiles are nearest-rank (the smallest duration with at least p % of the
durations at or below it), computed by window functions in one query: the
same SQL and the same figures on SQLite, which has no ``percentile_cont``,
and on PostgreSQL. Durations are in hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    or_,
    select,
)

from careercredit.extensions import db
from careercredit.models import (
    Amendment,
    AuditEvent,
    Course,
    CourseSection,
    CreditPlan,
    Employer,
    HourEntry,
    HourStatus,
    Placement,
    PlanState,
    Project,
    SignOff,
    SupervisorLink,
    Term,
)

S = PlanState

#: Plan states as the charts group them (ten states are too many colours to tell apart).
STATE_GROUPS: tuple[tuple[str, frozenset[PlanState]], ...] = (
    ("Draft", frozenset({S.draft})),
    ("Under review", frozenset({S.submitted, S.changes_requested})),
    ("Approved, under way", frozenset({S.approved, S.in_progress, S.awaiting_signoff})),
    ("Signed off", frozenset({S.signed_off})),
    ("Posted", frozenset({S.posted})),
    ("Rejected", frozenset({S.rejected})),
    ("Withdrawn", frozenset({S.withdrawn})),
)
#: Rows in the top-N lists.
TOP = 20
#: Supervisors listed as the slowest to answer.
SLOWEST = 10


@dataclass(frozen=True)
class TermRow:
    """A term as the reports name it."""

    id: int
    code: str
    name: str
    starts_on: date
    ends_on: date


def all_terms() -> list[TermRow]:
    """Every term, oldest first (the selector's choices)."""
    rows = db.session.execute(
        select(Term.id, Term.code, Term.name, Term.starts_on, Term.ends_on).order_by(
            Term.starts_on, Term.id
        )
    )
    return [TermRow(*row) for row in rows]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _hours_between(start: Any, end: Any) -> ColumnElement[Any]:
    """Hours from ``start`` to ``end``, two stored times, as a number."""
    if _dialect() == "sqlite":
        hours: ColumnElement[Any] = (func.julianday(end) - func.julianday(start)) * 24
        return hours
    hours_pg: ColumnElement[Any] = func.extract("epoch", end - start) / 3600
    return hours_pg


def _days_between(start: Any, end: Any) -> ColumnElement[Any]:
    """Whole days from ``start`` to ``end``, two calendar dates."""
    if _dialect() == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Integer)
    days: ColumnElement[Any] = end - start
    return days


# -- plans ---------------------------------------------------------------------


def states_by_term(term_ids: Sequence[int]) -> dict[tuple[int, PlanState], int]:
    """How many plans each term has in each state."""
    rows = db.session.execute(
        select(CreditPlan.term_id, CreditPlan.state, func.count())
        .where(CreditPlan.term_id.in_(term_ids))
        .group_by(CreditPlan.term_id, CreditPlan.state)
    )
    return {(term_id, PlanState(state)): count for term_id, state, count in rows}


@dataclass(frozen=True)
class Funnel:
    """One term's plans at each step, and how many left the way."""

    submitted: int = 0
    approved: int = 0
    signed_off: int = 0
    posted: int = 0
    rejected: int = 0
    withdrawn: int = 0

    def rate(self, count: int) -> Decimal | None:
        """``count`` as a percentage of the plans submitted (one decimal), None if none were."""
        if not self.submitted:
            return None
        return (Decimal(100 * count) / self.submitted).quantize(Decimal("0.1"))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def funnel_by_term(term_ids: Sequence[int]) -> dict[int, Funnel]:
    """Per term: plans ever submitted, approved, signed off, posted; rejected and withdrawn.

    Approved counts plans whose approval stands (approval sets the credits,
    a resubmission clears them), including those withdrawn later.
    """
    p = CreditPlan
    submitted = p.submitted_at.is_not(None)
    rows = db.session.execute(
        select(
            p.term_id,
            _count_if(submitted),
            _count_if(p.credits_approved.is_not(None)),
            _count_if(p.state.in_([S.signed_off, S.posted])),
            _count_if(p.state == S.posted),
            _count_if(p.state == S.rejected),
            _count_if(and_(p.state == S.withdrawn, submitted)),
        )
        .where(p.term_id.in_(term_ids))
        .group_by(p.term_id)
    )
    return {term_id: Funnel(*map(int, counts)) for term_id, *counts in rows}


# -- credits -------------------------------------------------------------------


@dataclass(frozen=True)
class Credits:
    """One term's credit: approved, posted, and the students it was posted for."""

    approved: int = 0
    posted: int = 0
    students: int = 0


def credits_by_term(term_ids: Sequence[int]) -> dict[int, Credits]:
    """Per term: credits approved, credits posted (after amendments), students earning credit."""
    p = CreditPlan
    amended = (
        select(Amendment.credits_after)
        .where(Amendment.plan_id == p.id)
        .order_by(Amendment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    final = func.coalesce(amended, SignOff.credits_awarded, 0)
    posted = p.state == S.posted
    rows = db.session.execute(
        select(
            p.term_id,
            func.coalesce(func.sum(p.credits_approved), 0),
            func.coalesce(func.sum(case((posted, final), else_=0)), 0),
            func.count(distinct(case((and_(posted, final > 0), p.student_id)))),
        )
        .outerjoin(SignOff, SignOff.plan_id == p.id)
        .where(p.term_id.in_(term_ids))
        .group_by(p.term_id)
    )
    return {term_id: Credits(*map(int, figures)) for term_id, *figures in rows}


# -- hours ---------------------------------------------------------------------


def hours_by_week(term: TermRow) -> dict[int, tuple[Decimal, Decimal]]:
    """Week of the term (1 = its first seven days) → (hours logged, hours verified)."""
    week = _days_between(term.starts_on, HourEntry.work_date) // 7 + 1
    verified = case((HourEntry.status == HourStatus.verified, HourEntry.hours), else_=0)
    rows = db.session.execute(
        select(week.label("week"), func.sum(HourEntry.hours), func.sum(verified))
        .join(Placement, Placement.id == HourEntry.placement_id)
        .join(CreditPlan, CreditPlan.id == Placement.plan_id)
        .where(CreditPlan.term_id == term.id)
        .group_by("week")
        .order_by("week")
    )
    return {int(w): (Decimal(logged or 0), Decimal(ver or 0)) for w, logged, ver in rows}


# -- employers -----------------------------------------------------------------


def _placements_in(term_ids: Sequence[int]) -> Select[Any]:
    """Placements of approved plans (those an employer actually took on) in the terms."""
    return (
        select(Employer.id, Employer.name)
        .join(Project, Project.employer_id == Employer.id)
        .join(Placement, Placement.project_id == Project.id)
        .join(CreditPlan, CreditPlan.id == Placement.plan_id)
        .where(CreditPlan.term_id.in_(term_ids), CreditPlan.credits_approved.is_not(None))
    )


def top_employers_by_placements(term_ids: Sequence[int]) -> list[tuple[str, int]]:
    """The employers with the most placements in the terms, most first."""
    count = func.count(Placement.id)
    query = (
        _placements_in(term_ids)
        .with_only_columns(Employer.name, count)
        .group_by(Employer.id, Employer.name)
        .order_by(count.desc(), Employer.name)
        .limit(TOP)
    )
    return [(name, int(n)) for name, n in db.session.execute(query)]


def top_employers_by_hours(term_ids: Sequence[int]) -> list[tuple[str, Decimal]]:
    """The employers whose placements in the terms have the most verified hours."""
    total = func.sum(HourEntry.hours)
    query = (
        _placements_in(term_ids)
        .join(HourEntry, HourEntry.placement_id == Placement.id)
        .where(HourEntry.status == HourStatus.verified)
        .with_only_columns(Employer.name, total)
        .group_by(Employer.id, Employer.name)
        .order_by(total.desc(), Employer.name)
        .limit(TOP)
    )
    return [(name, Decimal(hours)) for name, hours in db.session.execute(query)]


def new_employers_by_term(term_ids: Sequence[int]) -> dict[int, int]:
    """Per term: employers whose first approved placement (in any term) was in it."""
    first = (
        select(Project.employer_id, func.min(Term.starts_on).label("first_start"))
        .join(Placement, Placement.project_id == Project.id)
        .join(CreditPlan, CreditPlan.id == Placement.plan_id)
        .join(Term, Term.id == CreditPlan.term_id)
        .where(CreditPlan.credits_approved.is_not(None))
        .group_by(Project.employer_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Term.id, func.count(first.c.employer_id))
        .join(first, first.c.first_start == Term.starts_on)
        .where(Term.id.in_(term_ids))
        .group_by(Term.id)
    )
    return {term_id: int(n) for term_id, n in rows}


# -- time taken ----------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How long something took in one group: how many, the median and the 90th percentile."""

    count: int
    median: Decimal
    p90: Decimal


def _percentiles(durations: Select[Any]) -> dict[Any, Spread]:
    """Per group: nearest-rank median and 90th percentile of ``durations`` (group, hours)."""
    rows = db.session.execute(_percentile_query(durations))
    return {grp: Spread(int(n), _hours(med), _hours(top)) for grp, n, med, top in rows}


def _percentile_query(durations: Select[Any]) -> Select[Any]:
    """(group, count, median, p90) of ``durations``, a query of (group, hours).

    One query: each duration is ranked within its group, and the ranks
    ceil(n/2) and ceil(9n/10) are picked out (integer arithmetic, alike on
    both databases).
    """
    inner = durations.subquery()
    group, hours = inner.c[0], inner.c[1]
    ranked = select(
        group.label("grp"),
        hours.label("hours"),
        func.row_number().over(partition_by=group, order_by=hours).label("rank"),
        func.count().over(partition_by=group).label("n"),
    ).subquery()
    median = func.max(case((ranked.c.rank == (ranked.c.n + 1) // 2, ranked.c.hours)))
    p90 = func.max(case((ranked.c.rank == (ranked.c.n * 9 + 9) // 10, ranked.c.hours)))
    return select(
        ranked.c.grp, func.max(ranked.c.n), median.label("median"), p90.label("p90")
    ).group_by(ranked.c.grp)


def _hours(value: Any) -> Decimal:
    """A duration in hours, to one decimal."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def decision_times(term_ids: Sequence[int]) -> dict[int, Spread]:
    """Per term: hours from (last) submission to the advisor's decision."""
    p = CreditPlan
    return _percentiles(
        select(p.term_id, _hours_between(p.submitted_at, p.decided_at)).where(
            p.term_id.in_(term_ids),
            p.decided_at.is_not(None),
            p.submitted_at.is_not(None),
            p.decided_at >= p.submitted_at,
        )
    )


def signoff_times(term_ids: Sequence[int]) -> dict[int, Spread]:
    """Per term: hours from the (last) "sent for sign-off" to the sponsor's sign-off."""
    p = CreditPlan
    sent = (
        select(func.max(AuditEvent.created_at))
        .where(
            AuditEvent.object_type == "credit_plan",
            AuditEvent.object_id == cast(p.id, String),
            AuditEvent.action == "plan.complete",
        )
        .scalar_subquery()
    )
    return _percentiles(
        select(p.term_id, _hours_between(sent, SignOff.signed_at))
        .join(SignOff, SignOff.plan_id == p.id)
        .where(p.term_id.in_(term_ids), sent.is_not(None))
    )


def _answered_links(term_ids: Sequence[int]) -> Select[Any]:
    link = SupervisorLink
    return (
        select(CreditPlan.term_id, _hours_between(link.created_at, link.answered_at))
        .join(Placement, Placement.id == link.placement_id)
        .join(CreditPlan, CreditPlan.id == Placement.plan_id)
        .where(CreditPlan.term_id.in_(term_ids), link.answered_at.is_not(None))
    )


def response_times(term_ids: Sequence[int]) -> dict[int, Spread]:
    """Per term: supervisors' hours from a link being sent to its first answer."""
    return _percentiles(_answered_links(term_ids))


def slowest_supervisors(term_ids: Sequence[int]) -> list[tuple[str, Spread]]:
    """The supervisors (by the address links went to) with the slowest median answer."""
    link = SupervisorLink
    answered = _answered_links(term_ids).with_only_columns(
        link.recipient_email, _hours_between(link.created_at, link.answered_at)
    )
    query = _percentile_query(answered)
    slowest = query.order_by(query.selected_columns.median.desc(), query.selected_columns[0])
    rows = db.session.execute(slowest.limit(SLOWEST))
    return [(email, Spread(int(n), _hours(med), _hours(top))) for email, n, med, top in rows]


# -- departments ---------------------------------------------------------------

#: How plans without a course section (or whose course names no department) are shown.
NO_DEPARTMENT = "Department not known"


def by_department(term_ids: Sequence[int]) -> list[tuple[str, int, int]]:
    """Per department of the plans' course sections: plans submitted, and plans posted."""
    p = CreditPlan
    department = func.coalesce(func.nullif(Course.department, ""), NO_DEPARTMENT)
    rows = db.session.execute(
        select(
            department.label("department"),
            _count_if(p.submitted_at.is_not(None)),
            _count_if(p.state == S.posted),
        )
        .outerjoin(CourseSection, CourseSection.id == p.section_id)
        .outerjoin(Course, Course.id == CourseSection.course_id)
        .where(p.term_id.in_(term_ids), or_(p.submitted_at.is_not(None), p.state == S.posted))
        .group_by("department")
        .order_by("department")
    )
    return [(name, int(submitted), int(posted)) for name, submitted, posted in rows]
