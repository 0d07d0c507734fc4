"""The evaluation rubric: its criteria, in order, kept by the admin (caller commits).

Criteria are never deleted: evaluations store each score under the
criterion's key together with the label it had, so an admin deactivates a
criterion instead, and may bring it back. Every change is an audit event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import RubricCriterion, User
from careercredit.refusals import Refused

#: Scores run from 1 to SCORES, one descriptor each.
SCORES = 5

DUPLICATE_KEY = "Another criterion already has this key. Choose another key."
LAST_ACTIVE = (
    "Keep at least one criterion active: supervisors need something to score. "
    "Add or reactivate another criterion first."
)


class DuplicateKey(Refused):
    """Another criterion already has the key."""

    def __init__(self) -> None:
        super().__init__(problems={"key": DUPLICATE_KEY})


class LastActiveCriterion(Refused):
    """Deactivating the criterion would leave the rubric empty."""

    def __init__(self) -> None:
        super().__init__(LAST_ACTIVE)


def _ordered() -> Any:
    return select(RubricCriterion).order_by(RubricCriterion.position, RubricCriterion.id)


def active_criteria() -> list[RubricCriterion]:
    """The criteria supervisors score, in the admin's order."""
    return list(db.session.scalars(_ordered().where(RubricCriterion.active.is_(True))))


def all_criteria() -> list[RubricCriterion]:
    """Every criterion, active or not, in the admin's order."""
    return list(db.session.scalars(_ordered()))


def key_taken(key: str) -> bool:
    """Tell whether a criterion has ``key``."""
    query = select(RubricCriterion.id).where(RubricCriterion.key == key).limit(1)
    return db.session.scalar(query) is not None


def _snapshot(criterion: RubricCriterion) -> dict[str, Any]:
    return {"label": criterion.label, "descriptors": list(criterion.descriptors)}


def _record(action: str, criterion: RubricCriterion, by: User, **details: Any) -> None:
    record_event(
        f"rubric.{action}",
        actor=by,
        object_type="rubric_criterion",
        object_id=criterion.id,
        details={"key": criterion.key, **details},
    )


def create_criterion(key: str, label: str, descriptors: list[str], *, by: User) -> RubricCriterion:
    """Add a criterion at the end of the rubric; raise ``DuplicateKey`` if the key is taken."""
    if key_taken(key):
        raise DuplicateKey
    last = db.session.scalar(select(func.max(RubricCriterion.position)))
    criterion = RubricCriterion(
        key=key,
        label=label,
        descriptors=list(descriptors),
        position=0 if last is None else last + 1,
        active=True,
    )
    db.session.add(criterion)
    db.session.flush()
    _record("create", criterion, by, after=_snapshot(criterion))
    return criterion


def update_criterion(
    criterion: RubricCriterion, label: str, descriptors: list[str], *, by: User
) -> bool:
    """Change a criterion's label and descriptors; return whether anything changed."""
    before = _snapshot(criterion)
    after = {"label": label, "descriptors": list(descriptors)}
    if after == before:
        return False
    criterion.label = label
    criterion.descriptors = list(descriptors)  # a new list, so the change is seen
    _record("update", criterion, by, before=before, after=after)
    return True


def set_active(criterion: RubricCriterion, active: bool, *, by: User) -> bool:
    """Deactivate or reactivate a criterion; return whether it changed.

    Raises ``LastActiveCriterion`` rather than deactivate the only active one.
    """
    if criterion.active == active:
        return False
    if not active and [c.id for c in active_criteria()] == [criterion.id]:
        raise LastActiveCriterion
    criterion.active = active
    _record("reactivate" if active else "deactivate", criterion, by)
    return True


def move_criterion(criterion: RubricCriterion, offset: int, *, by: User) -> bool:
    """Move a criterion ``offset`` places (-1 up, +1 down); return whether it moved.

    Renumbers the whole rubric 0, 1, 2, ... so positions stay distinct.
    """
    criteria = all_criteria()
    here = criteria.index(criterion)
    there = here + offset
    if not 0 <= there < len(criteria):
        return False
    criteria[here], criteria[there] = criteria[there], criteria[here]
    for position, item in enumerate(criteria):
        item.position = position
    _record("move", criterion, by, before=here, after=there)
    return True
