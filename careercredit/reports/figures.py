"""The reports' figures: one SQL aggregate each, over the summary tables, never rows in Python.

Every function takes the chosen terms' ids and answers with a few rows per
term (or per employer, week, department). The counting was done when the
counted rows changed (``summaries.py`` keeps the tables of
``models/reports.py`` current in the same transaction), so a figure reads a
few rows per term and employer, and a report costs the same dozen small
queries at ten years of data as at one term.

Percentiles are nearest-rank (the smallest duration with at least p % of the
durations at or below it), read off a histogram's running count by a window
function (``summaries.percentiles``): the same SQL and the same figures on
SQLite, which has no ``percentile_cont``, and on PostgreSQL. Each term's
are read off when its histogram moves (``ReportSpread``); only a range of
terms sums histograms. Durations are in hours, rounded down to two
significant figures (to the tenth of an hour below 10 hours, to the hour
below 100): the histograms' buckets (``summaries.bucket``).

The top-N lists (employers, slowest supervisors) rank only what some term
ranks near its top, by the threshold algorithm, and prove the answer exact
before they use it; so they read a few dozen rows per term, however many
employers and supervisors the university has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from careercredit.extensions import db
from careercredit.models import (
    Course,
    CourseSection,
    Employer,
    PlanState,
    ReportDuration,
    ReportEmployerStart,
    ReportPlanCount,
    ReportSpread,
    ReportTerm,
    ReportTermDay,
    ReportTermEmployer,
    Term,
)
from careercredit.reports import summaries

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


def _days_between(start: Any, end: Any) -> ColumnElement[Any]:
    """Whole days from ``start`` to ``end``, two calendar dates."""
    if _dialect() == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Integer)
    days: ColumnElement[Any] = end - start
    return days


# -- plans ---------------------------------------------------------------------

P = ReportPlanCount


def _plans_in(*states: PlanState) -> ColumnElement[Any]:
    """The plans of a summary row if its state is one of ``states``, else 0."""
    return func.coalesce(func.sum(case((P.state.in_([s.value for s in states]), P.plans))), 0)


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


@dataclass(frozen=True)
class TermPlans:
    """One term's plans: how many in each state, the funnel, the credits approved and posted."""

    states: dict[PlanState, int] = field(default_factory=dict)
    funnel: Funnel = Funnel()
    credits_approved: int = 0
    credits_posted: int = 0


def plans_by_term(term_ids: Sequence[int]) -> dict[int, TermPlans]:
    """Per term: plans by state, the funnel, and credits — one query, a row per term and state.

    Approved counts plans whose approval stands (approval sets the credits,
    a resubmission clears them), including those withdrawn later; withdrawn
    counts the plans withdrawn after being submitted.
    """
    rows = db.session.execute(
        select(
            P.term_id,
            P.state,
            func.sum(P.plans),
            func.sum(P.submitted),
            func.sum(P.approved),
            func.sum(P.credits_approved),
            func.sum(P.credits_posted),
        )
        .where(P.term_id.in_(term_ids))
        .group_by(P.term_id, P.state)
    )
    per_term: dict[int, list[tuple[PlanState, int, int, int, int, int]]] = {}
    for term_id, state, *sums in rows:
        plans, submitted, approved, credits, posted = map(int, sums)
        row = (PlanState(state), plans, submitted, approved, credits, posted)
        per_term.setdefault(term_id, []).append(row)
    return {term_id: _term_plans(states) for term_id, states in per_term.items()}


def _term_plans(rows: list[tuple[PlanState, int, int, int, int, int]]) -> TermPlans:
    plans = {state: n for state, n, *_ in rows}
    submitted = {state: n for state, _, n, *_ in rows}
    funnel = Funnel(
        submitted=sum(submitted.values()),
        approved=sum(row[3] for row in rows),
        signed_off=plans.get(S.signed_off, 0) + plans.get(S.posted, 0),
        posted=plans.get(S.posted, 0),
        rejected=plans.get(S.rejected, 0),
        withdrawn=submitted.get(S.withdrawn, 0),
    )
    return TermPlans(
        states=plans,
        funnel=funnel,
        credits_approved=sum(row[4] for row in rows),
        credits_posted=sum(row[5] for row in rows),
    )


# -- credits -------------------------------------------------------------------


