"""The catalogue's queries and writes: list pages in SQL, saves with their audit events."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.ids import MAX_ID
from careercredit.models import Employer, Project, ProjectStatus, Supervisor, Term, User
from careercredit.pagination import paginate_ids
from careercredit.sql import contains_ignoring_case

PER_PAGE = 25
MAX_PAGE = 100_000
OPTIONS_LIMIT = 20
MIN_HOURS = Decimal("0")
MAX_HOURS = Decimal("2000")

HOURS_FORMAT = "Enter the hours as a number, such as 30 or 12.5."
HOURS_RANGE = "Estimated hours must be more than 0 and at most 2000."
HOURS_PLACES = "Use at most two decimal places for the hours."
EMAIL_FORMAT = "Enter an e-mail address such as name@example.com."
WEBSITE_FORMAT = "Enter a web address such as https://www.example.com."

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# -- cleaning and parsing, shared by the forms and the CSV importer ---------------------


def clean_text(value: str | None) -> str:
    """Strip ``value`` and drop control characters no database column should hold."""
    return _CONTROL.sub("", value or "").strip()


def normalize_email(value: str) -> str:
    """Return ``value`` lower-cased, or raise ``ValueError`` if it is not an address."""
    email = clean_text(value).lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise ValueError(EMAIL_FORMAT)
    return email


def normalize_website(value: str) -> str | None:
    """Return ``value`` as an http(s) address (adding ``https://``), or ``None`` if blank."""
    url = clean_text(value)
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or "." not in parts.netloc or " " in url:
        raise ValueError(WEBSITE_FORMAT)
    if len(url) > 500:
        raise ValueError("Web addresses can be at most 500 characters long.")
    return url


def parse_hours(value: str) -> Decimal:
    """Read estimated hours: a number above 0, at most 2000, with two decimals at most."""
    try:
        hours = Decimal(clean_text(value))
    except InvalidOperation:
        raise ValueError(HOURS_FORMAT) from None
    check_hours(hours)
    return hours


def check_hours(hours: Decimal) -> None:
    """Raise ``ValueError`` unless ``hours`` may be stored as a project's estimate."""
    if not hours.is_finite():
        raise ValueError(HOURS_FORMAT)
    if not MIN_HOURS < hours <= MAX_HOURS:
        raise ValueError(HOURS_RANGE)
    if hours != hours.quantize(Decimal("0.01")):
        raise ValueError(HOURS_PLACES)


def format_hours(hours: Decimal | None) -> str:
    """Show hours without trailing zeros: ``30``, ``12.5``."""
    if hours is None:
        return ""
    text = f"{hours:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def valid_id(value: Any) -> int | None:
    """Return ``value`` as a database id, or ``None`` if it cannot be one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def page_number(value: Any) -> int:
    """Return a page number between 1 and ``MAX_PAGE`` from a query argument."""
    try:
        return min(max(int(value), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


# -- loading -----------------------------------------------------------------------------


def employer_by_id(employer_id: int | None) -> Employer | None:
    """The employer with ``employer_id``, if there is one."""
    return db.session.get(Employer, employer_id) if employer_id else None


def term_by_id(term_id: int | None) -> Term | None:
    """The term with ``term_id``, if there is one."""
    return db.session.get(Term, term_id) if term_id else None


# -- list pages -------------------------------------------------------------------------


def _paginate(query: Select[Any], page: int) -> Pagination:
    """One page of ``query``; a page past the end shows the last one."""
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    if not pagination.items and page > pagination.pages > 0:
        pagination = db.paginate(query, page=pagination.pages, per_page=PER_PAGE, error_out=False)
    return pagination


def employer_page(q: str, page: int) -> Pagination:
    """Employers whose name, website or address contains ``q``, by name."""
    query = select(Employer).order_by(Employer.name, Employer.id)
    if q:
        query = query.where(
            or_(
                contains_ignoring_case(Employer.name, q),
                contains_ignoring_case(Employer.website, q),
                contains_ignoring_case(Employer.address, q),
            )
        )
    return _paginate(query, page)


def supervisor_page(q: str, employer_id: int | None, page: int) -> Pagination:
    """Supervisors matching ``q`` by name, title or e-mail, with their employers."""
    query = (
        select(Supervisor)
        .options(joinedload(Supervisor.employer))
        .order_by(Supervisor.name, Supervisor.id)
    )
    if employer_id is not None:
        query = query.where(Supervisor.employer_id == employer_id)
    if q:
        query = query.where(
            or_(
                contains_ignoring_case(Supervisor.name, q),
                contains_ignoring_case(Supervisor.title, q),
                contains_ignoring_case(Supervisor.email, q),
            )
        )
    return _paginate(query, page)


#: Employers matched by a search that are named in the projects' query; more are a subquery.
EMPLOYERS_LISTED = 100


def projects_matching(q: str, query: Select[Any] | None = None) -> Select[Any]:
    """Projects whose title, description, external id or employer name contains ``q``.

    The employers are matched first, in a query of their own, and the few
    that match are named in the projects' query: every condition is then one
    an index can answer (the trigram indexes of migration 0010 on
    PostgreSQL), so a rare word is found without reading every project.
    """
    query = select(Project) if query is None else query
    if not q:
        return query
    matching = select(Employer.id).where(contains_ignoring_case(Employer.name, q))
    employers = db.session.scalars(matching.limit(EMPLOYERS_LISTED + 1)).all()
    conditions = [
        contains_ignoring_case(Project.title, q),
        contains_ignoring_case(Project.description, q),
        contains_ignoring_case(Project.external_id, q),
    ]
    if len(employers) > EMPLOYERS_LISTED:
        conditions.append(Project.employer_id.in_(matching))
    elif employers:
        conditions.append(Project.employer_id.in_(employers))
    return query.where(or_(*conditions))


def project_page(
    q: str, employer_id: int | None, status: ProjectStatus | None, page: int
) -> Pagination:
    """Projects matching the search and filters, newest start first.

    The page is found by id and only its rows are loaded with their employers
    and supervisors; a page past the end shows the last one. A text search's
    total is counted only as far as its page read ("more than 25").
    """
    ids = projects_matching(q, select(Project.id))
    if employer_id is not None:
        ids = ids.where(Project.employer_id == employer_id)
    if status is not None:
        ids = ids.where(Project.status == status)
    ids = ids.order_by(Project.starts_on.desc(), Project.title, Project.id)
    load = select(Project).options(joinedload(Project.employer), joinedload(Project.supervisor))
    # A text search scans the projects; counting all matches would scan them all again.
    pagination = paginate_ids(ids, load, page=page, per_page=PER_PAGE, count_seen=bool(q))
    if not pagination.items and page > pagination.pages > 0:
        pagination = paginate_ids(ids, load, page=pagination.pages, per_page=PER_PAGE)
    return pagination


def projects_of(
    *, employer_id: int | None = None, supervisor_id: int | None = None
) -> list[Project]:
    """The latest projects of an employer or a supervisor, for their detail pages."""
    query = select(Project).options(joinedload(Project.employer), joinedload(Project.supervisor))
    if employer_id is not None:
        query = query.where(Project.employer_id == employer_id)
    if supervisor_id is not None:
        query = query.where(Project.supervisor_id == supervisor_id)
    query = query.order_by(Project.starts_on.desc(), Project.id).limit(PER_PAGE)
    return list(db.session.scalars(query))


def count_projects(*, employer_id: int | None = None, supervisor_id: int | None = None) -> int:
    """How many projects an employer offers or a supervisor is named on."""
    query = select(func.count(Project.id))
    if employer_id is not None:
        query = query.where(Project.employer_id == employer_id)
    if supervisor_id is not None:
        query = query.where(Project.supervisor_id == supervisor_id)
    return db.session.scalar(query) or 0


def open_project_counts(employer_ids: Iterable[int]) -> dict[int, int]:
    """Open projects per employer, for one page of employers, in one query."""
    ids = list(employer_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Project.employer_id, func.count(Project.id))
        .where(Project.employer_id.in_(ids), Project.status == ProjectStatus.open)
        .group_by(Project.employer_id)
    )
    return {employer_id: count for employer_id, count in rows}


def offered(query: Select[Any], *, term: Term | None, today: date | None = None) -> Select[Any]:
    """``query`` narrowed to projects still offered (open, not ended), during ``term`` if given."""
    today = today or clock.today()
    query = query.where(Project.status == ProjectStatus.open, Project.ends_on >= today)
    if term is not None:
        query = query.where(Project.starts_on <= term.ends_on, Project.ends_on >= term.starts_on)
    return query


def project_options(q: str, term: Term | None) -> list[dict[str, Any]]:
    """Projects offered (open, not ended) matching ``q``, running during ``term`` when given."""
    query = offered(projects_matching(q), term=term).options(joinedload(Project.employer))
    query = query.order_by(Project.title, Project.id).limit(OPTIONS_LIMIT)
    return [
        {
            "id": project.id,
            "title": project.title,
            "employer": project.employer.name,
            "estimated_hours": float(project.estimated_hours),
            "starts_on": project.starts_on.isoformat(),
            "ends_on": project.ends_on.isoformat(),
        }
        for project in db.session.scalars(query)
    ]


def employer_choices() -> list[tuple[int, str]]:
    """Every employer as (id, name), for select boxes."""
    rows = db.session.execute(select(Employer.id, Employer.name).order_by(Employer.name))
    return [(employer_id, name) for employer_id, name in rows]


def supervisor_choices() -> list[tuple[int, str, int, str]]:
    """Every supervisor as (id, "name <e-mail>", employer id, employer name), by employer."""
    rows = db.session.execute(
        select(Supervisor.id, Supervisor.name, Supervisor.email, Employer.id, Employer.name)
        .join(Supervisor.employer)
        .order_by(Employer.name, Supervisor.name, Supervisor.id)
    )
    return [
        (sup_id, f"{name} <{email}>", employer_id, employer_name)
        for sup_id, name, email, employer_id, employer_name in rows
    ]


# -- uniqueness --------------------------------------------------------------------------


def employer_named(name: str) -> Employer | None:
    """The employer called ``name``, ignoring case."""
    return db.session.scalars(
        select(Employer).where(func.lower(Employer.name) == func.lower(name)).limit(1)
    ).first()


def supervisor_with_email(employer_id: int, email: str) -> Supervisor | None:
    """The supervisor of ``employer_id`` with the (lower-case) ``email``."""
    return db.session.scalar(
        select(Supervisor).where(Supervisor.employer_id == employer_id, Supervisor.email == email)
    )


# -- writes ------------------------------------------------------------------------------


def employer_values(employer: Employer) -> dict[str, Any]:
    """What the audit log records of an employer."""
    return {
        "name": employer.name,
        "website": employer.website,
        "address": employer.address,
        "notes": employer.notes,
    }


def supervisor_values(supervisor: Supervisor) -> dict[str, Any]:
    """What the audit log records of a supervisor."""
    return {
        "employer_id": supervisor.employer_id,
        "name": supervisor.name,
        "title": supervisor.title,
        "email": supervisor.email,
    }


def project_values(project: Project) -> dict[str, Any]:
    """What the audit log records of a project (JSON-ready)."""
    return {
        "employer_id": project.employer_id,
        "supervisor_id": project.supervisor_id,
        "title": project.title,
        "description": project.description,
        "deliverables": project.deliverables,
        "estimated_hours": format_hours(project.estimated_hours),
        "starts_on": project.starts_on.isoformat() if project.starts_on else None,
        "ends_on": project.ends_on.isoformat() if project.ends_on else None,
        "status": ProjectStatus(project.status).value if project.status else None,
    }


def save(
    obj: Employer | Supervisor | Project,
    values: dict[str, Any],
    *,
    by: User,
    snapshot: Callable[[Any], dict[str, Any]],
) -> bool:
    """Create or update ``obj`` with ``values`` and record what changed.

    Returns whether anything changed. The caller commits.
    """
    kind = obj.__tablename__
    creating = obj.id is None
    before = {} if creating else snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    if creating:
        db.session.add(obj)
    db.session.flush()
    after = snapshot(obj)
    if creating:
        record_event(
            f"{kind}.create", actor=by, object_type=kind, object_id=obj.id, details={"after": after}
        )
        return True
    changed = [key for key in after if before.get(key) != after[key]]
    if not changed:
        return False
    record_event(
        f"{kind}.update",
        actor=by,
        object_type=kind,
        object_id=obj.id,
        details={
            "before": {key: before.get(key) for key in changed},
            "after": {key: after[key] for key in changed},
        },
    )
    return True
