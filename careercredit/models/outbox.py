"""The transactional outbox: e-mail written in the same transaction as the change it reports."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, Index, SmallInteger, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from careercredit.extensions import Model


class MessageStatus(enum.StrEnum):
    """Where a message is on its way out."""

    pending = "pending"
    sent = "sent"
    failed = "failed"


class OutboxMessage(Model):
    """One e-mail to one recipient, waiting to be sent or already sent."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        Enum(MessageStatus, name="message_status", native_enum=False, length=16),
        default=MessageStatus.pending,
    )
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: When the sender may try again; set after each failure with a growing delay.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