@dataclass(frozen=True)
class Credits:
    """One term's credit: approved, posted, and the students it was posted for."""

    approved: int = 0
    posted: int = 0
    students: int = 0


def credits_by_term(term_ids: Sequence[int]) -> dict[int, Credits]:
    """Per term: credits approved, credits posted (after amendments), students earning credit."""
    rows = db.session.execute(
        select(ReportTerm.term_id, ReportTerm.students).where(ReportTerm.term_id.in_(term_ids))
    )
    students: dict[int, int] = {term_id: int(n) for term_id, n in rows}
    return {
        term_id: Credits(plans.credits_approved, plans.credits_posted, students.get(term_id, 0))
        for term_id, plans in plans_by_term(term_ids).items()
    }


# -- hours ---------------------------------------------------------------------


def hours_by_week(term: TermRow) -> dict[int, tuple[Decimal, Decimal]]:
    """Week of the term (1 = its first seven days) → (hours logged, hours verified)."""
    day = ReportTermDay
    week = _days_between(term.starts_on, day.work_date) // 7 + 1
    rows = db.session.execute(
        select(week.label("week"), func.sum(day.hours_logged), func.sum(day.hours_verified))
        .where(day.term_id == term.id)
        .group_by("week")
        .order_by("week")
    )
    return {int(w): (Decimal(logged or 0), Decimal(ver or 0)) for w, logged, ver in rows}


# -- employers -----------------------------------------------------------------

#: How far down each term's own ranking the top-N lists look for candidates.
DEPTH = 2 * TOP
#: The chosen terms' ids, in the top-N lists' statements (built once, given at each run).
TERMS: BindParameter[int] = bindparam("terms", type_=Integer, expanding=True)


def _top_employers(term_ids: Sequence[int], column: Any) -> list[tuple[str, Any]]:
    """The ``TOP`` employers by the sum of ``column`` over the terms, biggest first, ties by name.

    Read by the threshold algorithm: only the employers in the first
    ``DEPTH`` of some term's own ranking (``_ranked``) are summed. Any other
    employer is below every term's cut, so its sum is below the sum of the
    cuts; if the last of the top is at or above that sum, the list is exact.
    Otherwise (employers of near equal size in every term), every employer
    is summed.
    """
    terms = {"terms": list(term_ids)}
    rows = db.session.execute(_employers_in(column.key, candidates=True), terms).all()
    cut = rows[0].cut if rows else None
    if cut is not None and (len(rows) < TOP or _exact(rows[-1].total) < _exact(cut)):
        rows = db.session.execute(_employers_in(column.key, candidates=False), terms).all()
    return [(row.name, row.total) for row in rows]


def _exact(value: Any) -> Decimal:
    """A sum as the exact number it stands for (SQLite sums hours as floating point)."""
    return Decimal(value).quantize(Decimal("0.01"))


def _cuts(value: Any, *where: ColumnElement[bool], depth: int) -> CTE:
    """Each chosen term's cut: the ``depth``-th largest ``value`` of its rows ``where``.

    ``value`` is a column of an alias of a summary table with a ``term_id``,
    read down an index by term and value; a term with fewer rows has no cut (NULL).
    """
    rows = value.table
    each = (
        select(value)
        .where(rows.c.term_id == Term.id, *where)
        .order_by(value.desc())
        .limit(1)
        .offset(depth - 1)
        .scalar_subquery()
    )
    return select(Term.id.label("term_id"), each.label("cut")).where(Term.id.in_(TERMS)).cte()


def _ranked(column: Any) -> tuple[Select[Any], Any]:
    """(employers in the first ``DEPTH`` of some term's ranking by ``column``, the cuts' sum)."""
    employer, other = ReportTermEmployer, aliased(ReportTermEmployer)
    value = getattr(other, column.key)
    cuts = _cuts(value, value > 0, depth=DEPTH)
    ranked = (
        select(employer.employer_id)
        .join(cuts, cuts.c.term_id == employer.term_id)
        .where(column > 0, column >= func.coalesce(cuts.c.cut, 0))
    )
    return ranked, select(func.sum(cuts.c.cut)).scalar_subquery()


