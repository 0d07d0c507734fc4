"""The advisors' queue: submitted plans found, sorted and decided several at a time.

An advisor with three hundred plans waiting searches by student (name,
username or student number), narrows to the plans assigned to them, sorts by
how long each has waited, and decides a selection at once. A page costs the
same few queries whatever its size: hours logged are summed in SQL for the
page's plans, never loaded entry by entry.

Deciding several plans is the workflow's decision done once per plan
(``workflow.perform``), each in its own transaction with its own audit
event: a plan changed by someone since the advisor confirmed (its version),
or refused by the rules or by separation of duties, is rolled back and
listed with the reason, and the others go through.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from careercredit import clock
from careercredit.csvexport import batches, in_batches
from careercredit.extensions import db
from careercredit.ids import MAX_ID
from careercredit.links import row_url
from careercredit.models import CreditPlan, Employer, Placement, PlanState, Project, Term, User
from careercredit.models.hours import HourEntry, hours_text
from careercredit.pagination import PAGE_IDS, paginate_ids
from careercredit.plans.services import PlanFilters, apply_filters
from careercredit.plans.workflow import DECISIONS, TRANSITIONS, Action, decision_note, perform
from careercredit.refusals import Refused, unit_of_work

#: The longest search text taken from a query string.
MAX_SEARCH = 100
#: Plans decided at once, at most (the confirmation page lists them all).
MAX_BULK = 100


class Sort(enum.StrEnum):
    """The queue's order by time waiting."""

    oldest = "oldest"
    newest = "newest"


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to: the plan filters, a student, the advisor's own plans."""

    plans: PlanFilters = field(default_factory=PlanFilters)
    #: Part of a student's name or username, or their student number.
    student: str = ""
    #: Only the plans assigned to ``advisor_id``.
    mine: bool = False
    advisor_id: int | None = None
    sort: Sort = Sort.oldest

    @property
    def narrowed(self) -> bool:
        """Whether any filter is set (the empty queue then says how to widen it)."""
        p = self.plans
        return bool(self.student or self.mine or p.term_id or p.sponsor or p.employer)


def queue_ids(filters: QueueFilters) -> Select[Any]:
    """Ids of the submitted plans matching ``filters``, in the order asked for."""
    ids = select(CreditPlan.id).where(CreditPlan.state == PlanState.submitted)
    ids = apply_filters(ids, filters.plans)
    text = " ".join(filters.student.split())[:MAX_SEARCH]
    if text:
        # The people are found once: the page and its count get their ids.
        ids = ids.where(User.id_found_by(CreditPlan.student_id, text))
    if filters.mine:
        ids = ids.where(CreditPlan.assigned_advisor_id == filters.advisor_id)
    return ids.order_by(*_order(filters.sort))


def _order(sort: Sort) -> list[Any]:
    if sort == Sort.newest:
        return [CreditPlan.submitted_at.desc(), CreditPlan.id.desc()]
    return [CreditPlan.submitted_at, CreditPlan.id]


def _load() -> Select[Any]:
    """The plans with what a queue row shows, in a fixed number of queries."""
    return select(CreditPlan).options(
        # Names only: the people's roles are not needed (the selectin load would query them).
        joinedload(CreditPlan.student).lazyload(User.role_rows),
        joinedload(CreditPlan.sponsor).lazyload(User.role_rows),
        joinedload(CreditPlan.assigned_advisor).lazyload(User.role_rows),
        joinedload(CreditPlan.term),
        selectinload(CreditPlan.placements)
        .joinedload(Placement.project)
        .joinedload(Project.employer),
    )


# -- the page: rows of the columns shown ---------------------------------------------

_sponsor = aliased(User, name="sponsor")
_advisor = aliased(User, name="advisor")


@cache
def _rows() -> Select[Any]:
    """What a queue row shows, for the plans of a page (``PAGE_IDS``): built once.

    The hours logged (every entry, whatever its state) are summed in SQL.
    """
    logged = (
        select(func.coalesce(func.sum(HourEntry.hours), 0))
        .join(Placement, Placement.id == HourEntry.placement_id)
        .where(Placement.plan_id == CreditPlan.id)
        .scalar_subquery()
    )
    return (
        select(
            CreditPlan.id,
            CreditPlan.state,
            CreditPlan.student_id,
            CreditPlan.sponsor_id,
            CreditPlan.credits_requested,
            CreditPlan.submitted_at,
            User.display_name.label("student_name"),
            User.uid,
            User.student_number,
            Term.code.label("term_code"),
            (CreditPlan.credits_requested * Term.hours_per_credit).label("hours_needed"),
            _sponsor.display_name.label("sponsor_name"),
            _advisor.display_name.label("advisor_name"),
            logged.label("hours_logged"),
        )
        .join(User, User.id == CreditPlan.student_id)
        .join(Term, Term.id == CreditPlan.term_id)
        .outerjoin(_sponsor, _sponsor.id == CreditPlan.sponsor_id)
        .outerjoin(_advisor, _advisor.id == CreditPlan.assigned_advisor_id)
        .where(CreditPlan.id.in_(PAGE_IDS))
    )


