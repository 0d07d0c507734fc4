"""Supervisor contacts: who may change them, and what a change leaves behind.

A supervisor's e-mail address is where the links to verify hours and to
evaluate go, so changing it (or giving a project another supervisor) decides
who vouches for a student's work. Every such change in the catalogue (the
supervisor and project pages, the CSV import) goes through here:

- Nobody changes a project they hold a placement on, nor the supervisor of
  one: that is acting on their own record (``access.refuse_own_record``), and
  another advisor must.
- Placements whose plans are already approved keep the address they were
  approved with (``ApprovedContact``, written just before the change), so the
  sign-off summary can flag answers that came from another address.
- The old address is told by e-mail that it was replaced.

The change itself is the catalogue's ``supervisor.update`` or ``project.update``
audit event, which holds the values before and after.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Select, exists, select

from careercredit.access import is_own_record, refuse_own_record
from careercredit.catalogue.services import project_values, save, supervisor_values
from careercredit.extensions import db
from careercredit.models import CreditPlan, Placement, PlanState, Project, Supervisor, User
from careercredit.models.supervision import ApprovedContact
from careercredit.outbox.services import queue_email
from careercredit.refusals import OwnRecord

#: Who must change a contact the actor may not.
ANOTHER = "advisor"
#: Plans approved with their supervisors' addresses (and not withdrawn since).
APPROVED_STATES = frozenset(
    {
        PlanState.approved,
        PlanState.in_progress,
        PlanState.awaiting_signoff,
        PlanState.signed_off,
        PlanState.posted,
    }
)
#: Ids named in one IN (...) list.
CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    batch = sorted(set(ids))
    for start in range(0, len(batch), CHUNK):
        yield batch[start : start + CHUNK]


def _on_projects(query: Select[Any], project_ids: Collection[int]) -> Iterator[Select[Any]]:
    """``query`` limited to placements on ``project_ids``, one statement per chunk of ids."""
    for chunk in _chunks(project_ids):
        yield query.where(Placement.project_id.in_(chunk))


def _of_supervisor(query: Select[Any], supervisor_id: int) -> Select[Any]:
    return query.join(Project, Placement.project_id == Project.id).where(
        Project.supervisor_id == supervisor_id
    )


# -- separation of duties ----------------------------------------------------------------


def _placements_of(user: User) -> Select[Any]:
    """(project, student) of the placements in ``user``'s own plans (the SQL side of the rule)."""
    return (
        select(Placement.project_id, CreditPlan.student_id)
        .join(CreditPlan, Placement.plan_id == CreditPlan.id)
        .where(CreditPlan.student_id == user.id)
    )


def placed_projects(user: User, project_ids: Collection[int]) -> set[int]:
    """The projects of ``project_ids`` on which ``user`` holds a placement."""
    return {
        project_id
        for query in _on_projects(_placements_of(user), project_ids)
        for project_id, student_id in db.session.execute(query)
        if is_own_record(user, student_id)
    }


def refuse_own_placement(
    user: User, *, project_ids: Collection[int] = (), supervisor_id: int | None = None
) -> None:
    """Refuse (``OwnRecord``) changing a project ``user`` holds a placement on, or its supervisor.

    ``project_ids`` names the projects changed; ``supervisor_id`` a supervisor
    whose every project is concerned.
    """
    if supervisor_id is not None:
        query = _of_supervisor(_placements_of(user), supervisor_id).limit(1)
        row = db.session.execute(query).first()
        refuse_own_record(user, row.student_id if row else None, another=ANOTHER)
    for query in _on_projects(_placements_of(user), project_ids):
        row = db.session.execute(query.limit(1)).first()
        refuse_own_record(user, row.student_id if row else None, another=ANOTHER)


def own_placement_problem(
    user: User, *, project_ids: Collection[int] = (), supervisor_id: int | None = None
) -> str | None:
    """What ``refuse_own_placement`` would say, for the page before the change (or None)."""
    try:
        refuse_own_placement(user, project_ids=project_ids, supervisor_id=supervisor_id)
    except OwnRecord as refused:
        return str(refused)
    return None


# -- what a change leaves behind ----------------------------------------------------------