@cache
def _employers_in(name: str, *, candidates: bool) -> Select[Any]:
    """The top employers by the sum of the column ``name`` over their rows in the ``TERMS``.

    With ``candidates``, only the employers ``_ranked`` are summed, and each
    row carries the sum of the terms' cuts. The sums are ranked by employer
    id and only the top rows are joined to their names. Built once per
    process: building it cost more than running it.
    """
    employer = ReportTermEmployer
    column = getattr(employer, name)
    total = func.sum(column)
    sums = (
        select(employer.employer_id.label("employer_id"), total.label("total"))
        .where(employer.term_id.in_(TERMS))
        .group_by(employer.employer_id)
        .having(total > 0)
    )
    cut: Any = null()
    if candidates:
        ranked, cut = _ranked(column)
        sums = sums.where(employer.employer_id.in_(ranked))
    top = sums.subquery()
    return (
        select(Employer.name.label("name"), top.c.total.label("total"), cut.label("cut"))
        .join(Employer, Employer.id == top.c.employer_id)
        .order_by(top.c.total.desc(), Employer.name)
        .limit(TOP)
    )


def top_employers_by_placements(term_ids: Sequence[int]) -> list[tuple[str, int]]:
    """The employers with the most placements in approved plans of the terms, most first."""
    rows = _top_employers(term_ids, ReportTermEmployer.placements)
    return [(name, int(n)) for name, n in rows]


def top_employers_by_hours(term_ids: Sequence[int]) -> list[tuple[str, Decimal]]:
    """The employers whose placements in the terms have the most verified hours."""
    rows = _top_employers(term_ids, ReportTermEmployer.hours_verified)
    return [(name, Decimal(hours)) for name, hours in rows]


def new_employers_by_term(term_ids: Sequence[int]) -> dict[int, int]:
    """Per term: employers whose first approved placement (in any term) was in it."""
    start = ReportEmployerStart
    rows = db.session.execute(
        select(start.term_id, func.count())
        .where(start.term_id.in_(term_ids))
        .group_by(start.term_id)
    )
    return {term_id: int(n) for term_id, n in rows}


# -- time taken ----------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How long something took in one group: how many, the median and the 90th percentile."""

    count: int
    median: Decimal
    p90: Decimal


def _spread(n: Any, median: Any, p90: Any) -> Spread:
    return Spread(int(n), _hours(median), _hours(p90))


def _hours(tenths: Any) -> Decimal:
    """A duration bucket (in tenths of an hour), in hours to one decimal."""
    return (Decimal(int(tenths or 0)) / 10).quantize(Decimal("0.1"))


#: The durations per term: from submission to the advisor's decision, from the (last)
#: "sent for sign-off" to the sponsor's sign-off, from a link sent to the supervisor's
#: (latest) answer.
MEASURES = (summaries.DECISION, summaries.SIGNOFF, summaries.RESPONSE)


def durations_by_term(term_ids: Sequence[int]) -> dict[str, dict[int, Spread]]:
    """Measure (``MEASURES``) → term → how many, median and 90th percentile hours."""
    s = ReportSpread
    rows = db.session.execute(
        select(s.measure, s.term_id, s.count, s.median, s.p90).where(
            s.term_id.in_(term_ids), s.supervisor == ""
        )
    )
    spreads: dict[str, dict[int, Spread]] = {measure: {} for measure in MEASURES}
    for measure, term_id, *figures in rows:
        spreads.setdefault(measure, {})[term_id] = _spread(*figures)
    return spreads


def slowest_supervisors(term_ids: Sequence[int]) -> list[tuple[str, Spread]]:
    """The supervisors (by the address links went to) with the slowest median answer.

    The threshold algorithm again (see ``_top_employers``), over each term's
    spreads in the list's order (median, slowest first, then address): a
    supervisor's median over several terms is at most the largest of their
    terms' medians. So one who comes after every term's ``SLOWEST``-th (its
    cut) comes after the first of the cuts, and only the supervisors up to
    some term's cut have their histograms summed; unless the last of the
    slowest comes after the first cut, when everyone is ranked.
    """
    terms = {"terms": list(term_ids)}
    rows = db.session.execute(_slowest(candidates=True), terms).all()
    cut = rows[0].cut if rows else None
    if cut is not None and not (len(rows) == SLOWEST and _before_the_cuts(rows[-1])):
        rows = db.session.execute(_slowest(candidates=False), terms).all()
    return [(row.email, _spread(row.count, row.median, row.p90)) for row in rows]


