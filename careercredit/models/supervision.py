"""What external supervisors do through signed links: evaluations, and who saw what.

Supervisors have no account. A ``SupervisorLink`` row stands behind every
signed link sent to them, so a link can expire, be revoked and be re-sent;
each opening of a link is a ``Disclosure`` (FERPA §99.32).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model

if TYPE_CHECKING:
    from careercredit.models.people import User
    from careercredit.models.plans import Placement


class LinkPurpose(enum.StrEnum):
    """What a supervisor link lets its holder do (and nothing else)."""

    hours = "hours"
    midterm = "midterm"
    final = "final"

    @property
    def label(self) -> str:
        """The purpose as people read it."""
        return {
            "hours": "verify hours",
            "midterm": "midterm evaluation",
            "final": "final evaluation",
        }[self.value]


class SupervisorLink(Model):
    """One signed link sent to a supervisor for one placement and one purpose."""

    __tablename__ = "supervisor_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unguessable id carried inside the signed token.
    token_id: Mapped[str] = mapped_column(String(64), unique=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[LinkPurpose] = mapped_column(
        Enum(LinkPurpose, name="link_purpose", native_enum=False, length=16)
    )
    recipient_email: Mapped[str] = mapped_column(String(320))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the supervisor last acted through it (verified, disputed, evaluated).
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the student and advisors were told that it expired unanswered.
    expiry_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    placement: Mapped[Placement] = relationship(back_populates="links")
    created_by: Mapped[User] = relationship()


class RubricCriterion(Model):
    """One criterion of the evaluation rubric, scored 1-5; kept by the admin."""

    __tablename__ = "rubric_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    #: Five descriptors, for scores 1 to 5.
    descriptors: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Evaluation(Model):
    """A supervisor's feedback on a placement: one midterm (optional) and one final."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("placement_id", "kind", name="uq_evaluation_placement_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LinkPurpose] = mapped_column(
        Enum(LinkPurpose, name="evaluation_kind", native_enum=False, length=16)
    )
    #: Criterion key to score (1-5), with the criterion labels as they were.
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    comments: Mapped[str] = mapped_column(Text, default="")
    link_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor_link.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    placement: Mapped[Placement] = relationship(back_populates="evaluations")
    #: The link it came through, and so the address it was sent to.
    link: Mapped[SupervisorLink | None] = relationship()


class ApprovedContact(Model):
    """The supervisor's address a placement had when its plan was approved.

    Written only when that address is about to change after the approval (a
    supervisor's e-mail edited, or the project given another supervisor;
    ``catalogue/contacts.py``): until then the supervisor's current address is
    the one the plan was approved with. The sign-off summary flags answers
    that came from any other address.
    """

    __tablename__ = "approved_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    #: Empty when the project had no supervisor at approval.
    email: Mapped[str | None] = mapped_column(String(320))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Disclosure(Model):
    """A record leaving the institution: who received what, when and why (FERPA §99.32)."""

    __tablename__ = "disclosure"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement.id", ondelete="SET NULL"), index=True
    )
    link_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor_link.id"), index=True)
    #: The issued record a verification was about.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("record_document.id"), index=True)
    #: Who received it (an e-mail address, an organisation).
    recipient: Mapped[str] = mapped_column(String(320))
    purpose: Mapped[str] = mapped_column(String(200))
    #: What was shown, in words (e.g. "name, project, 12 hour entries").
    disclosed: Mapped[str] = mapped_column(Text)
    client_addr: Mapped[str | None] = mapped_column(String(64))
