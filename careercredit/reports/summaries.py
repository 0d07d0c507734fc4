"""The reports' summaries: moved by the change that moves them, rebuilt from the live rows.

The tables of ``models/reports.py`` hold what the reports count. Each
service that changes a counted value calls one function here, in its own
transaction, so a committed change and its counters are one fact and a
rolled-back action moves nothing:

- ``plan_added`` / ``plan_removed`` / ``plan_changes`` — a plan created,
  deleted, or changed by the workflow, an edit or an amendment;
- ``hours_logged`` / ``hours_removed`` / ``hours_changed`` /
  ``hours_answered`` — an hour entry logged, deleted, corrected, verified
  or disputed;
- ``answer_link`` — a supervisor answering through a link.

Every change is written as "take away what the row counted before, add what
it counts now" (its *facts*). The facts are worked out when the service
calls, from the rows as they are then, and kept with the session; they are
written when the transaction commits, as upserts that add to the counters
(``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``), so two
transactions moving one counter are serialised by the database, never lost.
Writing them last keeps the counters out of the service's own locking: a
transaction holding the counters only waits for counters (``_apply``). A
savepoint rolled back takes its facts with it; a transaction rolled back
writes none.

``rebuild`` recomputes every table from the live rows (``flask reports
rebuild-summaries``): after a bulk load that bypassed the services (the
bench seed), and to check for drift.

Durations are counted in buckets of two significant figures: tenths of an
hour below 10 hours, whole hours below 100, ten hours below 1,000 and so on
(``bucket``), from whole seconds, by the same integer arithmetic in Python
and in both databases' SQL. A term's histogram has a few hundred buckets at
most whatever the number of plans, and a percentile read off it is the exact
percentile rounded down to two figures. A duration that ends before it starts
is not counted.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction, aliased

from careercredit.extensions import Model, db
from careercredit.models import (
    Amendment,
    AuditEvent,
    CreditPlan,
    HourEntry,
    HourStatus,
    Placement,
    PlanState,
    Project,
    ReportDuration,
    ReportEmployerStart,
    ReportPlanCount,
    ReportSpread,
    ReportTerm,
    ReportTermDay,
    ReportTermEmployer,
    ReportTermStudent,
    SignOff,
    SupervisorLink,
    Term,
)
from careercredit.models.reports import NO_SECTION
from careercredit.sql import aware

#: ``ReportDuration.measure``: submission → decision, sent for sign-off → sign-off,
#: link sent → the supervisor's answer.
DECISION, SIGNOFF, RESPONSE = "decision", "signoff", "response"
#: The plan states in which a plan has been sent for sign-off at least once.
SENT_STATES = (PlanState.awaiting_signoff, PlanState.signed_off, PlanState.posted)

#: One counted fact: a summary table, the key of its row, and what it adds there.
Fact = tuple[type[Model], dict[str, Any], dict[str, Any]]


# -- moving the counters ------------------------------------------------------------


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _move(taken: list[Fact], added: list[Fact], employers: set[int] | None = None) -> None:
    """Subtract the ``taken`` facts and add the ``added`` ones when the transaction commits.

    ``employers``: employers whose first term may have moved (see ``_first_terms``).
    """
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING, []).append((transaction, taken, added, employers or set()))


#: Where a session keeps the facts of its open transaction: (transaction, taken, added, employers).
PENDING = "careercredit.summary_facts"


def _apply(session: Session) -> None:
    """Write the session's pending facts: merged per row, in the rows' order, zeros skipped.

    On PostgreSQL the summaries' lock comes first. Every transaction takes it
    here, at commit, after whatever else it locked; so one holding it waits
    only for counter rows, which nobody else holds, and transactions whose
    counters meet in opposite orders wait in turn instead of deadlocking.
    SQLite has one writer at a time already.
    """
    pending = session.info.pop(PENDING, [])
    rows: dict[tuple[str, tuple[Any, ...]], tuple[type[Model], dict[str, Any], dict[str, Any]]] = {}
    employers: set[int] = set()
    for _, taken, added, moved in pending:
        employers |= moved
        for sign, facts in ((-1, taken), (1, added)):
            for model, key, values in facts:
                row = (model.__tablename__, tuple(sorted(key.items())))
                _, _, sums = rows.setdefault(row, (model, key, {}))
                for name, value in values.items():
                    sums[name] = sums.get(name, 0) + sign * value
    changes = [(row, change) for row, change in rows.items() if any(change[2].values())]
    if not changes and not employers:
        return
    session.flush()
    if _dialect() == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(SUMMARY_LOCK)))
    histograms = set()
    for _, (model, key, sums) in sorted(changes, key=lambda item: item[0]):
        after = _add(model, key, sums)
        if model is ReportTermStudent:
            _students(key["term_id"], after - sums["credits"], after)
        if model is ReportDuration:
            histograms.add((key["term_id"], key["measure"], key["supervisor"]))
    for histogram in sorted(histograms):
        _read_off(*histogram)
    _first_terms(employers)


def _add(model: type[Model], key: dict[str, Any], values: dict[str, Any]) -> Any:
    """Add ``values`` to the counters of the row ``key`` of ``model``, creating it if new.

    Answers the first counter's new value (read in the same statement).
    """
    table: Any = model.__table__
    insert: Any = sqlite.insert if _dialect() == "sqlite" else postgresql.insert
    statement = insert(table).values(**key, **values)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + statement.excluded[name] for name in values},
    )
    return db.session.scalar(statement.returning(table.c[next(iter(values))]))


#: The advisory lock every commit that moves the summaries takes first, on PostgreSQL.
SUMMARY_LOCK = 0x43435253  # "CCRS"


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if PENDING in session.info and not session.in_nested_transaction():
        _apply(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    """Forget the facts of a rolled-back savepoint (and of savepoints released inside it)."""
    pending = session.info.get(PENDING)
    if not pending or previous.parent is None:
        return  # the transaction's end forgets them all (``_after_end``)

    def inside(transaction: SessionTransaction | None) -> bool:
        while transaction is not None:
            if transaction is previous:
                return True
            transaction = transaction.parent
        return False

    session.info[PENDING] = [facts for facts in pending if not inside(facts[0])]


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ended (committed, rolled back or closed) leaves nothing pending."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def _read_off(term_id: int, measure: str, supervisor: str) -> None:
    """Set the spread of one histogram of ``ReportDuration`` from its buckets as they are now."""
    d, spread = ReportDuration, ReportSpread
    key = {"term_id": term_id, "measure": measure, "supervisor": supervisor}
    db.session.execute(delete(spread).filter_by(**key))
    where = d.term_id == term_id, d.measure == measure, d.supervisor == supervisor
    row = db.session.execute(percentiles([d.term_id], *where)).one_or_none()
    if row is not None:
        _, count, median, p90 = row
        db.session.execute(insert(spread).values(**key, count=count, median=median, p90=p90))


def percentiles(groups: Sequence[Any], *where: ColumnElement[bool]) -> Select[Any]:
    """(groups…, count, median, p90) of the durations of ``ReportDuration`` rows ``where``.

    One query: the histogram is summed per group and length, each length
    gets the running count up to it, and the median (p90) is the shortest
    length whose running count reaches half (nine tenths) of the group's —
    the nearest rank, compared in integers alike on both databases.
    """
    d = ReportDuration
    n = func.sum(d.count)
    keys = [group.label(f"g{i}") for i, group in enumerate(groups)]
    lengths = (
        select(*keys, d.tenths.label("tenths"), n.label("n"))
        .where(*where)
        .group_by(*groups, d.tenths)
        .having(n > 0)
        .subquery()
    )
    group = [lengths.c[f"g{i}"] for i in range(len(groups))]
    running = select(
        *group,
        lengths.c.tenths,
        func.sum(lengths.c.n).over(partition_by=group, order_by=lengths.c.tenths).label("upto"),
        func.sum(lengths.c.n).over(partition_by=group).label("total"),
    ).subquery()
    upto, total, tenths = running.c.upto, running.c.total, running.c.tenths
    median = func.min(case((upto * 2 >= total, tenths)))
    p90 = func.min(case((upto * 10 >= total * 9, tenths)))
    outer = [running.c[f"g{i}"] for i in range(len(groups))]
    return select(
        *outer, func.max(total).label("count"), median.label("median"), p90.label("p90")
    ).group_by(*outer)


def _students(term_id: int, before: int, after: int) -> None:
    """Count a student in or out of the term's students with credit, if theirs crossed 0."""
    if (before > 0) != (after > 0):
        _add(ReportTerm, {"term_id": term_id}, {"students": 1 if after > 0 else -1})