def _before_the_cuts(row: Any) -> bool:
    """Whether ``row`` (the last of the slowest) comes no later than the first cut."""
    return bool(row.median > row.cut or (row.median == row.cut and row.up_to_cut))


@cache
def _slowest(*, candidates: bool) -> Select[Any]:
    """The ``SLOWEST`` supervisors by median answer in the ``TERMS`` (``slowest_supervisors``).

    With ``candidates``, each row carries the first cut's median (``cut``)
    and whether the row's address comes no later than the first cut's
    (``up_to_cut``: compared in the database, in the order it sorts by).
    A term's cut is its ``SLOWEST``-th by median; when others share that
    median, the ``SLOWEST``-th of those by address (so a term whose answers
    all took the same time still ranks ten, not all).
    """
    d, s = ReportDuration, ReportSpread
    answers = [*_one_supervisors_answers(d), d.term_id.in_(TERMS)]
    cut: Any = null()
    up_to_cut: Any = null()
    if candidates:
        edges = _supervisor_cuts()
        ranked = (
            select(s.supervisor)
            .join(edges, edges.c.term_id == s.term_id)
            .where(*_one_supervisors_answers(s))
            .where(s.median >= func.coalesce(edges.c.cut, 0))
            .where(
                or_(
                    edges.c.cut.is_(None),
                    s.median > edges.c.cut,
                    edges.c.last.is_(None),
                    s.supervisor <= edges.c.last,
                )
            )
        )
        answers.append(d.supervisor.in_(ranked))
        cut = select(func.max(edges.c.cut)).scalar_subquery()
        last = select(func.min(edges.c.last)).where(edges.c.cut == cut).scalar_subquery()
    query = summaries.percentiles([d.supervisor], *answers).subquery()
    if candidates:
        up_to_cut = case((last.is_(None), True), (query.c.g0 <= last, True), else_=False)
    return (
        select(
            query.c.g0.label("email"),
            query.c["count"],
            query.c.median,
            query.c.p90,
            cut.label("cut"),
            up_to_cut.label("up_to_cut"),
        )
        .order_by(query.c.median.desc(), query.c.g0)
        .limit(SLOWEST)
    )


def _one_supervisors_answers(table: Any) -> tuple[ColumnElement[bool], ...]:
    """The rows of ``table`` (a histogram or its spread, or an alias) of one supervisor's answers.

    The rows of supervisor ``""`` hold the whole term's answers, never a supervisor's.
    """
    return table.measure == summaries.RESPONSE, table.supervisor != ""


def _supervisor_cuts() -> CTE:
    """Each chosen term's cut of its supervisors: (term_id, cut, last).

    ``cut`` is the ``SLOWEST``-th largest median (none if fewer answered);
    ``last`` is the ``SLOWEST``-th address among those with that median,
    none if fewer share it (then all of them are ranked).
    """
    other, tied = aliased(ReportSpread), aliased(ReportSpread)
    cuts = _cuts(other.median, *_one_supervisors_answers(other), depth=SLOWEST)
    last = (
        select(tied.supervisor)
        .where(tied.term_id == cuts.c.term_id, *_one_supervisors_answers(tied))
        .where(tied.median == cuts.c.cut)
        .order_by(tied.supervisor)
        .limit(1)
        .offset(SLOWEST - 1)
        .scalar_subquery()
    )
    return select(cuts.c.term_id, cuts.c.cut, last.label("last")).cte()


# -- departments ---------------------------------------------------------------

#: How plans without a course section (or whose course names no department) are shown.
NO_DEPARTMENT = "Department not known"


def by_department(term_ids: Sequence[int]) -> list[tuple[str, int, int]]:
    """Per department of the plans' course sections: plans submitted, and plans posted."""
    department = func.coalesce(func.nullif(Course.department, ""), NO_DEPARTMENT)
    submitted, posted = func.sum(P.submitted), _plans_in(S.posted)
    rows = db.session.execute(
        select(department.label("department"), submitted, posted)
        .outerjoin(CourseSection, CourseSection.id == P.section_id)
        .outerjoin(Course, Course.id == CourseSection.course_id)
        .where(P.term_id.in_(term_ids))
        .group_by("department")
        .having(or_(submitted > 0, posted > 0))
        .order_by("department")
    )
    return [(name, int(n_submitted), int(n_posted)) for name, n_submitted, n_posted in rows]
