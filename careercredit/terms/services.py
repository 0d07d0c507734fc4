"""Creating, changing and deleting terms; each write records an audit event (caller commits)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import CreditPlan, Term, User

#: The columns a person edits, in form order.
FIELDS = (
    "code",
    "name",
    "starts_on",
    "ends_on",
    "census_on",
    "grading_deadline",
    "hours_per_credit",
    "max_credits",
)

DUPLICATE_CODE = "A term with this code already exists. Choose another code or edit that term."


class DuplicateCode(Exception):
    """Another term already has the code."""


class TermInUse(Exception):
    """Credit plans belong to the term, so it must stay."""

    def __init__(self, plans: int) -> None:
        super().__init__(f"{plans} credit plan(s) use this term")
        self.plans = plans


def snapshot(term: Term) -> dict[str, Any]:
    """The edited values of ``term``, as JSON for an audit event."""
    values = {name: getattr(term, name) for name in FIELDS}
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def code_taken(code: str, *, except_id: int | None = None) -> bool:
    """Tell whether a term other than ``except_id`` has ``code``."""
    query = select(Term.id).where(Term.code == code)
    if except_id is not None:
        query = query.where(Term.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def plans_using(term_id: int) -> int:
    """How many credit plans, in any state, belong to the term."""
    return db.session.scalar(select(func.count()).where(CreditPlan.term_id == term_id)) or 0


def plan_counts(term_ids: list[int]) -> dict[int, int]:
    """Plans per term for a page of terms (terms without plans are left out)."""
    if not term_ids:
        return {}
    query = (
        select(CreditPlan.term_id, func.count())
        .where(CreditPlan.term_id.in_(term_ids))
        .group_by(CreditPlan.term_id)
    )
    return {term_id: count for term_id, count in db.session.execute(query)}


def create_term(values: dict[str, Any], *, by: User) -> Term:
    """Add a term with ``values``; raise ``DuplicateCode`` if its code is taken."""
    if code_taken(values["code"]):
        raise DuplicateCode
    term = Term(**{name: values[name] for name in FIELDS})
    db.session.add(term)
    db.session.flush()
    record_event(
        "term.create",
        actor=by,
        object_type="term",
        object_id=term.id,
        details={"after": snapshot(term)},
    )
    return term


def update_term(term: Term, values: dict[str, Any], *, by: User) -> bool:
    """Apply ``values`` to ``term``; return whether anything changed.

    Raises ``DuplicateCode`` if the new code belongs to another term.
    """
    if values["code"] != term.code and code_taken(values["code"], except_id=term.id):
        raise DuplicateCode
    before = snapshot(term)
    for name in FIELDS:
        setattr(term, name, values[name])
    after = snapshot(term)
    changed = [name for name in FIELDS if before[name] != after[name]]
    if not changed:
        return False
    record_event(
        "term.update",
        actor=by,
        object_type="term",
        object_id=term.id,
        details={
            "before": {name: before[name] for name in changed},
            "after": {name: after[name] for name in changed},
        },
    )
    return True


def delete_term(term: Term, *, by: User) -> None:
    """Delete an unused term; raise ``TermInUse`` if any credit plan belongs to it."""
    plans = plans_using(term.id)
    if plans:
        raise TermInUse(plans)
    record_event(
        "term.delete",
        actor=by,
        object_type="term",
        object_id=term.id,
        details={"before": snapshot(term)},
    )
    db.session.delete(term)
