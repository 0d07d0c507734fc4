"""Hours students log on their placements, verified or disputed by supervisors."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model

if TYPE_CHECKING:
    from careercredit.models.plans import Placement
    from careercredit.models.supervision import SupervisorLink


class HourStatus(enum.StrEnum):
    """Where an hour entry stands with the supervisor."""

    submitted = "submitted"
    verified = "verified"
    disputed = "disputed"


class HourEntry(Model):
    """Hours worked on one day on one placement, and what was done."""

    __tablename__ = "hour_entry"
    __table_args__ = (
        CheckConstraint("hours >= 0.25 AND hours <= 24", name="hours_range"),
        CheckConstraint("(hours * 100) % 25 = 0", name="quarter_hours"),
        # One entry per sent form: a double click on "Log hours" logs the hours once.
        Index("uq_hour_entry_submission", "submission_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    work_date: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[HourStatus] = mapped_column(
        Enum(HourStatus, name="hour_status", native_enum=False, length=16),
        default=HourStatus.submitted,
        index=True,
    )
    #: The supervisor's reason when disputing; cleared when the student corrects the entry.
    dispute_comment: Mapped[str | None] = mapped_column(Text)
    #: When the supervisor verified or disputed it, and through which link.
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_via_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor_link.id"), index=True)
    #: The random id of the form that logged it (empty for entries logged otherwise).
    submission_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    placement: Mapped[Placement] = relationship(back_populates="hour_entries")
    decided_via: Mapped[SupervisorLink | None] = relationship()

    @property
    def is_waiting(self) -> bool:
        """Submitted and not yet answered by the supervisor."""
        return self.status == HourStatus.submitted

    @property
    def is_verified(self) -> bool:
        """The supervisor confirmed the hours."""
        return self.status == HourStatus.verified

    @property
    def is_disputed(self) -> bool:
        """The supervisor disputed the hours; the student corrects the entry."""
        return self.status == HourStatus.disputed

    @property
    def is_locked(self) -> bool:
        """A verified entry is final: nobody edits or deletes it."""
        return self.is_verified


def hours_text(value: Decimal | int | float) -> str:
    """Hours as people write them: 20, 12.5, 0.25 (no trailing zeros)."""
    return f"{Decimal(str(value)).normalize():f}"
