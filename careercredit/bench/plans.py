"""Credit plans of the synthetic university: every state, skewed students and sponsors.

Plans are made in memory (a full-scale university has 120,000: small enough),
dated by their term and state, and numbered in the order they were created.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from careercredit.bench.campus import Campus
from careercredit.bench.shape import (
    CURRENT_SHARE,
    STATE_MIX,
    UPCOMING_SHARE,
    BenchTerm,
    Skewed,
    moment,
    spread,
)
from careercredit.models import PlanState

#: States whose plans have all their hours in, and those that have hours logged.
COMPLETED = frozenset({PlanState.awaiting_signoff, PlanState.signed_off, PlanState.posted})
#: States whose plans carry the sponsor's sign-off.
SIGNED = frozenset({PlanState.signed_off, PlanState.posted})
WORKING = frozenset({PlanState.in_progress, PlanState.withdrawn, *COMPLETED})
DECIDED = frozenset(
    {
        PlanState.approved,
        PlanState.rejected,
        PlanState.changes_requested,
        PlanState.in_progress,
        *COMPLETED,
    }
)
#: States an advisor's approval leads to (or through).
APPROVED = DECIDED - {PlanState.rejected, PlanState.changes_requested}
#: Plans waiting for the busiest sponsor's sign-off: more than a page of the queue.
SIGN_OFF_QUEUE = 30
#: Plans on the last term's roster (signed off, not posted): more than a page.
ROSTER = 30
#: Placements per plan (1 to 4) and their weights: about 2.08 a plan on average.
PLACEMENT_COUNTS = ((1, 34), (2, 32), (3, 26), (4, 8))


@dataclass(slots=True)
class Plan:
    """One credit plan and what hangs off it."""

    student_id: int
    term: int
    state: PlanState
    credits: int
    id: int = 0
    sponsor_id: int | None = None
    approved: int | None = None
    advisor_id: int | None = None
    created_at: datetime | None = None
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    updated_at: datetime | None = None
    projects: list[int] = field(default_factory=list)
    placement_ids: list[int] = field(default_factory=list)
    #: Verified hours of the plan, summed while its entries are written.
    verified_hours: float = 0.0
    #: Hour entries of each placement (decided before the entries are written).
    entry_counts: list[int] = field(default_factory=list)
    first_entry_id: int = 0

    @property
    def created(self) -> datetime:
        """When the plan was created (``make_plans`` dates every plan it makes)."""
        assert self.created_at is not None
        return self.created_at

    @property
    def updated(self) -> datetime:
        """When the plan last changed (``make_plans`` dates every plan it makes)."""
        assert self.updated_at is not None
        return self.updated_at


def plans_per_term(campus: Campus) -> list[int]:
    """How many plans each term has: the two newest a fixed share, the past growing."""
    total = campus.sizes["plans"]
    upcoming, current = round(total * UPCOMING_SHARE), round(total * CURRENT_SHARE)
    past_weights = [1 + 0.1 * t.index for t in campus.terms if t.kind in {"past", "last"}]
    return [*spread(total - upcoming - current, past_weights), current, upcoming]


def make_plans(campus: Campus) -> list[Plan]:
    """Every plan, numbered by creation time; the busiest student's first plan is the big one."""
    rng = campus.rng
    students = Skewed(campus.students, rng, head=0.025)
    sponsors = Skewed(campus.faculty, rng, head=0.02)
    advisors = Skewed(campus.advisors, rng, head=0.1)
    plans: list[Plan] = []
    states = _states_by_term(campus)
    for term, count in zip(campus.terms, plans_per_term(campus), strict=True):
        for state, student in zip(states[term.index], students.picks(count), strict=True):
            plan = Plan(student, term.index, state, credits=rng.choice((1, 1, 2, 2, 3)))
            _fill(plan, campus, term, sponsors, advisors)
            plans.append(plan)
    _make_big_plan(plans, campus)
    _fill_sign_off_queue(plans)
    _fill_roster(plans, campus)
    plans.sort(key=lambda p: p.created)
    for number, plan in enumerate(plans, 1):
        plan.id = number
    return plans


def _states_by_term(campus: Campus) -> list[list[PlanState]]:
    """The states of each term's plans: each kind of term's mix, spread over its terms.

    Mixing over all terms of a kind first keeps rare states present at small scales.
    """
    counts = plans_per_term(campus)
    states: list[list[PlanState]] = [[] for _ in campus.terms]
    for kind, mix in STATE_MIX.items():
        terms = [t.index for t in campus.terms if t.kind == kind]
        total = sum(counts[i] for i in terms)
        pool = [s for s, n in zip(mix, spread(total, list(mix.values())), strict=True)
                for _ in range(n)]  # fmt: skip
        campus.rng.shuffle(pool)
        for i in terms:
            states[i], pool = pool[: counts[i]], pool[counts[i] :]
    return states


def _fill(plan: Plan, campus: Campus, term: BenchTerm, sponsors: Skewed, advisors: Skewed) -> None:
    rng, state = campus.rng, plan.state
    plan.sponsor_id = None if state == PlanState.draft and rng.random() < 0.5 else sponsors.pick()
    if state in DECIDED:
        plan.advisor_id = advisors.pick()
    if state in APPROVED:
        plan.approved = plan.credits if rng.random() < 0.9 else max(1, plan.credits - 1)
    _date(plan, campus, term)
    pool = campus.projects_by_term[term.index]
    weights = [w for _, w in PLACEMENT_COUNTS]
    wanted = rng.choices([n for n, _ in PLACEMENT_COUNTS], weights=weights)[0]
    if state == PlanState.draft:
        wanted = rng.randrange(0, 3)
    plan.projects = rng.sample(pool, min(wanted, len(pool)))


