"""Loading a plan for its page: what the page shows, and nothing for a section that is empty.

Each kind of row the page lists (comments, amendments, supervisor links,
deliverables, evaluations) costs a statement to load even when there is
none, so the statement that loads the plan also asks which kinds it has;
only those are then loaded, and the empty ones are set empty without a query.
The hour entries are not loaded as objects: the hour log reads them as rows
with their sums (``hours/log.py``), and the page's other parts that need the
verified hours (the completion check) or the entries waiting for their
supervisor (the supervisor panels) are given them from that log.

The statements are built once per process, with the plan's id as a bound
parameter: building a statement with its loader options and working out its
cache key cost more than running it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Integer, Select, bindparam, exists, select
from sqlalchemy.orm import joinedload, noload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from careercredit.extensions import db
from careercredit.models import (
    Amendment,
    CreditPlan,
    Deliverable,
    Evaluation,
    Placement,
    PlanComment,
    Project,
    SupervisorLink,
    User,
)

#: Collections of the plan's placements, and the rows that fill them.
PARTS: dict[Any, type[Any]] = {
    Placement.links: SupervisorLink,
    Placement.deliverables: Deliverable,
    Placement.evaluations: Evaluation,
}


#: The plan's id in the page's statements.
PLAN_ID: BindParameter[int] = bindparam("plan_id", type_=Integer)


def plan_for_page(plan_id: int) -> CreditPlan | None:
    """The plan with what its page shows: one statement per kind of row it has."""
    found = db.session.execute(_plan_and_its_kinds(), {"plan_id": plan_id}).one_or_none()
    if found is None:
        return None
    plan = found.CreditPlan
    has = found._mapping
    # The rest, into the plan just loaded: each collection eager-loaded, or set empty.
    kinds = (has["comments"], has["amendments"], *(has[part.key] for part in PARTS))
    db.session.execute(_the_rest(*kinds), {"plan_id": plan_id}).all()
    return plan


@cache
def _plan_and_its_kinds() -> Select[Any]:
    """The plan with its people, term, sign-off and posting, and which kinds of rows it has."""
    return (
        select(
            CreditPlan,
            _any(PlanComment, PlanComment.plan_id == PLAN_ID).label("comments"),
            _any(Amendment, Amendment.plan_id == PLAN_ID).label("amendments"),
            *(_on_placements(model).label(part.key) for part, model in PARTS.items()),
        )
        .where(CreditPlan.id == PLAN_ID)
        .options(
            joinedload(CreditPlan.student).lazyload(User.role_rows),
            joinedload(CreditPlan.sponsor).lazyload(User.role_rows),
            joinedload(CreditPlan.term),
            joinedload(CreditPlan.sign_off),
            joinedload(CreditPlan.posting),
        )
    )


@cache
def _the_rest(comments: bool, amendments: bool, *parts: bool) -> Select[Any]:
    """The plan's collections that have rows (``parts`` in the order of ``PARTS``)."""
    has = {"comments": comments, "amendments": amendments}
    has.update({part.key: present for part, present in zip(PARTS, parts, strict=True)})
    return (
        select(CreditPlan)
        .where(CreditPlan.id == PLAN_ID)
        .options(
            _placements(has),
            _collection(CreditPlan.comments, comments).joinedload(PlanComment.author),
            _collection(CreditPlan.amendments, amendments),
        )
    )


def _any(model: type[Any], *where: Any) -> Any:
    return exists().where(*where).select_from(model)


def _on_placements(model: type[Any]) -> Any:
    return _any(
        model,
        model.placement_id.in_(select(Placement.id).where(Placement.plan_id == PLAN_ID)),
    )


def _collection(relation: Any, present: bool) -> Any:
    """Eager-load ``relation`` if the plan has rows of it, else set it empty without a query."""
    return selectinload(relation) if present else noload(relation)


def _placements(has: dict[str, bool]) -> LoaderOption:
    return selectinload(CreditPlan.placements).options(
        joinedload(Placement.project).options(
            joinedload(Project.employer), joinedload(Project.supervisor)
        ),
        *(_collection(part, has[part.key]) for part in PARTS),
    )
