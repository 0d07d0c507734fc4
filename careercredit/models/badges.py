"""Digital credentials: an Open Badges 3.0 credential per completed placement.

A credential is issued once its plan is posted and never changes: a
correction revokes it (its bit in the institution's status list is set) and,
where the achievement still stands, issues a new one in its place.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model

if TYPE_CHECKING:
    from careercredit.models.people import User
    from careercredit.models.plans import CreditPlan, Placement


class BadgeCredential(Model):
    """One signed OpenBadgeCredential, as it was issued."""

    __tablename__ = "badge_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The credential's ``urn:uuid:`` id without the prefix; also its public page's address.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("credit_plan.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    #: The credential's bit in the revocation status list; unique so no two share one.
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: The compact VC-JWT exactly as signed.
    token: Mapped[str] = mapped_column(Text)
    #: The credential (the JWT's payload), for pages that show it.
    document: Mapped[dict[str, object]] = mapped_column(JSON)
    #: The student chose to let anyone with the link see it.
    shareable: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The student chose to show the supervisor's rubric scores in it.
    with_scores: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("badge_credential.id"))

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    plan: Mapped[CreditPlan] = relationship()
    placement: Mapped[Placement] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def name(self) -> str:
        return str(self.document.get("name", ""))
