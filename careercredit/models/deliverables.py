"""Work a student completed on a placement: files or links, reviewed by the supervisor."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model

if TYPE_CHECKING:
    from careercredit.models.plans import Placement


class DeliverableStatus(enum.StrEnum):
    """Where a version of a deliverable stands with the supervisor."""

    submitted = "submitted"
    accepted = "accepted"
    revision_requested = "revision_requested"

    @property
    def label(self) -> str:
        """The status as the student and staff read it."""
        return {
            "submitted": "Waiting for the supervisor",
            "accepted": "Accepted",
            "revision_requested": "Revision requested",
        }[self.value]


class Deliverable(Model):
    """One version of one deliverable; a new version is a new row that supersedes the old."""

    __tablename__ = "deliverable"
    __table_args__ = (
        CheckConstraint("(storage_key IS NULL) <> (link_url IS NULL)", name="file_or_link"),
        CheckConstraint("size_bytes IS NULL OR size_bytes > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(SmallInteger, default=1)
    #: The earlier version this one replaces; the history is this chain.
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliverable.id"), index=True, unique=True
    )
    #: A link instead of a file.
    link_url: Mapped[str | None] = mapped_column(String(2000))
    #: Random name of the stored file in the upload storage; never the user's name.
    storage_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    original_name: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    #: Sniffed from the bytes, not taken from the browser.
    content_type: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[DeliverableStatus] = mapped_column(
        Enum(DeliverableStatus, name="deliverable_status", native_enum=False, length=24),
        default=DeliverableStatus.submitted,
        index=True,
    )
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_via_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervisor_link.id"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    placement: Mapped[Placement] = relationship(back_populates="deliverables")
    supersedes: Mapped[Deliverable | None] = relationship(remote_side=[id])

    @property
    def awaits_review(self) -> bool:
        """Sent, and not yet accepted or sent back by the supervisor."""
        return self.status == DeliverableStatus.submitted