def queue_page(filters: QueueFilters, *, page: int, per_page: int) -> Pagination:
    """One page of the queue matching ``filters``, as rows of what the page shows."""
    return paginate_ids(queue_ids(filters), rows=_rows(), page=page, per_page=per_page)


@dataclass(frozen=True)
class ProjectShown:
    """A project of a plan as the queue shows it."""

    title: str
    employer: str


def projects_of(plan_ids: Collection[int]) -> dict[int, list[ProjectShown]]:
    """The projects of each plan (in the order they were added), with their employers' names."""
    found: dict[int, list[ProjectShown]] = {plan_id: [] for plan_id in plan_ids}
    if not found:
        return found
    for plan_id, title, employer in db.session.execute(_projects(), {"page_ids": list(found)}):
        found[plan_id].append(ProjectShown(title, employer))
    return found


@cache
def _projects() -> Select[tuple[int, str, str]]:
    return (
        select(Placement.plan_id, Project.title, Employer.name)
        .join(Project, Project.id == Placement.project_id)
        .join(Employer, Employer.id == Project.employer_id)
        .where(Placement.plan_id.in_(PAGE_IDS))
        .order_by(Placement.plan_id, Placement.id)
    )


def decision_notes(rows: Iterable[Any], user: User) -> dict[int, str | None]:
    """Why ``user`` is not offered the decision on each row's plan (``decision_note``)."""
    # A row has what the rule reads of a plan: its state, student and sponsor.
    return {row.id: decision_note(cast(CreditPlan, row), user) for row in rows}


@dataclass(frozen=True)
class QueueLine:
    """One plan as the queue page shows it: every cell worked out here, none in the template."""

    id: int
    href: str
    student_name: str
    #: The student's username, and their student number when they have one.
    who: str
    #: Why the advisor may not decide this plan (then it cannot be selected), else None.
    note: str | None
    term_code: str
    projects: list[ProjectShown]
    credits: int
    #: Hours logged of those needed: ``12.5 / 40``.
    hours: str
    sponsor: str
    advisor: str
    days: int
    #: The date it was (last) submitted, or a dash.
    since: str


def queue_lines(rows: Sequence[Any], user: User) -> list[QueueLine]:
    """The queue page's ``rows`` as lines, ``user`` being the advisor who reads them."""
    notes = decision_notes(rows, user)
    projects = projects_of([row.id for row in rows])
    plan_href = row_url("plans.show", "plan_id")
    zone, today = clock.zone(), clock.today()
    return [
        QueueLine(
            id=row.id,
            href=plan_href(row.id),
            student_name=row.student_name,
            who=f"{row.uid}, {row.student_number}" if row.student_number else row.uid,
            note=notes[row.id],
            term_code=row.term_code,
            projects=projects[row.id],
            credits=row.credits_requested,
            hours=f"{hours_text(row.hours_logged)} / {row.hours_needed}",
            sponsor=row.sponsor_name if row.sponsor_name is not None else "—",
            advisor=row.advisor_name if row.advisor_name is not None else "—",
            days=days_waiting(row, today, zone),
            since=clock.date_text(row.submitted_at, in_zone=zone) or "—",
        )
        for row in rows
    ]


def hours_logged(plan_ids: Collection[int]) -> dict[int, Decimal]:
    """Hours the student logged on each plan (every entry, whatever its state), summed in SQL."""
    if not plan_ids:
        return {}
    sums = db.session.execute(
        select(Placement.plan_id, func.sum(HourEntry.hours))
        .join(HourEntry, HourEntry.placement_id == Placement.id)
        .where(Placement.plan_id.in_(plan_ids))
        .group_by(Placement.plan_id)
    )
    found = {plan_id: Decimal(total) for plan_id, total in sums}
    return {plan_id: found.get(plan_id, Decimal(0)) for plan_id in plan_ids}


class Submitted(Protocol):
    """A plan, or a queue row: what ``days_waiting`` reads."""

    @property
    def submitted_at(self) -> datetime | None: ...


def days_waiting(plan: Submitted, today: date | None = None, zone: ZoneInfo | None = None) -> int:
    """Whole days since the plan was (last) submitted, on the institution's calendar.

    A list passes ``today`` and the institution's ``zone``, read once for all its plans.
    """
    if plan.submitted_at is None:
        return 0
    submitted = clock.local(plan.submitted_at, zone).date()
    return max(0, ((today or clock.today()) - submitted).days)


# -- the file ---------------------------------------------------------------------

CSV_HEADER = (
    "plan_id",
    "student",
    "username",
    "student_number",
    "term",
    "projects",
    "credits_requested",
    "hours_logged",
    "hours_needed",
    "sponsor",
    "assigned_advisor",
    "submitted",
    "days_waiting",
)