def _date(plan: Plan, campus: Campus, term: BenchTerm) -> None:
    """Creation, submission, decision and last change, as the state implies."""
    rng, now = campus.rng, campus.now
    latest = now - timedelta(minutes=5)
    if term.kind == "upcoming":
        created = now - timedelta(days=rng.uniform(2, 70))
    else:
        created = moment(term.starts_on - timedelta(days=rng.randrange(20, 70)), rng)
    submitted = created + timedelta(days=rng.uniform(0.2, 10))
    decided = submitted + timedelta(days=rng.uniform(0.5, 12))
    end = min(moment(term.ends_on, rng), latest)
    plan.created_at = min(created, latest)
    if plan.state != PlanState.draft and not (
        plan.state == PlanState.withdrawn and rng.random() < 0.3
    ):
        plan.submitted_at = min(submitted, latest)
    if plan.state in DECIDED:
        plan.decided_at = min(decided, latest)
    updated = {
        PlanState.draft: created + timedelta(days=rng.uniform(0, 5)),
        PlanState.submitted: submitted,
        PlanState.in_progress: now - timedelta(days=rng.uniform(0, 20)),
        PlanState.awaiting_signoff: end - timedelta(days=rng.uniform(0, 20)),
        PlanState.signed_off: end + timedelta(days=rng.uniform(1, 9)),
        PlanState.posted: moment(term.grading_deadline, rng) + timedelta(days=rng.uniform(1, 30)),
        PlanState.withdrawn: created + (end - created) * rng.random(),
    }.get(plan.state, decided)
    plan.updated_at = max(min(updated, latest), plan.created_at)


def _make_big_plan(plans: list[Plan], campus: Campus) -> None:
    """Make a plan of the student with the most plans an in-progress one of the current term.

    The benchmark shows its page with 200 hour entries (two placements of 100).
    The busiest student is the one with the most plans, the lowest id among equals.
    """
    counts = Counter(p.student_id for p in plans)
    busiest = min(counts, key=lambda student: (-counts[student], student))
    current = next(t for t in campus.terms if t.kind == "current")
    plan = next(p for p in plans if p.student_id == busiest)
    plan.term, plan.state = current.index, PlanState.in_progress
    plan.credits = plan.approved = 3
    plan.advisor_id = plan.advisor_id or campus.advisors[0]
    plan.sponsor_id = plan.sponsor_id or campus.faculty[0]
    _date(plan, campus, current)
    plan.projects = campus.rng.sample(campus.projects_by_term[current.index], 2)
    plan.entry_counts = [100, 100]


def _fill_sign_off_queue(plans: list[Plan]) -> None:
    """Give the sponsor with the most plans a sign-off queue of ``SIGN_OFF_QUEUE`` plans.

    Their queue page is then full at every scale, so the benchmark compares
    like with like.
    """
    counts = Counter(p.sponsor_id for p in plans if p.sponsor_id)
    busiest = min(counts, key=lambda sponsor: (-counts[sponsor], sponsor))
    waiting = [p for p in plans if p.state == PlanState.awaiting_signoff]
    missing = SIGN_OFF_QUEUE - sum(p.sponsor_id == busiest for p in waiting)
    for plan in [p for p in waiting if p.sponsor_id != busiest][: max(0, missing)]:
        plan.sponsor_id = busiest


def _fill_roster(plans: list[Plan], campus: Campus) -> None:
    """Leave at least ``ROSTER`` plans of the last term signed off and not yet posted.

    The registrar's roster of that term is then more than a page at every scale.
    """
    last = next(t.index for t in campus.terms if t.kind == "last")
    signed = sum(p.term == last and p.state == PlanState.signed_off for p in plans)
    posted = [p for p in plans if p.term == last and p.state == PlanState.posted]
    for plan in posted[: max(0, ROSTER - signed)]:
        plan.state = PlanState.signed_off


# -- rows -------------------------------------------------------------------------

PLAN_COLUMNS = (
    "id", "student_id", "term_id", "sponsor_id", "objectives", "credits_requested",
    "credits_approved", "state", "version", "created_at", "updated_at", "reflection",
    "submitted_at", "decided_at",
)  # fmt: skip
PLACEMENT_COLUMNS = ("id", "plan_id", "project_id", "created_at", "consent_at")


def plan_rows(
    plans: list[Plan], campus: Campus, objectives: tuple[str, ...], reflection: str
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``credit_plan``."""
    for plan in plans:
        yield (
            plan.id,
            plan.student_id,
            campus.term_id(plan.term),
            plan.sponsor_id,
            objectives[plan.id % len(objectives)],
            plan.credits,
            plan.approved,
            plan.state,
            1 + (plan.state != PlanState.draft) + (plan.state in DECIDED) + (plan.state in WORKING),
            plan.created_at,
            plan.updated_at,
            reflection if plan.state in COMPLETED else None,
            plan.submitted_at,
            plan.decided_at,
        )


def placement_rows(plans: list[Plan]) -> Iterator[tuple[Any, ...]]:
    """Rows of ``placement``; numbers each plan's placements as it goes."""
    number = 0
    for plan in plans:
        plan.placement_ids = []
        for project_id in plan.projects:
            number += 1
            plan.placement_ids.append(number)
            consent = plan.decided_at if plan.state in WORKING else None
            yield (number, plan.id, project_id, plan.created_at, consent)
