"""The append-only audit log: who did what, when, to which object, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, event, func
from sqlalchemy.orm import Mapped, mapped_column

from careercredit.extensions import Model


class AuditEvent(Model):
    """One thing that happened. Rows are never updated or deleted.

    The database enforces this too: the first migration installs triggers
    that refuse UPDATE and DELETE on ``audit_event``.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        # The log filtered by person, by action or both, newest first.
        Index("ix_audit_event_actor", "actor_id", "created_at", "id"),
        Index("ix_audit_event_actor_action", "actor_id", "action", "created_at", "id"),
        Index("ix_audit_event_action_time", "action", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    #: The person who acted; empty for anonymous visitors and failed sign-ins.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: A dotted verb such as ``auth.login`` or ``plan.approve``.
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    client_addr: Mapped[str | None] = mapped_column(String(64))
    #: Before/after values and other facts; never passwords or tokens.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper: object, connection: object, target: AuditEvent) -> None:
    raise RuntimeError("audit events are append-only")