def csv_rows(filters: QueueFilters) -> Iterator[Sequence[object]]:
    """The queue matching ``filters`` as CSV rows, read in batches."""
    zone, today = clock.zone(), clock.today()
    for batch in batches(queue_ids(filters), _load()):
        logged = hours_logged([plan.id for plan in batch])
        for plan in batch:
            yield (
                plan.id,
                plan.student.display_name,
                plan.student.uid,
                plan.student.student_number or "",
                plan.term.code,
                "; ".join(p.project.title for p in plan.placements),
                plan.credits_requested,
                hours_text(logged[plan.id]),
                plan.term.required_hours(plan.credits_requested),
                plan.sponsor.display_name if plan.sponsor else "",
                plan.assigned_advisor.display_name if plan.assigned_advisor else "",
                clock.date_text(plan.submitted_at, in_zone=zone),
                days_waiting(plan, today, zone),
            )


LIST_HEADER = (
    "plan_id",
    "student",
    "username",
    "student_number",
    "term",
    "projects",
    "credits_requested",
    "credits_approved",
    "state",
    "sponsor",
    "submitted",
    "last_change",
)


def list_rows(ids: Select[Any]) -> Iterator[Sequence[object]]:
    """The plans ``ids`` selects as CSV rows (``LIST_HEADER``), read in batches."""
    zone = clock.zone()
    for plan in in_batches(ids, _load()):
        yield (
            plan.id,
            plan.student.display_name,
            plan.student.uid,
            plan.student.student_number or "",
            plan.term.code,
            "; ".join(p.project.title for p in plan.placements),
            plan.credits_requested,
            "" if plan.credits_approved is None else plan.credits_approved,
            plan.state.label,
            plan.sponsor.display_name if plan.sponsor else "",
            clock.date_text(plan.submitted_at, in_zone=zone),
            clock.date_text(plan.updated_at, in_zone=zone),
        )


# -- deciding several plans -----------------------------------------------------------

#: What the bulk form offers, in words: the advisors' three decisions.
DECISION_WORDS = {
    Action.approve: "Approve",
    Action.request_changes: "Send back for changes",
    Action.reject: "Reject",
}


def decision_named(name: str | None) -> Action | None:
    """The advisors' decision called ``name``, or None."""
    action = Action.__members__.get(name or "")
    return action if action in DECISIONS else None


def chosen(plan_ids: Iterable[int]) -> dict[int, CreditPlan] | None:
    """The plans of ``plan_ids`` by id, with what the pages show; None if any is missing.

    Advisors see every plan, so a missing id is one that does not exist.
    """
    ids = set(plan_ids)
    if not ids or len(ids) > MAX_BULK or any(not 0 < i <= MAX_ID for i in ids):
        return None
    plans = db.session.scalars(_load().where(CreditPlan.id.in_(ids))).unique().all()
    found = {plan.id: plan for plan in plans}
    return found if found.keys() == ids else None


@dataclass
class Decided:
    """One plan of a bulk decision: what the advisor saw, and why it is refused, if it is."""

    plan: CreditPlan
    problems: list[str] = field(default_factory=list)
    #: The HTTP status of its refusal, when refused.
    status: int = 422


def refusal_of(plan: CreditPlan, action: Action, by: User, comment: str) -> list[str]:
    """Why ``perform`` would refuse ``action`` on ``plan`` by ``by`` now, or nothing.

    The same checks in the same order (state, role, separation of duties, the
    rules), asked before the advisor confirms; ``perform`` asks them again.
    """
    transition = TRANSITIONS[action]
    if plan.state not in transition.sources:
        return [f"This plan is {plan.state.label.lower()}; it cannot be {transition.verb} now."]
    if not transition.allowed(plan, by):
        return [f"You may not do this: the plan cannot be {transition.verb} by you."]
    conflict = transition.conflict_for(plan, by)
    if conflict is not None:
        return conflict.messages
    return [p for rule in transition.rules for p in rule(plan, comment=comment)]


def propose(
    plans: Iterable[CreditPlan], action: Action, comment: str, *, by: User
) -> list[Decided]:
    """What deciding each plan would do: go through, or be refused and why."""
    return [Decided(plan, refusal_of(plan, action, by, comment)) for plan in plans]


@dataclass
class BulkOutcome:
    """What deciding several plans did."""

    done: list[Decided] = field(default_factory=list)
    refused: list[Decided] = field(default_factory=list)

    @property
    def status(self) -> int:
        """200 if any plan was decided; else the refusals' status (422 if they differ)."""
        statuses = {item.status for item in self.refused}
        if self.done or not statuses:
            return 200
        return statuses.pop() if len(statuses) == 1 else 422


def decide_each(
    rows: Iterable[tuple[CreditPlan, int]], action: Action, comment: str, *, by: User
) -> BulkOutcome:
    """Take ``action`` on each (plan, version the advisor confirmed), one transaction each.

    Approval grants the credits each plan requested. A refused plan (changed
    meanwhile, the advisor's own, or against the rules) is rolled back and
    listed with the reason; the others are committed.
    """
    outcome = BulkOutcome()
    for plan, version in rows:
        try:
            with unit_of_work():
                perform(plan, action, by=by, version=version, comment=comment)
        except Refused as refused:
            outcome.refused.append(Decided(plan, refused.messages, refused.status))
        else:
            outcome.done.append(Decided(plan))
    return outcome
