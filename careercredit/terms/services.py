"""Creating, changing and deleting terms; each write records an audit event (caller commits)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import CreditPlan, Term, User
from careercredit.refusals import Refused
from careercredit.sql import conflict_refused

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

PER_PAGE = 20


class DuplicateCode(Refused):
    """Another term already has the code."""

    def __init__(self) -> None:
        super().__init__(problems={"code": DUPLICATE_CODE})


class TermInUse(Refused):
    """Credit plans belong to the term, so it must stay."""

    status = 409

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


def term_page() -> Pagination:
    """The page of terms the request asks for (``?page=``), newest first."""
    query = select(Term).order_by(Term.starts_on.desc(), Term.id.desc())
    return db.paginate(query, per_page=PER_PAGE, max_per_page=PER_PAGE)


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


@contextmanager
def unique_code(code: str, *, except_id: int | None = None) -> Iterator[None]:
    """Refuse with ``DuplicateCode`` when another writer saved a term with ``code`` first.

    Wraps a ``unit_of_work``: the database's unique code refuses the row at
    commit, after the checks above found the code free.
    """

    def refusal() -> Refused | None:
        return DuplicateCode() if code_taken(code, except_id=except_id) else None

    with conflict_refused(refusal):
        yield


@contextmanager
def still_unused(term_id: int) -> Iterator[None]:
    """Refuse with ``TermInUse`` when a plan joined the term while it was being deleted."""

    def refusal() -> Refused | None:
        plans = plans_using(term_id)
        return TermInUse(plans) if plans else None

    with conflict_refused(refusal):
        yield
