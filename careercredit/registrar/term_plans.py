"""A term's plans for the registrar: counts by state, the roster's rows, the CSV file.

The roster lists what the next grade export carries (``roster_page``); a
registrar also needs to see what is still on its way — plans in progress,
waiting for sign-off, withdrawn — to chase them before the grading deadline
(``plans_page``), ordered by the plan's place in its life (``STATE_ORDER``),
then by student name.

A page costs the same few statements whatever the term's size: the counts by
state come from the ``(term_id, state, …)`` index and give both lists their
totals (no count of the list), and a page's rows are one select of the
columns shown — grade and credits that count, sponsor, sign-off, the SIS's
latest refusal — for the page's ids, found first in the list's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from careercredit import clock
from careercredit.csvexport import in_batches
from careercredit.extensions import db
from careercredit.models import (
    Amendment,
    CreditPlan,
    GradeExport,
    PlanState,
    SignOff,
    Term,
    User,
)
from careercredit.models.records import SisRejection
from careercredit.registrar.services import TermCounts

#: The states in the order a plan lives through them; the end states last.
STATE_ORDER: tuple[PlanState, ...] = (
    PlanState.draft,
    PlanState.submitted,
    PlanState.changes_requested,
    PlanState.approved,
    PlanState.in_progress,
    PlanState.awaiting_signoff,
    PlanState.signed_off,
    PlanState.posted,
    PlanState.rejected,
    PlanState.withdrawn,
)


@dataclass(frozen=True)
class TermSummary:
    """How many plans of a term are in each state, and what waits for the next export."""

    #: Every state, in ``STATE_ORDER``.
    states: dict[PlanState, int]
    #: Signed off, to post; posted with amendments no export has carried yet.
    waiting: TermCounts
    #: The posted plans whose amendments no export has carried yet.
    amended: tuple[int, ...] = ()


def summary(term: Term) -> TermSummary:
    """The plans of ``term`` counted by state, and those waiting for the export.

    Two statements that read indexes only: the counts, and the few posted
    plans with amendments to export.
    """
    rows = db.session.execute(
        select(CreditPlan.state, func.count())
        .where(CreditPlan.term_id == term.id)
        .group_by(CreditPlan.state)
    )
    states = dict.fromkeys(STATE_ORDER, 0)
    states.update({state: count for state, count in rows})
    amended = tuple(
        db.session.scalars(
            select(Amendment.plan_id)
            .join(CreditPlan, CreditPlan.id == Amendment.plan_id)
            .where(
                CreditPlan.term_id == term.id,
                CreditPlan.state == PlanState.posted,
                Amendment.exported_in_id.is_(None),
            )
            .distinct()
            .order_by(Amendment.plan_id)
        )
    )
    return TermSummary(states, TermCounts(states[PlanState.signed_off], len(amended)), amended)


class RowPagination(Pagination):
    """A page of rows: the page's ids found in ``ids``' order, then ``rows(ids)`` read.

    The total is known beforehand (``total``, from the counts by state).
    """

    def _query_items(self) -> list[Any]:
        if self._query_offset >= self._query_args["total"]:
            return []  # past the end: nothing to read
        ids: Select[Any] = self._query_args["ids"]
        rows: Callable[[Select[Any]], Select[Any]] = self._query_args["rows"]
        page = ids.limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(rows(page)))

    def _query_count(self) -> int:
        total: int = self._query_args["total"]
        return total


_sponsor = aliased(User, name="sponsor")
_last = aliased(Amendment, name="last_amendment")
_rejection = aliased(SisRejection, name="rejection")


def rows_of(ids: Select[Any], *order: Any) -> Select[Any]:
    """What a row of a term's lists shows, for the plans ``ids`` selects, in ``order``.

    One statement whatever is shown: the grade and credits that count are
    the last amendment's, else the sign-off's (as ``CreditPlan.final_grade``
    says); the SIS's refusal shown is its latest.
    """
    page = ids.subquery("page")
    last_amendment = (
        select(func.max(Amendment.id)).where(Amendment.plan_id == CreditPlan.id).scalar_subquery()
    )
    latest_rejection = (
        select(func.max(SisRejection.id))
        .where(SisRejection.plan_id == CreditPlan.id)
        .scalar_subquery()
    )
    amended = _last.id.is_not(None)
    return (
        select(
            CreditPlan.id,
            CreditPlan.student_id,
            CreditPlan.state,
            CreditPlan.credits_requested,
            CreditPlan.credits_approved,
            CreditPlan.updated_at,
            User.student_number,
            User.display_name.label("student_name"),
            _sponsor.display_name.label("sponsor_name"),
            SignOff.signed_at,
            case((amended, _last.grade_after), else_=SignOff.grade).label("final_grade"),
            case((amended, _last.credits_after), else_=SignOff.credits_awarded).label(
                "final_credits"
            ),
            GradeExport.filename.label("rejected_in"),
            _rejection.reason.label("rejected_because"),
        )
        .select_from(page)
        .join(CreditPlan, CreditPlan.id == page.c.id)
        .join(User, User.id == CreditPlan.student_id)
        .outerjoin(_sponsor, _sponsor.id == CreditPlan.sponsor_id)
        .outerjoin(SignOff, SignOff.plan_id == CreditPlan.id)
        .outerjoin(_last, _last.id == last_amendment)
        .outerjoin(_rejection, _rejection.id == latest_rejection)
        .outerjoin(GradeExport, GradeExport.id == _rejection.export_id)
        .order_by(*order)
    )


def paged_rows(
    where: ColumnElement[bool], order: Sequence[Any], total: int, *, page: int, per_page: int
) -> Pagination:
    """Page ``page`` of the plans ``where`` selects in ``order`` (of plan and student columns),
    as rows (``rows_of``)."""
    ids = (
        select(CreditPlan.id)
        .join(User, User.id == CreditPlan.student_id)
        .where(where)
        .order_by(*order)
    )
    return RowPagination(
        page=max(page, 1), per_page=per_page, max_per_page=per_page, error_out=False,
        ids=ids, rows=lambda page_ids: rows_of(page_ids, *order), total=total,
    )  # fmt: skip


def _in_term(term: Term, state: PlanState | None) -> tuple[ColumnElement[bool], list[Any]]:
    """Which plans of ``term`` (in ``state``, if given) and their order: by state, then name."""
    in_order = case({s: n for n, s in enumerate(STATE_ORDER)}, value=CreditPlan.state)
    where = CreditPlan.term_id == term.id
    if state is not None:
        where = and_(where, CreditPlan.state == state)
    return where, [in_order, User.display_name, CreditPlan.id]


def _ids(term: Term, state: PlanState | None) -> Select[Any]:
    where, order = _in_term(term, state)
    return (
        select(CreditPlan.id)
        .join(User, User.id == CreditPlan.student_id)
        .where(where)
        .order_by(*order)
    )


def _load() -> Select[Any]:
    return select(CreditPlan).options(
        joinedload(CreditPlan.student).lazyload(User.role_rows),
        joinedload(CreditPlan.sponsor).lazyload(User.role_rows),
        joinedload(CreditPlan.sign_off),
        selectinload(CreditPlan.amendments),  # the grade that counts is the last amendment's
    )


def plans_page(
    term: Term, state: PlanState | None, counts: TermSummary, *, page: int, per_page: int
) -> Pagination:
    """One page of the plans of ``term`` (in ``state``, if given), by state then name."""
    total = counts.states[state] if state is not None else sum(counts.states.values())
    where, order = _in_term(term, state)
    return paged_rows(where, order, total, page=page, per_page=per_page)


def roster_page(term: Term, counts: TermSummary, *, page: int, per_page: int) -> Pagination:
    """One page of ``term``'s roster (``services.roster_query``'s plans and order), as rows.

    The amended plans (``counts.amended``, a few) are named by id, so the
    database sees a plain "signed off, or one of these" and estimates the
    roster's size well (PostgreSQL otherwise joins every person to sort a
    roster by name).
    """
    on_roster = and_(
        CreditPlan.term_id == term.id,
        or_(CreditPlan.state == PlanState.signed_off, CreditPlan.id.in_(counts.amended)),
    )
    to_post_first = case((CreditPlan.state == PlanState.signed_off, 0), else_=1)
    order = [to_post_first, User.display_name, CreditPlan.id]
    total = counts.waiting.to_post + counts.waiting.amended
    return paged_rows(on_roster, order, total, page=page, per_page=per_page)


CSV_HEADER = (
    "plan_id",
    "state",
    "student",
    "username",
    "student_number",
    "credits_requested",
    "credits_approved",
    "grade",
    "credits",
    "sponsor",
    "last_change",
)


def csv_rows(term: Term, state: PlanState | None) -> Iterator[Sequence[object]]:
    """The plans of ``term`` (in ``state``, if given) as CSV rows, read in batches."""
    for plan in in_batches(_ids(term, state), _load()):
        yield (
            plan.id,
            plan.state.label,
            plan.student.display_name,
            plan.student.uid,
            plan.student.student_number or "",
            plan.credits_requested,
            "" if plan.credits_approved is None else plan.credits_approved,
            plan.final_grade or "",
            "" if plan.final_credits is None else plan.final_credits,
            plan.sponsor.display_name if plan.sponsor else "",
            clock.date_text(plan.updated_at),
        )
