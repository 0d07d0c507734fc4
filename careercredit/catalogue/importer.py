"""Importing projects from a marketplace's CSV export: compare, preview, apply.

The preview and the confirmation are two requests, possibly served by two
workers, so nothing is kept on the server in between: the preview signs the
rows it would apply (itsdangerous, the app's secret key, a salt of its own)
and the confirmation checks the signature, checks every row again against
the catalogue as it is by then, and applies them in one transaction.
Reading and checking the file itself is ``csvfile``'s job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from careercredit.audit import record_event
from careercredit.catalogue import contacts
from careercredit.catalogue.csvfile import (
    COLUMNS,
    BadImportFile,
    Change,
    ImportRow,
    ProjectData,
    RowStatus,
    check_row,
    mark_duplicates,
)
from careercredit.catalogue.services import format_hours
from careercredit.extensions import db
from careercredit.models import Employer, Project, ProjectStatus, Supervisor, User
from careercredit.refusals import OwnRecord

#: Seconds a preview may wait for its confirmation.
PREVIEW_MAX_AGE = 3600
SALT = "careercredit.catalogue.import"

TAMPERED = "The preview could not be verified. Upload the file again to import it."
EXPIRED = "The preview is more than an hour old. Upload the file again to import it."
CHANGED = (
    "The catalogue changed while the file was being imported; nothing was saved. "
    "Upload the file again."
)


class PreviewRefused(BadImportFile):
    """The confirmation carries no preview this app signed for this person, or an old one."""

    status = 400


class CatalogueChanged(BadImportFile):
    """Someone else added an employer, supervisor or project the import adds too."""

    status = 409

    def __init__(self) -> None:
        super().__init__(CHANGED)


# -- comparing with the catalogue and applying --------------------------------------------


def _chunks(items: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    batch = sorted(set(items))
    for start in range(0, len(batch), size):
        yield batch[start : start + size]


class _Catalogue:
    """The employers, supervisors and projects an import touches, loaded in a few queries."""

    def __init__(self, rows: list[ImportRow]) -> None:
        data = [row.data for row in rows if row.data is not None]
        self.employers = {e.name.casefold(): e for e in db.session.scalars(select(Employer))}
        self.supervisors: dict[tuple[str, str], Supervisor] = {}
        for emails in _chunks(d.supervisor_email for d in data if d.supervisor_email):
            people = select(Supervisor).where(Supervisor.email.in_(emails))
            for supervisor in db.session.scalars(people):
                self.supervisors[(supervisor.employer.name.casefold(), supervisor.email)] = (
                    supervisor
                )
        self.projects: dict[str, Project] = {}
        for ids in _chunks(d.external_id for d in data):
            projects = (
                select(Project)
                .options(joinedload(Project.employer), joinedload(Project.supervisor))
                .where(Project.external_id.in_(ids))
            )
            for project in db.session.scalars(projects):
                if project.external_id is not None:  # always: it was searched for
                    self.projects[project.external_id] = project
        self.created: Counter[str] = Counter()

    def employer(self, data: ProjectData) -> Employer:
        employer = self.employers.get(data.employer.casefold())
        if employer is None:
            employer = Employer(name=data.employer, website=data.employer_website)
            db.session.add(employer)
            self.employers[data.employer.casefold()] = employer
            self.created["employers"] += 1
        return employer

    def supervisor(self, employer: Employer, data: ProjectData) -> Supervisor | None:
        if data.supervisor_email is None:
            return None
        key = (employer.name.casefold(), data.supervisor_email)
        supervisor = self.supervisors.get(key)
        if supervisor is None:
            supervisor = Supervisor(
                employer=employer,
                name=data.supervisor_name,
                title=data.supervisor_title,
                email=data.supervisor_email,
            )
            db.session.add(supervisor)
            self.supervisors[key] = supervisor
            self.created["supervisors"] += 1
        return supervisor


def _changes(project: Project, data: ProjectData) -> list[Change]:
    def person(employer: str, email: str | None) -> tuple[str, str] | None:
        return (employer.casefold(), email) if email else None

    old_sup = project.supervisor.email if project.supervisor else None
    pairs = [
        ("title", project.title, data.title),
        ("description", project.description, data.description),
        ("deliverables", project.deliverables, data.deliverables),
        (
            "estimated_hours",
            format_hours(project.estimated_hours),
            format_hours(data.estimated_hours),
        ),
        ("start_date", project.starts_on.isoformat(), data.starts_on.isoformat()),
        ("end_date", project.ends_on.isoformat(), data.ends_on.isoformat()),
        ("status", ProjectStatus(project.status).value, data.status.value),
    ]
    changes = [Change(name, before, after) for name, before, after in pairs if before != after]
    if project.employer.name.casefold() != data.employer.casefold():
        changes.append(Change("employer", project.employer.name, data.employer))
    if person(project.employer.name, old_sup) != person(data.employer, data.supervisor_email):
        changes.append(Change("supervisor", old_sup or "none", data.supervisor_email or "none"))
    return changes


def compare(rows: list[ImportRow], *, by: User) -> dict[str, int]:
    """Mark each acceptable row new, updated (with its changes) or unchanged; count them.

    A row that would change a project ``by`` holds a placement on is rejected:
    another advisor must import it (``contacts.refuse_own_placement``).
    """
    catalogue = _Catalogue(rows)
    updated: dict[int, ImportRow] = {}
    for row in rows:
        if row.data is None:
            row.status = RowStatus.rejected
            continue
        project = catalogue.projects.get(row.data.external_id)
        if project is None:
            row.status = RowStatus.new
        else:
            row.changes = _changes(project, row.data)
            row.status = RowStatus.updated if row.changes else RowStatus.unchanged
            if row.changes:
                updated[project.id] = row
    for project_id in contacts.placed_projects(by, updated.keys()):
        row = updated[project_id]
        row.problems.append(f"You hold a placement on this project. {OwnRecord(contacts.ANOTHER)}")
        row.status = RowStatus.rejected
    counts = Counter(row.status for row in rows)
    return {status.value: counts[status] for status in RowStatus}


def apply(rows: list[ImportRow], *, by: User, source: dict[str, Any]) -> dict[str, int]:
    """Create and update the projects of the acceptable rows; record one audit event.

    Raises ``OwnRecord`` before changing anything if a row changes a project
    ``by`` holds a placement on.
    """
    catalogue = _Catalogue(rows)
    contacts.guard_import(_updates(catalogue, rows), by=by)
    counts: Counter[str] = Counter()
    for row in rows:
        data = row.data
        if data is None:
            counts["skipped"] += 1
            continue
        project = catalogue.projects.get(data.external_id)
        if project is None:
            project = Project(external_id=data.external_id)
            db.session.add(project)
            catalogue.projects[data.external_id] = project
            counts["created"] += 1
        elif _changes(project, data):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
            continue
        employer = catalogue.employer(data)
        project.employer = employer
        project.supervisor = catalogue.supervisor(employer, data)
        project.title = data.title
        project.description = data.description
        project.deliverables = data.deliverables
        project.estimated_hours = data.estimated_hours
        project.starts_on = data.starts_on
        project.ends_on = data.ends_on
        project.status = data.status
    db.session.flush()
    result = {key: counts[key] for key in ("created", "updated", "unchanged", "skipped")}
    result["employers_created"] = catalogue.created["employers"]
    result["supervisors_created"] = catalogue.created["supervisors"]
    record_event("project.import", actor=by, object_type="project", details={**source, **result})
    return result


def _updates(catalogue: _Catalogue, rows: list[ImportRow]) -> dict[int, list[str]]:
    """The existing projects the rows change: id → the names of what changes."""
    updates: dict[int, list[str]] = {}
    for row in rows:
        project = catalogue.projects.get(row.data.external_id) if row.data else None
        if project is not None and row.data is not None:
            names = [change.field for change in _changes(project, row.data)]
            if names:
                updates[project.id] = names
    return updates


# -- carrying the preview to the confirmation ---------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    assert secret is not None  # Config.check refuses to start without one
    return URLSafeTimedSerializer(secret, salt=SALT)


def sign(rows: list[ImportRow], *, user_id: int, source: dict[str, Any]) -> str:
    """Sign the rows to apply (new and updated ones) for the confirmation form."""
    chosen = [
        [row.number, [row.values.get(name, "") for name in COLUMNS]]
        for row in rows
        if row.status in {RowStatus.new, RowStatus.updated}
    ]
    return _serializer().dumps({"user": user_id, "source": source, "rows": chosen})


def unsign(token: str, *, user_id: int) -> tuple[list[ImportRow], dict[str, Any]]:
    """Check a signed preview of ``user_id`` and check its rows again.

    Raises ``PreviewRefused`` for a preview that is not this person's, was
    changed, or is too old.
    """
    try:
        payload = _serializer().loads(token, max_age=PREVIEW_MAX_AGE)
    except SignatureExpired:
        raise PreviewRefused(EXPIRED) from None
    except BadSignature:
        raise PreviewRefused(TAMPERED) from None
    try:
        if payload["user"] != user_id:
            raise PreviewRefused(TAMPERED)
        rows = [
            check_row(int(number), dict(zip(COLUMNS, values, strict=True)))
            for number, values in payload["rows"]
        ]
        source = dict(payload["source"])
    except (KeyError, TypeError, ValueError):
        raise PreviewRefused(TAMPERED) from None
    return mark_duplicates(rows), source
