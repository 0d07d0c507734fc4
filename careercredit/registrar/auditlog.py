"""Browsing the audit log: filters, the query, and the people who acted."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Protocol

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import InstrumentedAttribute

from careercredit import clock
from careercredit.csvexport import batches
from careercredit.extensions import db
from careercredit.links import row_url
from careercredit.models import AuditEvent, User
from careercredit.pagination import PAGE_IDS, paginate_ids
from careercredit.registrar.record import action_words
from careercredit.sql import aware, escape_like

#: An action filter ending in this selects every action of a prefix (``plan.*``).
PREFIX_MARK = ".*"


@dataclass(frozen=True)
class AuditFilters:
    """What the person asked to see; empty values filter nothing."""

    person: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    object_type: str = ""
    object_id: str = ""


def audit_page(filters: AuditFilters, *, page: int, per_page: int) -> Pagination:
    """One page of the audit events matching ``filters``, newest first, as rows (``_PAGE_ROWS``)."""
    ids = audit_query(filters).with_only_columns(AuditEvent.id)
    return paginate_ids(ids, rows=_PAGE_ROWS, page=page, per_page=per_page)


#: What the log page shows of each event of a page, built once: rows, not objects.
_PAGE_ROWS = select(
    AuditEvent.id,
    AuditEvent.created_at,
    AuditEvent.actor_id,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.client_addr,
    AuditEvent.details,
).where(AuditEvent.id.in_(PAGE_IDS))


def audit_query(filters: AuditFilters) -> Select:
    """Audit events matching ``filters``, newest first."""
    query = select(AuditEvent)
    if filters.person:
        query = query.join(User, User.id == AuditEvent.actor_id).where(
            User.uid == filters.person.strip().lower()
        )
    if filters.action.endswith(PREFIX_MARK):
        prefix = escape_like(filters.action.removesuffix("*"))
        query = query.where(AuditEvent.action.like(prefix + "%", escape="\\"))
    elif filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from:
        query = query.where(AuditEvent.created_at >= _midnight(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.created_at < _midnight(filters.date_to + timedelta(days=1)))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id.strip())
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


#: How the page shows when an event happened (the zone's abbreviation follows).
AT_FORMAT = "%Y-%m-%d %H:%M:%S"

CSV_HEADER = ("when", "who", "username", "action", "object_type", "object_id", "from", "details")


def csv_rows(filters: AuditFilters) -> Iterator[Sequence[object]]:
    """The events matching ``filters`` as CSV rows, newest first, read in batches.

    Times are UTC, as stored (ISO 8601); the people who acted are looked up
    once per batch.
    """
    ids = audit_query(filters).with_only_columns(AuditEvent.id)
    for batch in batches(ids, select(AuditEvent)):
        actors = actors_of(batch)
        for event in batch:
            actor = actors.get(event.actor_id) if event.actor_id is not None else None
            yield (
                aware(event.created_at).isoformat(),
                actor.display_name if actor else "",
                actor.uid if actor else "",
                event.action,
                event.object_type or "",
                event.object_id or "",
                event.client_addr or "",
                details_text(event.details),
            )


class Event(Protocol):
    """An audit event, or a row of ``_PAGE_ROWS``: what a list of the log reads."""

    created_at: datetime
    actor_id: int | None
    action: str
    object_type: str | None
    object_id: str | None
    client_addr: str | None
    details: Any


@dataclass(frozen=True)
class AuditLine:
    """One event as the log page shows it: every cell worked out here, none in the template."""

    #: When, as stored (``<time datetime>``) and in the institution's zone.
    at: str
    at_text: str
    #: Who acted (their name and username), or both empty for nobody signed in.
    who: str
    uid: str
    action: str
    words: str
    #: The object: a link to the plan or export it names, or only its type and id.
    href: str | None
    object_text: str
    client_addr: str
    details: str


def audit_lines(events: Sequence[Event]) -> list[AuditLine]:
    """``events`` as the log page shows them; the people who acted are read in one query."""
    actors = actors_of(events)
    zone = clock.zone()
    links = {
        "credit_plan": ("plan", row_url("plans.show", "plan_id")),
        "grade_export": ("export", row_url("registrar.export", "export_id")),
    }
    lines = []
    for event in events:
        actor = actors.get(event.actor_id) if event.actor_id is not None else None
        object_id = event.object_id or ""
        href, object_text = None, f"{event.object_type} {object_id}" if event.object_type else ""
        if object_id.isdigit() and (link := links.get(event.object_type or "")):
            href, object_text = link[1](object_id), f"{link[0]} {object_id}"
        lines.append(
            AuditLine(
                at=event.created_at.isoformat(),
                at_text=clock.datetime_text(event.created_at, AT_FORMAT, zone),
                who=actor.display_name if actor else "",
                uid=actor.uid if actor else "",
                action=event.action,
                words=action_words(event.action),
                href=href,
                object_text=object_text,
                client_addr=event.client_addr or "",
                details=details_text(event.details),
            )
        )
    return lines


def actors_of(events: Iterable[Event]) -> dict[int, Any]:
    """The people who acted in ``events`` (their ids, names and usernames), in one query."""
    ids = sorted({e.actor_id for e in events if e.actor_id is not None})
    if not ids:
        return {}
    return {person.id: person for person in db.session.execute(_ACTORS, {"people": ids})}


#: The names of the people (bound as ``people``) who acted, built once.
_ACTORS = select(User.id, User.display_name, User.uid).where(
    User.id.in_(bindparam("people", type_=Integer, expanding=True))
)


def distinct_values(column: str) -> list[Any]:
    """The distinct values of an indexed column of the log, smallest first, in one statement."""
    return list(db.session.scalars(_distinct(column)))


@cache
def _distinct(name: str) -> Select[Any]:
    """The values of the log's column ``name``, built once per process.

    ``SELECT DISTINCT`` reads all of a log of millions of rows; this asks the
    index for the next value above the last one found, once per value (a
    loose index scan, written as a recursive query).
    """
    column: InstrumentedAttribute[Any] = getattr(AuditEvent, name)
    seen = select(func.min(column).label("value")).cte("seen", recursive=True)
    following = select(func.min(column)).where(column > seen.c.value).scalar_subquery()
    seen = seen.union_all(select(following).where(seen.c.value.is_not(None)))
    return select(seen.c.value).where(seen.c.value.is_not(None)).order_by(seen.c.value)


def action_choices() -> list[tuple[str, str]]:
    """Every action seen in the log, each prefix (``plan.*``) before its actions."""
    actions = distinct_values("action")
    choices: list[tuple[str, str]] = []
    for action in actions:
        prefix = action.partition(".")[0]
        if "." in action and (prefix + PREFIX_MARK) not in dict(choices):
            choices.append((prefix + PREFIX_MARK, f"{prefix}.* (every {prefix} action)"))
        choices.append((action, action))
    return choices


def object_types() -> list[str]:
    """Every kind of object the log speaks of."""
    return distinct_values("object_type")


def details_text(details: dict[str, Any] | None) -> str:
    """The details as compact JSON, keys sorted (the template escapes it)."""
    if not details:
        return ""
    return json.dumps(
        details, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str
    )


def _midnight(day: date) -> datetime:
    """The first moment of ``day`` on the institution's calendar, in UTC."""
    return datetime.combine(day, time.min, tzinfo=clock.zone()).astimezone(UTC)
