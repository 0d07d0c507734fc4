"""Writing audit events: one call per thing that happened."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from careercredit.extensions import db
from careercredit.models import AuditEvent, User


def record_event(
    action: str,
    *,
    actor: User | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit writes it."""
    if actor is not None and actor.id is None:
        db.session.flush()
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        client_addr=request.remote_addr if has_request_context() else None,
        details=details or {},
    )
    db.session.add(event)
    return event
