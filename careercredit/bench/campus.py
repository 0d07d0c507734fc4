"""What the seed's later steps need to know of the earlier ones: people, terms, catalogue."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from careercredit.bench.shape import BenchTerm, Sizes


@dataclass
class Campus:
    """The university being generated, as ids and a few facts per id."""

    rng: random.Random
    sizes: Sizes
    now: datetime
    today: date
    terms: list[BenchTerm]
    #: Database id of each term, by index in ``terms``.
    term_ids: list[int] = field(default_factory=list)
    admins: list[int] = field(default_factory=list)
    registrars: list[int] = field(default_factory=list)
    advisors: list[int] = field(default_factory=list)
    faculty: list[int] = field(default_factory=list)
    #: Students, the busiest first (the order the skew picks them in).
    students: list[int] = field(default_factory=list)
    #: Display name of each user id (index 0 unused).
    names: list[str] = field(default_factory=lambda: [""])
    #: Project ids running in each term, by term index.
    projects_by_term: list[list[int]] = field(default_factory=list)
    #: Supervisor e-mail of each project id (index 0 unused).
    project_emails: list[str] = field(default_factory=lambda: [""])
    #: (key, label) of the rubric's criteria.
    rubric: list[tuple[str, str]] = field(default_factory=list)

    def term_id(self, index: int) -> int:
        """The database id of the term at ``index``."""
        return self.term_ids[index]
