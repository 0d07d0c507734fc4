"""Browsing the audit log: filters, the query, and the people who acted."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select

from careercredit.extensions import db
from careercredit.models import AuditEvent, User
from careercredit.sql import escape_like

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


def actors_of(events: Iterable[AuditEvent]) -> dict[int, User]:
    """The people who acted in ``events``, loaded in one query."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def action_choices() -> list[tuple[str, str]]:
    """Every action seen in the log, each prefix (``plan.*``) before its actions."""
    actions = db.session.scalars(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).all()
    choices: list[tuple[str, str]] = []
    for action in actions:
        prefix = action.partition(".")[0]
        if "." in action and (prefix + PREFIX_MARK) not in dict(choices):
            choices.append((prefix + PREFIX_MARK, f"{prefix}.* (every {prefix} action)"))
        choices.append((action, action))
    return choices


def object_types() -> list[str]:
    """Every kind of object the log speaks of."""
    return list(
        db.session.scalars(
            select(AuditEvent.object_type)
            .where(AuditEvent.object_type.is_not(None))
            .distinct()
            .order_by(AuditEvent.object_type)
        )
    )


def details_text(details: dict[str, Any] | None) -> str:
    """The details as compact JSON, keys sorted (the template escapes it)."""
    if not details:
        return ""
    return json.dumps(
        details, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
