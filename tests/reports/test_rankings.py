"""The top-N lists against a ranking done by hand, however the sizes fall.

The lists rank only what some term ranks near its top, and fall back to
ranking everyone when that can't be proved exact (``reports/figures.py``).
Each case writes the summaries of many employers or supervisors over several
terms, in a shape that takes one way or the other, and checks the list a
person would read against every row ranked in Python.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from careercredit.extensions import db
from careercredit.models import ReportDuration, ReportSpread, ReportTermEmployer
from careercredit.reports import figures, summaries
from tests.factories import Factory
from tests.statements import statements

TERMS = 4
EMPLOYERS = 150

#: A shape: (random, employer's rank, term) → that employer's placements in the term (0: none).
Shape = Callable[[random.Random, int, int], int]

SHAPES: dict[str, tuple[Shape, int]] = {
    # A few big employers in every term, a long tail: the first reading is exact.
    "a long tail": (lambda rng, i, t: 400 // (i + 1) + rng.randrange(3), 1),
    # Each term has its own big employers: the top of the range is no term's top.
    "a new top each term": (lambda rng, i, t: 300 if i % TERMS == t else 1 + rng.randrange(60), 1),
    # Forty employers big in one term each sit above thirty steady ones in every term, but
    # the steady ones add up to more: no term's top holds them, so everyone is ranked.
    "steady below every cut": (
        lambda rng, i, t: (100 + i % 40 if i // 40 + 1 == t else 0) if i < 120 else 60,
        2,
    ),
    # Whole runs of equal sizes around every term's cut.
    "ties at the cut": (lambda rng, i, t: 100 if i < 15 else (8 if i < 90 else 1), 1),
    # Employers present in some terms only.
    "gaps": (lambda rng, i, t: 0 if rng.random() < 0.5 else 200 // (i + 1) + 1, 1),
}


def _employer_rows(make: Factory, shape: Shape, seed: int) -> tuple[list[int], dict[int, str]]:
    rng = random.Random(seed)
    terms = [make.term(f"R{seed}{t}") for t in range(TERMS)]
    names = {}
    for _ in range(EMPLOYERS):
        name = f"Employer {rng.randrange(10**6):06d}"  # names in no order of size
        names[make.employer(name)] = name
    for rank, employer_id in enumerate(sorted(names)):
        for t, term_id in enumerate(terms):
            placements = shape(rng, rank, t)
            if placements or rng.random() < 0.1:  # a row left at zero now and then
                db.session.add(
                    ReportTermEmployer(
                        term_id=term_id,
                        employer_id=employer_id,
                        placements=placements,
                        hours_verified=Decimal(placements * 1225) / 100,
                    )
                )
    db.session.commit()
    return terms, names


def _by_hand(rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return sorted((row for row in rows if row[1] > 0), key=lambda row: (-row[1], row[0]))


@pytest.mark.parametrize("shape", SHAPES)
def test_the_top_employers_are_every_employer_ranked(app: Flask, make: Factory, shape: str) -> None:
    sizes, statements_needed = SHAPES[shape]
    with app.app_context():
        terms, names = _employer_rows(make, sizes, seed=len(shape))
        chosen = terms[1:]
        placements: dict[int, int] = {}
        hours: dict[int, Decimal] = {}
        for row in db.session.scalars(
            db.select(ReportTermEmployer).where(ReportTermEmployer.term_id.in_(chosen))
        ):
            placements[row.employer_id] = placements.get(row.employer_id, 0) + row.placements
            hours[row.employer_id] = hours.get(row.employer_id, 0) + row.hours_verified
        with statements(app) as seen:
            by_placements = figures.top_employers_by_placements(chosen)
        by_hours = figures.top_employers_by_hours(chosen)
    assert by_placements == _by_hand([(names[e], n) for e, n in placements.items()])[:20]
    assert by_hours == _by_hand([(names[e], h) for e, h in hours.items()])[:20]
    assert len(seen) == statements_needed


#: A shape: (random, supervisor's number, term) → their answer times in the term (tenths of an
#: hour; none: no answers there).
Answers = Callable[[random.Random, int, int], list[int]]


def _around(rng: random.Random, shortest: int) -> list[int]:
    """None to four answers, each within six hours of ``shortest``."""
    return [shortest + rng.randrange(60) for _ in range(rng.randrange(5))]


SUPERVISOR_SHAPES: dict[str, tuple[Answers, int]] = {
    # A few supervisors far slower than the rest: the first reading is exact.
    "a few slow ones": (
        lambda rng, n, t: _around(rng, 1_000 + rng.randrange(1_000) if n % 7 == 0 else 300),
        1,
    ),
    # Every answer took the same time: the ties are ranked by address, ten per term.
    "all the same": (lambda rng, n, t: [480], 1),
    # Ten supervisors are the slowest of one term and quick in the others, where everyone
    # else is slower: that term's cut proves nothing, everyone is ranked.
    "one slow term": (
        lambda rng, n, t: ([1_000] if t == 1 else [100] * 3) if n < 10 else [200],
        2,
    ),
}


def _nearest_rank(lengths: list[int], share: Decimal) -> int:
    ordered = sorted(lengths)
    return next(x for i, x in enumerate(ordered, 1) if i >= share * len(ordered))


def _histograms(make: Factory, shape: Answers) -> tuple[list[int], dict[int, dict[str, list[int]]]]:
    """Terms, and each term's answer times per supervisor, written as histograms and spreads."""
    rng = random.Random(len(SUPERVISOR_SHAPES))
    terms = [make.term() for _ in range(TERMS)]
    answers: dict[int, dict[str, list[int]]] = {term_id: {} for term_id in terms}
    for n in range(80):
        email = f"supervisor{n:02d}@employer.example"
        for t, term_id in enumerate(terms):
            if lengths := shape(rng, n, t):
                answers[term_id][email] = [summaries.bucket(length) for length in lengths]
    histograms: dict[tuple[int, str, int], int] = {}
    for term_id, each in answers.items():
        for email, lengths in each.items():
            for length, who in ((length, who) for length in lengths for who in (email, "")):
                key = (term_id, who, length)
                histograms[key] = histograms.get(key, 0) + 1
    for (term_id, who, length), count in histograms.items():
        db.session.add(
            ReportDuration(
                term_id=term_id,
                measure=summaries.RESPONSE,
                supervisor=who,
                tenths=length,
                count=count,
            )
        )
    db.session.flush()
    d, spreads = ReportDuration, ReportSpread.__table__
    figures_of = summaries.percentiles([d.term_id, d.measure, d.supervisor])
    db.session.execute(spreads.insert().from_select([c.name for c in spreads.columns], figures_of))
    db.session.commit()
    return terms, answers


