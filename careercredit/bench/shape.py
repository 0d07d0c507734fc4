"""The shape of the synthetic university: how many of each thing, and how skewed.

At ``--scale 1`` the university is a large public one keeping ten years of
records (the issue's figures); a smaller scale shrinks every population in
proportion, but not the number of terms (ten years are ten years) nor the
shape of the skew: the busiest student, sponsor or employer has about as
much at every scale, so a page showing "their" rows shows the same amount.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from careercredit.models import PlanState

T = TypeVar("T")

#: The full-scale university (``--scale 1``).
FULL: dict[str, int] = {
    "students": 40_000,
    "faculty": 3_000,
    "advisors": 40,
    "registrars": 8,
    "admins": 4,
    "employers": 2_000,
    "projects": 20_000,
    "plans": 120_000,
    "placements": 250_000,
    "hour_entries": 3_000_000,
    "records": 100_000,
    "audit_events": 5_000_000,
}
#: The least of each, so that even a tiny scale has every state and every role.
MINIMUM: dict[str, int] = {
    "students": 20,
    "faculty": 5,
    "advisors": 2,
    "registrars": 1,
    "admins": 1,
    "employers": 10,
    "projects": 80,
    "plans": 100,
    "placements": 200,
    "hour_entries": 2_000,
    "records": 20,
    "audit_events": 4_000,
}
TERM_COUNT = 20
HOURS_PER_CREDIT = 45

#: Share of the plans in the upcoming term (the advisors' queue) and the current one.
UPCOMING_SHARE = 0.135
CURRENT_SHARE = 0.12

#: How plans of each kind of term are spread over the states (weights).
STATE_MIX: dict[str, dict[PlanState, float]] = {
    "upcoming": {
        PlanState.submitted: 80,
        PlanState.draft: 10,
        PlanState.changes_requested: 4,
        PlanState.approved: 3,
        PlanState.rejected: 1.5,
        PlanState.withdrawn: 1.5,
    },
    "current": {
        PlanState.draft: 1,
        PlanState.submitted: 4,
        PlanState.changes_requested: 1,
        PlanState.approved: 10,
        PlanState.in_progress: 44,
        PlanState.awaiting_signoff: 26,
        PlanState.signed_off: 8,
        PlanState.rejected: 2,
        PlanState.withdrawn: 4,
    },
    # The last term that ended: grades are in, not all posted yet, a few late.
    "last": {
        PlanState.posted: 70,
        PlanState.signed_off: 12,
        PlanState.awaiting_signoff: 4,
        PlanState.withdrawn: 8,
        PlanState.rejected: 6,
    },
    "past": {
        PlanState.posted: 86.7,
        PlanState.signed_off: 0.3,
        PlanState.withdrawn: 7,
        PlanState.rejected: 6,
    },
}


@dataclass(frozen=True)
class Sizes:
    """How many of each population a scale asks for."""

    scale: float
    counts: dict[str, int]

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """The sizes of the university at ``scale`` (1 = the full university)."""
        if not 0 < scale <= 10:
            raise ValueError("the scale must be above 0 and at most 10")
        counts = {key: max(MINIMUM[key], round(full * scale)) for key, full in FULL.items()}
        return cls(scale, counts)

    def __getitem__(self, key: str) -> int:
        return self.counts[key]


class Skewed:
    """Picks items with Zipf-like weights ``1 / (rank + head)``: a few get much more.

    ``head`` is a share of the population, so the first item gets about the
    same number of picks per thousand picks at any population size.
    """

    def __init__(self, items: Sequence[T], rng: random.Random, head: float) -> None:
        offset = max(1.0, head * len(items))
        self.items = items
        self.rng = rng
        self.cumulative = list(
            itertools.accumulate(1 / (rank + offset) for rank in range(len(items)))
        )

    def pick(self) -> Any:
        """One item."""
        point = self.rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_left(self.cumulative, point)]

    def picks(self, count: int) -> list[Any]:
        """``count`` items, with repetition."""
        return self.rng.choices(self.items, cum_weights=self.cumulative, k=count)


def spread(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole parts in proportion to ``weights`` (largest remainder)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


# -- the calendar ---------------------------------------------------------------


@dataclass(frozen=True)
class BenchTerm:
    """One term of the calendar, and what kind it is today."""

    index: int
    code: str
    name: str
    starts_on: date
    ends_on: date
    kind: str  # upcoming, current, last or past

    @property
    def census_on(self) -> date:
        return self.starts_on + timedelta(days=21)

    @property
    def grading_deadline(self) -> date:
        return self.ends_on + timedelta(days=10)


#: Spring and fall: two terms a year, so twenty terms are ten years.
SEASONS = (("SP", "Spring", (1, 12), (5, 8)), ("FA", "Fall", (8, 24), (12, 18)))


def calendar(today: date) -> list[BenchTerm]:
    """Twenty terms, oldest first: eighteen past, the current one (holding today), the next."""
    slots = [
        (year, season) for year in range(today.year - 11, today.year + 2) for season in SEASONS
    ]
    current = max(i for i, (year, season) in enumerate(slots) if date(year, *season[2]) <= today)
    chosen = slots[current - (TERM_COUNT - 2) : current + 2]
    terms = []
    for index, (year, (suffix, name, first, last)) in enumerate(chosen):
        starts, ends = date(year, *first), date(year, *last)
        offset = index - (TERM_COUNT - 2)
        kind = {1: "upcoming", 0: "current", -1: "last"}.get(offset, "past")
        if kind == "current" and ends < today:  # between terms: the last one runs on
            ends = today + timedelta(days=7)
        terms.append(BenchTerm(index, f"{year}{suffix}", f"{name} {year}", starts, ends, kind))
    return terms


def moment(day: date, rng: random.Random) -> datetime:
    """A time during the working day of ``day``, in UTC."""
    return datetime.combine(day, time(8), tzinfo=UTC) + timedelta(seconds=rng.randrange(36_000))
