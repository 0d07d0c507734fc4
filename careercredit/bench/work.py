"""The work behind the plans: hour entries, evaluations, sign-offs, postings and links."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from careercredit.bench.campus import Campus
from careercredit.bench.plans import COMPLETED, SIGNED, WORKING, Plan
from careercredit.bench.shape import HOURS_PER_CREDIT, moment
from careercredit.bench.words import FEEDBACK, TASKS
from careercredit.models import CommentKind, HourStatus, LinkPurpose, PlanState

#: Quarter hours from 0.25 to 24, as stored.
QUARTERS = [Decimal(q) / 4 for q in range(1, 97)]
LETTER_GRADES = ("A", "A", "A-", "B+", "B", "B-", "C+", "C")

HOUR_COLUMNS = (
    "id", "placement_id", "work_date", "hours", "description", "status", "dispute_comment",
    "decided_at", "decided_via_id", "created_at", "updated_at",
)  # fmt: skip
EVALUATION_COLUMNS = ("id", "placement_id", "kind", "scores", "comments", "link_id", "submitted_at")


def plan_entry_counts(plans: list[Plan], campus: Campus) -> None:
    """Decide how many hour entries each placement of a working plan gets."""
    rng = campus.rng
    working = [p for p in plans if p.state in WORKING and p.placement_ids and not p.entry_counts]
    withdrawn_share = 0.3
    slots = sum(
        len(p.placement_ids) * (withdrawn_share if p.state == PlanState.withdrawn else 1)
        for p in working
    )
    fixed = sum(sum(p.entry_counts) for p in plans)
    mean = max(1.0, (campus.sizes["hour_entries"] - fixed) / max(slots, 1))
    for plan in working:
        if plan.state == PlanState.withdrawn and rng.random() > withdrawn_share:
            plan.entry_counts = [0] * len(plan.placement_ids)
            continue
        floor = math.ceil(_target_hours(plan, 1.0) / 24 / len(plan.placement_ids))
        plan.entry_counts = [
            max(floor, 1, round(mean * rng.uniform(0.4, 1.6))) for _ in plan.placement_ids
        ]


def _target_hours(plan: Plan, share: float) -> float:
    return (plan.approved or plan.credits) * HOURS_PER_CREDIT * share


def hour_rows(plans: list[Plan], campus: Campus) -> Iterator[tuple[Any, ...]]:
    """Rows of ``hour_entry``, plan by plan; sums each plan's verified hours."""
    rng, today = campus.rng, campus.today
    number = 0
    for plan in plans:
        total = sum(plan.entry_counts)
        plan.first_entry_id = number + 1
        if not total:
            continue
        term = campus.terms[plan.term]
        share = {
            PlanState.in_progress: rng.uniform(0.3, 0.9),
            PlanState.withdrawn: rng.uniform(0.1, 0.5),
        }
        hours = _target_hours(plan, share.get(plan.state, rng.uniform(1.0, 1.12))) / total
        first, last = term.starts_on, min(term.ends_on, today)
        verified_upto = total if plan.state in COMPLETED else math.ceil(total * 0.6)
        index = 0
        for placement_id, count in zip(plan.placement_ids, plan.entry_counts, strict=True):
            for k in range(count):
                number += 1
                day = first + timedelta(days=(last - first).days * k // max(count, 1))
                quarter = QUARTERS[
                    min(95, max(0, math.ceil(hours * rng.uniform(0.7, 1.3) * 4) - 1))
                ]
                logged = moment(day, rng)
                status, comment, decided = _status(index, verified_upto, logged, rng)
                if status == HourStatus.verified:
                    plan.verified_hours += float(quarter)
                yield (
                    number, placement_id, day, quarter, TASKS[number % len(TASKS)], status,
                    comment, decided, None, logged, decided or logged,
                )  # fmt: skip
                index += 1


def _status(
    index: int, verified_upto: int, logged: datetime, rng: Random
) -> tuple[HourStatus, str | None, datetime | None]:
    """An entry's status, the supervisor's dispute comment and when they decided."""
    if index < verified_upto:
        return HourStatus.verified, None, logged + timedelta(days=rng.uniform(0.5, 6))
    if rng.random() < 0.1:
        comment = "These hours are not in our timesheet."
        return HourStatus.disputed, comment, logged + timedelta(days=2)
    return HourStatus.submitted, None, None


def evaluation_rows(plans: list[Plan], campus: Campus) -> Iterator[tuple[Any, ...]]:
    """Rows of ``evaluation``: midterm and final for finished work, some midterms before."""
    rng = campus.rng
    scores = [
        {
            key: {"label": label, "score": 3 + (n + i) % 3}
            for i, (key, label) in enumerate(campus.rubric)
        }
        for n in range(6)
    ]
    number = 0
    for plan in plans:
        if plan.state not in COMPLETED and plan.state != PlanState.in_progress:
            continue
        term = campus.terms[plan.term]
        middle = term.starts_on + (term.ends_on - term.starts_on) / 2
        for placement_id in plan.placement_ids:
            kinds = [LinkPurpose.midterm, LinkPurpose.final] if plan.state in COMPLETED else []
            if plan.state == PlanState.in_progress and middle < campus.today and rng.random() < 0.4:
                kinds = [LinkPurpose.midterm]
            for kind in kinds:
                number += 1
                day = middle if kind == LinkPurpose.midterm else min(term.ends_on, campus.today)
                yield (
                    number, placement_id, kind, scores[number % len(scores)], FEEDBACK, None,
                    moment(day, rng),
                )  # fmt: skip


# -- sign-off, export, posting, amendment -------------------------------------------


def awarded(plan: Plan) -> int:
    """Credits the sponsor awards: the approved ones, as far as verified hours allow."""
    return min(plan.approved or 0, int(plan.verified_hours // HOURS_PER_CREDIT))


def grade_of(plan: Plan, campus: Campus, letter_terms: set[int]) -> str:
    """The sponsor's grade, on the term's scheme."""
    if awarded(plan) == 0:
        return "F" if plan.term in letter_terms else "U"
    if plan.term in letter_terms:
        return LETTER_GRADES[plan.id % len(LETTER_GRADES)]
    return "S"


def sign_off_rows(
    plans: list[Plan], campus: Campus, letter_terms: set[int]
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sign_off`` for signed-off and posted plans."""
    number = 0
    for plan in plans:
        if plan.state in SIGNED:
            number += 1
            signed = min(plan.updated, campus.now) - timedelta(days=campus.rng.uniform(0, 1))
            yield (
                number, plan.id, grade_of(plan, campus, letter_terms), awarded(plan),
                "Good work; the supervisor's feedback is strong.", plan.sponsor_id, signed,
            )  # fmt: skip


def export_rows(plans: list[Plan], campus: Campus) -> tuple[list[tuple[Any, ...]], dict[int, int]]:
    """One grade export per term with posted plans; returns the rows and term → export id."""
    posted: dict[int, int] = {}
    for plan in plans:
        if plan.state == PlanState.posted:
            posted[plan.term] = posted.get(plan.term, 0) + 1
    rows: list[tuple[Any, ...]] = []
    ids: dict[int, int] = {}
    for number, term_index in enumerate(sorted(posted), 1):
        term = campus.terms[term_index]
        content = f"bench export of {term.code}\n".encode()
        made = moment(term.grading_deadline + timedelta(days=1), campus.rng)
        rows.append(
            (
                number, campus.term_id(term_index), campus.registrars[0], made,
                f"grades-{term.code}-{made:%Y%m%d}-1.csv", content,
                hashlib.sha256(content).hexdigest(), posted[term_index],
            )
        )  # fmt: skip
        ids[term_index] = number
    return rows, ids


def posting_rows(
    plans: list[Plan], campus: Campus, exports: dict[int, int]
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``posting`` for posted plans."""
    number = 0
    for plan in plans:
        if plan.state == PlanState.posted:
            number += 1
            registrar = campus.registrars[plan.id % len(campus.registrars)]
            yield number, plan.id, exports[plan.term], registrar, plan.updated_at


def amendment_rows(
    plans: list[Plan], campus: Campus, exports: dict[int, int], letter_terms: set[int]
) -> Iterator[tuple[Any, ...]]:
    """A few corrections of posted credit; those of the last term still wait for an export."""
    rng, number = campus.rng, 0
    for plan in plans:
        if plan.state != PlanState.posted or rng.random() > 0.005:
            continue
        number += 1
        term = campus.terms[plan.term]
        grade = grade_of(plan, campus, letter_terms)
        pending = term.kind == "last"
        yield (
            number, plan.id, campus.registrars[0], plan.updated + timedelta(days=3),
            "The supervisor confirmed more verified hours after posting.", grade, grade,
            awarded(plan), awarded(plan), None if pending else exports[plan.term],
        )  # fmt: skip


# -- links and comments ---------------------------------------------------------------

LINK_COLUMNS = (
    "id", "token_id", "placement_id", "purpose", "recipient_email", "created_by_id",
    "created_at", "expires_at", "revoked_at", "last_opened_at", "answered_at", "reminded_at",
    "expiry_notified_at",
)  # fmt: skip


def link_rows(
    plans: list[Plan], campus: Campus, placement_projects: dict[int, int]
) -> Iterator[tuple[Any, ...]]:
    """The current term's supervisor links: one to verify hours per working placement."""
    rng, number = campus.rng, 0
    for plan in plans:
        if campus.terms[plan.term].kind != "current" or plan.state not in WORKING:
            continue
        for placement_id in plan.placement_ids:
            number += 1
            sent = plan.decided_at or plan.created
            answered = sent + timedelta(days=2) if rng.random() < 0.7 else None
            yield (
                number, f"{rng.getrandbits(128):032x}", placement_id, LinkPurpose.hours,
                campus.project_emails[placement_projects[placement_id]], plan.student_id,
                sent, sent + timedelta(days=14), None, answered, answered, None, None,
            )  # fmt: skip


def comment_rows(plans: list[Plan], campus: Campus) -> Iterator[tuple[Any, ...]]:
    """Advisors' comments on plans sent back, rejected or approved with a note."""
    rng, number = campus.rng, 0
    texts = {
        CommentKind.changes_requested: (
            "Please add a second project: one alone does not cover the hours."
        ),
        CommentKind.rejected: "Unpaid volunteer roles do not count; see us about paid projects.",
        CommentKind.approved: "A good pair of projects.",
    }
    for plan in plans:
        kind = CommentKind(plan.state) if plan.state in texts else None
        if kind is None and plan.advisor_id and rng.random() < 0.2:
            kind = CommentKind.approved
        if kind is None or plan.advisor_id is None:
            continue
        number += 1
        yield number, plan.id, plan.advisor_id, kind, texts[kind], plan.decided_at