def _seconds(moment: datetime) -> int:
    return calendar.timegm(aware(moment).utctimetuple())


#: Bucket widths, in tenths of an hour, by the length they start at: two significant figures.
STEPS = ((10_000, 1_000), (1_000, 100), (100, 10), (0, 1))


def bucket(tenths: int) -> int:
    """The bucket of a duration of ``tenths`` tenths of an hour: its first two figures."""
    return next(tenths // width * width for start, width in STEPS if tenths >= start)


def tenths(start: datetime | None, end: datetime | None) -> int | None:
    """The bucket (in tenths of an hour) of the time from ``start`` to ``end``, None if unknown."""
    if start is None or end is None:
        return None
    seconds = _seconds(end) - _seconds(start)
    return bucket(seconds // 360) if seconds >= 0 else None


def _duration(term_id: int, measure: str, length: int | None, who: str = "") -> list[Fact]:
    if length is None:
        return []
    key = {"term_id": term_id, "measure": measure, "supervisor": who, "tenths": length}
    return [(ReportDuration, key, {"count": 1})]


# -- plans ---------------------------------------------------------------------------


def _plan_facts(plan: CreditPlan) -> list[Fact]:
    """What one plan counts for, apart from its employers (see ``_employer_facts``)."""
    posted = plan.state == PlanState.posted
    final = (plan.final_credits or 0) if posted else 0
    key = {"term_id": plan.term_id, "state": plan.state.value, "section_id": plan.section_id}
    key["section_id"] = key["section_id"] or NO_SECTION
    facts: list[Fact] = [
        (
            ReportPlanCount,
            key,
            {
                "plans": 1,
                "submitted": int(plan.submitted_at is not None),
                "approved": int(plan.credits_approved is not None),
                "credits_approved": plan.credits_approved or 0,
                "credits_posted": final,
            },
        )
    ]
    if posted:
        student = {"term_id": plan.term_id, "student_id": plan.student_id}
        facts.append((ReportTermStudent, student, {"credits": final}))
    facts += _duration(plan.term_id, DECISION, tenths(plan.submitted_at, plan.decided_at))
    if plan.sign_off is not None:
        if plan.sign_off.signed_at is None:
            db.session.flush()  # the time of signing is the database's
        length = tenths(plan.sent_for_signoff_at, plan.sign_off.signed_at)
        facts += _duration(plan.term_id, SIGNOFF, length)
    return facts


def _employer_facts(plan: CreditPlan) -> list[Fact]:
    """Each placement of the plan, and its verified hours, as its employer's in the term."""
    ids = [placement.id for placement in plan.placements]
    rows = db.session.execute(
        select(HourEntry.placement_id, func.sum(HourEntry.hours))
        .where(HourEntry.placement_id.in_(ids), HourEntry.status == HourStatus.verified)
        .group_by(HourEntry.placement_id)
    )
    verified: dict[int, Decimal] = {placement_id: hours for placement_id, hours in rows}
    return [
        (
            ReportTermEmployer,
            {"term_id": plan.term_id, "employer_id": placement.project.employer_id},
            {"placements": 1, "hours_verified": Decimal(verified.get(placement.id) or 0)},
        )
        for placement in plan.placements
    ]


def plan_added(plan: CreditPlan) -> None:
    """Count a new plan (a draft)."""
    _move([], _plan_facts(plan))


def plan_removed(plan: CreditPlan) -> None:
    """Stop counting a deleted plan (a draft, never approved)."""
    _move(_plan_facts(plan), [])


@contextmanager
def plan_changes(plan: CreditPlan) -> Iterator[None]:
    """Move the plan's counters by whatever the block changes in it.

    The placements of a plan whose approval is given or taken back start or
    stop counting for their employers (placements only change in plans not
    approved, so approval is the one switch).
    """
    approved = plan.credits_approved is not None
    before = _plan_facts(plan)
    yield
    after = _plan_facts(plan)
    if approved == (plan.credits_approved is not None):
        _move(before, after)
        return
    employers = _employer_facts(plan)
    ids = {key["employer_id"] for _, key, _ in employers}
    if approved:
        _move(before + employers, after, ids)
    else:
        _move(before, after + employers, ids)


def _first_terms(employer_ids: set[int]) -> None:
    """Set each employer's first term: the earliest with an approved placement, if any."""
    for employer_id in sorted(employer_ids):
        first = db.session.scalar(
            select(ReportTermEmployer.term_id)
            .join(Term, Term.id == ReportTermEmployer.term_id)
            .where(ReportTermEmployer.employer_id == employer_id, ReportTermEmployer.placements > 0)
            .order_by(Term.starts_on, Term.id)
            .limit(1)
        )
        start = ReportEmployerStart
        db.session.execute(delete(start).where(start.employer_id == employer_id))
        if first is not None:
            db.session.add(start(employer_id=employer_id, term_id=first))


# -- hours ---------------------------------------------------------------------------


def _hour_facts(entry: HourEntry, status: HourStatus | None = None) -> list[Fact]:
    """What an entry counts for: its day's hours, and its employer's if verified and approved."""
    placement = entry.placement
    plan = placement.plan
    verified = entry.hours if (status or entry.status) == HourStatus.verified else Decimal(0)
    day = {"term_id": plan.term_id, "work_date": entry.work_date}
    facts: list[Fact] = [
        (ReportTermDay, day, {"hours_logged": entry.hours, "hours_verified": verified})
    ]
    if verified and plan.credits_approved is not None:
        employer = {"term_id": plan.term_id, "employer_id": placement.project.employer_id}
        facts.append((ReportTermEmployer, employer, {"hours_verified": verified}))
    return facts


def hours_logged(entry: HourEntry) -> None:
    """Count a new entry."""
    _move([], _hour_facts(entry))


def hours_removed(entry: HourEntry) -> None:
    """Stop counting a deleted entry."""
    _move(_hour_facts(entry), [])


@contextmanager
def hours_changed(entry: HourEntry) -> Iterator[None]:
    """Move the entry's counters by whatever the block changes (date, hours, status)."""
    before = _hour_facts(entry)
    yield
    _move(before, _hour_facts(entry))


def hours_answered(entry: HourEntry, before: HourStatus, after: HourStatus) -> None:
    """Move the counters of an entry the supervisor verified or disputed (status ``before``)."""
    _move(_hour_facts(entry, before), _hour_facts(entry, after))


# -- supervisors' answers ----------------------------------------------------------


def _response_facts(link: SupervisorLink, answered_at: datetime | None) -> list[Fact]:
    """The answer's time, in its supervisor's histogram and in the whole term's."""
    term_id = link.placement.plan.term_id
    length = tenths(link.created_at, answered_at)
    return _duration(term_id, RESPONSE, length, link.recipient_email) + _duration(
        term_id, RESPONSE, length
    )


def answer_link(link: SupervisorLink, at: datetime) -> None:
    """Record that the supervisor answered through ``link`` at ``at``, and count its time."""
    before = _response_facts(link, link.answered_at)
    link.answered_at = at
    _move(before, _response_facts(link, at))


# -- rebuilding from the live rows -------------------------------------------------


def _tenths_sql(start: Any, end: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(whole seconds from ``start`` to ``end``, their ``bucket`` in tenths of an hour) in SQL."""
    seconds: ColumnElement[Any]
    if _dialect() == "sqlite":
        epoch = func.strftime("%s", end), func.strftime("%s", start)
        seconds = cast(epoch[0], Integer) - cast(epoch[1], Integer)
    else:
        ends, starts = func.extract("epoch", end), func.extract("epoch", start)
        seconds = cast(func.floor(ends), BigInteger) - cast(func.floor(starts), BigInteger)
    # Numbers written into the SQL, not bound: PostgreSQL groups by the same expression
    # only if it is the same text. Integer division on both databases (not negative).
    length = seconds // _number(360)
    buckets = [
        (length >= _number(start), length // _number(width) * _number(width))
        for start, width in STEPS[:-1]
    ]
    return seconds, case(*buckets, else_=length)


def _number(value: int) -> ColumnElement[int]:
    return literal_column(str(int(value)), Integer)


def _final_credits() -> ColumnElement[Any]:
    """A plan's credits that count: its last amendment's, else its sign-off's, else 0."""
    amended = (
        select(Amendment.credits_after)
        .where(Amendment.plan_id == CreditPlan.id)
        .order_by(Amendment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(amended, SignOff.credits_awarded, 0)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _plan_counts() -> Select[Any]:
    p = CreditPlan
    posted = case((p.state == PlanState.posted, _final_credits()), else_=0)
    section = func.coalesce(p.section_id, NO_SECTION)
    return (
        select(
            p.term_id,
            p.state,
            section,
            func.count(),
            _count_if(p.submitted_at.is_not(None)),
            _count_if(p.credits_approved.is_not(None)),
            func.coalesce(func.sum(p.credits_approved), 0),
            func.sum(posted),
        )
        .outerjoin(SignOff, SignOff.plan_id == p.id)
        .group_by(p.term_id, p.state, section)
    )


def _term_students() -> Select[Any]:
    p = CreditPlan
    return (
        select(p.term_id, p.student_id, func.sum(_final_credits()))
        .outerjoin(SignOff, SignOff.plan_id == p.id)
        .where(p.state == PlanState.posted)
        .group_by(p.term_id, p.student_id)
    )


def _terms() -> Select[Any]:
    student = ReportTermStudent
    return (
        select(student.term_id, func.count()).where(student.credits > 0).group_by(student.term_id)
    )


def _term_employers() -> Select[Any]:
    verified = (
        select(HourEntry.placement_id, func.sum(HourEntry.hours).label("hours"))
        .where(HourEntry.status == HourStatus.verified)
        .group_by(HourEntry.placement_id)
        .subquery()
    )
    return (
        select(
            CreditPlan.term_id,
            Project.employer_id,
            func.count(),
            func.coalesce(func.sum(verified.c.hours), 0),
        )
        .select_from(Placement)
        .join(CreditPlan, CreditPlan.id == Placement.plan_id)
        .join(Project, Project.id == Placement.project_id)
        .outerjoin(verified, verified.c.placement_id == Placement.id)
        .where(CreditPlan.credits_approved.is_not(None))
        .group_by(CreditPlan.term_id, Project.employer_id)
    )


def _employer_starts() -> Select[Any]:
    e, other, first = ReportTermEmployer, aliased(ReportTermEmployer), aliased(Term)
    earliest = (
        select(func.min(first.starts_on))
        .select_from(other)
        .join(first, first.id == other.term_id)
        .where(other.employer_id == e.employer_id, other.placements > 0)
        .scalar_subquery()
    )
    return (
        select(e.employer_id, func.min(Term.id))
        .join(Term, Term.id == e.term_id)
        .where(e.placements > 0, Term.starts_on == earliest)
        .group_by(e.employer_id)
    )


def _term_days() -> Select[Any]:
    h = HourEntry
    verified = case((h.status == HourStatus.verified, h.hours), else_=0)
    return (
        select(CreditPlan.term_id, h.work_date, func.sum(h.hours), func.sum(verified))
        .join(Placement, Placement.id == h.placement_id)
        .join(CreditPlan, CreditPlan.id == Placement.plan_id)
        .group_by(CreditPlan.term_id, h.work_date)
    )


def _durations() -> list[Select[Any]]:
    p, link = CreditPlan, SupervisorLink
    decision, decision_tenths = _tenths_sql(p.submitted_at, p.decided_at)
    signoff, signoff_tenths = _tenths_sql(p.sent_for_signoff_at, SignOff.signed_at)
    response, response_tenths = _tenths_sql(link.created_at, link.answered_at)
    return [
        select(p.term_id, literal(DECISION), literal(""), decision_tenths, func.count())
        .where(p.submitted_at.is_not(None), p.decided_at.is_not(None), decision >= 0)
        .group_by(p.term_id, decision_tenths),
        select(p.term_id, literal(SIGNOFF), literal(""), signoff_tenths, func.count())
        .join(SignOff, SignOff.plan_id == p.id)
        .where(p.sent_for_signoff_at.is_not(None), signoff >= 0)
        .group_by(p.term_id, signoff_tenths),
        *(
            select(p.term_id, literal(RESPONSE), who, response_tenths, func.count())
            .select_from(link)
            .join(Placement, Placement.id == link.placement_id)
            .join(p, p.id == Placement.plan_id)
            .where(link.answered_at.is_not(None), response >= 0)
            .group_by(p.term_id, *by, response_tenths)
            for who, by in ((link.recipient_email, [link.recipient_email]), (literal(""), []))
        ),
    ]


def _spreads() -> Select[Any]:
    d = ReportDuration
    return percentiles([d.term_id, d.measure, d.supervisor])


#: Each summary table, in the order rebuilt (first terms come from the employers' rows).
SUMMARIES: tuple[type[Model], ...] = (
    ReportPlanCount,
    ReportTermStudent,
    ReportTerm,
    ReportTermEmployer,
    ReportEmployerStart,
    ReportTermDay,
    ReportDuration,
    ReportSpread,
)


def rebuild() -> dict[str, int]:
    """Recompute every summary from the live rows; answer the rows written per table.

    The rows counted include this transaction's changes, so the moves it has
    pending are dropped: written at commit, they would count those changes twice.
    """
    db.session().info.pop(PENDING, None)
    queries: dict[type[Model], list[Select[Any]]] = {
        ReportPlanCount: [_plan_counts()],
        ReportTermStudent: [_term_students()],
        ReportTerm: [_terms()],
        ReportTermEmployer: [_term_employers()],
        ReportEmployerStart: [_employer_starts()],
        ReportTermDay: [_term_days()],
        ReportDuration: _durations(),
        ReportSpread: [_spreads()],
    }
    written = {}
    for model in SUMMARIES:
        table: Any = model.__table__
        db.session.execute(delete(table))
        count = 0
        for query in queries[model]:
            columns = [column.name for column in table.columns]
            result: Any = db.session.execute(table.insert().from_select(columns, query))
            count += result.rowcount
        written[table.name] = count
    return written


def fill_sent_for_signoff() -> int:
    """Set ``sent_for_signoff_at`` where it is missing from the last ``plan.complete`` event.

    For plans written without the workflow (a bulk load); answers how many were set.
    """
    sent = (
        select(func.max(AuditEvent.created_at))
        .where(
            AuditEvent.object_type == "credit_plan",
            AuditEvent.object_id == cast(CreditPlan.id, String),
            AuditEvent.action == "plan.complete",
        )
        .scalar_subquery()
    )
    result: Any = db.session.execute(
        update(CreditPlan)
        .where(CreditPlan.sent_for_signoff_at.is_(None), CreditPlan.state.in_(SENT_STATES))
        .values(sent_for_signoff_at=sent)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def summary_rows() -> dict[str, set[tuple[Any, ...]]]:
    """Every summary table's rows that count something (a drift check compares these)."""
    rows = {}
    for model in SUMMARIES:
        table: Any = model.__table__
        keys = sum(1 for column in table.columns if column.primary_key)
        found = set()
        for row in db.session.execute(select(table)):
            if model is ReportEmployerStart or any(row[keys:]):
                found.add(tuple(v.normalize() if isinstance(v, Decimal) else v for v in row))
        rows[table.name] = found
    return rows
