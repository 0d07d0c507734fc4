"""Every plan of a term, grouped by state: the counts, one page of a group, the CSV file.

The roster (``services.roster_page``) lists what the next grade export
carries; a registrar also needs to see what is still on its way — plans in
progress, waiting for sign-off, withdrawn — to chase them before the grading
deadline. Counts come from one grouped query; the list is ordered by the
plan's place in its life (``STATE_ORDER``), then by student name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from careercredit import clock
from careercredit.csvexport import in_batches
from careercredit.extensions import db
from careercredit.models import Amendment, CreditPlan, PlanState, Term, User
from careercredit.pagination import paginate_ids
from careercredit.registrar.services import TermCounts
from careercredit.sql import aware

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


def summary(term: Term) -> TermSummary:
    """The plans of ``term`` counted by state, and those waiting for the export, in one query."""
    pending = CreditPlan.amendments.any(Amendment.exported_in_id.is_(None))
    amended = case((and_(CreditPlan.state == PlanState.posted, pending), 1), else_=0)
    rows = db.session.execute(
        select(CreditPlan.state, func.count(), func.sum(amended))
        .where(CreditPlan.term_id == term.id)
        .group_by(CreditPlan.state)
    )
    states = dict.fromkeys(STATE_ORDER, 0)
    waiting_amended = 0
    for state, count, with_amendments in rows:
        states[state] = count
        waiting_amended += with_amendments or 0
    return TermSummary(states, TermCounts(states[PlanState.signed_off], waiting_amended))


def _ids(term: Term, state: PlanState | None) -> Select[Any]:
    in_order = case({s: n for n, s in enumerate(STATE_ORDER)}, value=CreditPlan.state)
    ids = (
        select(CreditPlan.id)
        .join(User, User.id == CreditPlan.student_id)
        .where(CreditPlan.term_id == term.id)
        .order_by(in_order, User.display_name, CreditPlan.id)
    )
    return ids if state is None else ids.where(CreditPlan.state == state)


def _load() -> Select[Any]:
    return select(CreditPlan).options(
        joinedload(CreditPlan.student).lazyload(User.role_rows),
        joinedload(CreditPlan.sponsor).lazyload(User.role_rows),
        joinedload(CreditPlan.sign_off),
        selectinload(CreditPlan.amendments),  # the grade that counts is the last amendment's
    )


def plans_page(term: Term, state: PlanState | None, *, page: int, per_page: int) -> Pagination:
    """One page of the plans of ``term`` (in ``state``, if given), by state then name."""
    counted = select(CreditPlan.id).where(CreditPlan.term_id == term.id)
    if state is not None:
        counted = counted.where(CreditPlan.state == state)
    return paginate_ids(_ids(term, state), _load(), page=page, per_page=per_page, counted=counted)


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
            clock.local(aware(plan.updated_at)).date().isoformat(),
        )