@pytest.mark.parametrize("shape", SUPERVISOR_SHAPES)
def test_the_slowest_supervisors_are_every_supervisor_ranked(
    app: Flask, make: Factory, shape: str
) -> None:
    answer_times, statements_needed = SUPERVISOR_SHAPES[shape]
    with app.app_context():
        terms, answers = _histograms(make, answer_times)
        chosen = terms[1:]
        with statements(app) as seen:
            slowest = figures.slowest_supervisors(chosen)
        term_wide = figures.durations_by_term(chosen)[summaries.RESPONSE]
    everyone: dict[str, list[int]] = {}
    for term_id in chosen:
        for email, lengths in answers[term_id].items():
            everyone.setdefault(email, []).extend(lengths)
    half, most = Decimal("0.5"), Decimal("0.9")
    by_hand = sorted(
        (
            (email, len(lengths), _nearest_rank(lengths, half), _nearest_rank(lengths, most))
            for email, lengths in everyone.items()
        ),
        key=lambda row: (-row[2], row[0]),
    )[: figures.SLOWEST]
    tenths = [(email, s.count, int(s.median * 10), int(s.p90 * 10)) for email, s in slowest]
    assert tenths == by_hand
    assert len(seen) == statements_needed
    # Each term's own figure counts every answer of the term.
    for term_id in chosen:
        lengths = [length for each in answers[term_id].values() for length in each]
        spread = term_wide[term_id]
        assert (spread.count, int(spread.median * 10)) == (
            len(lengths),
            _nearest_rank(lengths, half),
        )