def keep_approved_contacts(
    *, project_ids: Collection[int] = (), supervisor_id: int | None = None
) -> int:
    """Keep the current address of approved placements on these projects; return how many.

    Call it before the address or the supervisor changes (the session would
    otherwise flush the new one first). A placement that already keeps one
    keeps its first: the address of the approval.
    """
    query = (
        select(Placement.id, Supervisor.email)
        .join(CreditPlan, Placement.plan_id == CreditPlan.id)
        .where(
            CreditPlan.state.in_(APPROVED_STATES),
            ~exists().where(ApprovedContact.placement_id == Placement.id),
        )
    )
    queries: Iterable[Select[Any]]
    if supervisor_id is not None:
        queries = [
            _of_supervisor(query, supervisor_id).join(
                Supervisor, Project.supervisor_id == Supervisor.id
            )
        ]
    else:
        with_supervisor = query.join(Project, Placement.project_id == Project.id).outerjoin(
            Supervisor, Project.supervisor_id == Supervisor.id
        )
        queries = _on_projects(with_supervisor, project_ids)
    kept = [
        ApprovedContact(placement_id=placement_id, email=email)
        for statement in queries
        for placement_id, email in db.session.execute(statement)
    ]
    db.session.add_all(kept)
    return len(kept)


def tell_old_address(supervisor: Supervisor, old_email: str) -> None:
    """Queue the e-mail telling ``old_email`` that it is no longer the supervisor's address."""
    queue_email([old_email], "supervisor_address_changed", supervisor=supervisor)


def approved_addresses(placements: Iterable[Placement]) -> dict[int, str | None]:
    """The supervisor's address each placement was approved with, by placement id."""
    placements = list(placements)
    ids = [placement.id for placement in placements]
    kept: dict[int, str | None] = {}
    for chunk in _chunks(ids):
        query = select(ApprovedContact.placement_id, ApprovedContact.email).where(
            ApprovedContact.placement_id.in_(chunk)
        )
        kept.update((placement_id, email) for placement_id, email in db.session.execute(query))
    return {
        placement.id: kept[placement.id] if placement.id in kept else _current(placement)
        for placement in placements
    }


def _current(placement: Placement) -> str | None:
    supervisor = placement.project.supervisor
    return supervisor.email if supervisor else None


# -- saving a supervisor or a project ----------------------------------------------------


def save_supervisor(supervisor: Supervisor, values: dict[str, Any], *, by: User) -> bool:
    """Create or update a supervisor; a new address is kept from approved plans and told.

    Raises ``OwnRecord`` when ``by`` holds a placement on one of the
    supervisor's projects. Returns whether anything changed; the caller commits.
    """
    old_email = supervisor.email if supervisor.id is not None else None
    if old_email is not None:
        refuse_own_placement(by, supervisor_id=supervisor.id)
        if values["email"] != old_email:
            keep_approved_contacts(supervisor_id=supervisor.id)
    changed = save(supervisor, values, by=by, snapshot=supervisor_values)
    if old_email is not None and supervisor.email != old_email:
        tell_old_address(supervisor, old_email)
    return changed


def save_project(project: Project, values: dict[str, Any], *, by: User) -> bool:
    """Create or update a project; another supervisor leaves the approved address kept.

    Raises ``OwnRecord`` when ``by`` holds a placement on the project: its
    supervisor, hours, dates and status are all part of that placement.
    """
    if project.id is not None:
        refuse_own_placement(by, project_ids=[project.id])
        if values["supervisor_id"] != project.supervisor_id:
            keep_approved_contacts(project_ids=[project.id])
    return save(project, values, by=by, snapshot=project_values)


def guard_import(changed: Mapping[int, Collection[str]], *, by: User) -> None:
    """Before an import updates projects (id → names of the changed columns): refuse or keep.

    Raises ``OwnRecord`` if ``by`` holds a placement on any of them; keeps the
    approved address of those whose supervisor changes.
    """
    refuse_own_placement(by, project_ids=changed.keys())
    keep_approved_contacts(
        project_ids=[project_id for project_id, names in changed.items() if "supervisor" in names]
    )
