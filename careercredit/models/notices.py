"""Notices: what happened that a person should know, in the app and by e-mail.

A ``Notice`` is one event told to one recipient: a person who signs in
(``user_id``, listed on their notices page) or a supervisor, who has no
account and is known by e-mail alone. Whether its e-mail goes out at once or
in the day's digest is the person's ``NoticePreference``; ``NoticeDigest``
holds one row per address and day, so a digest is never sent twice in a day.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model
from careercredit.models.people import User
from careercredit.models.plans import CreditPlan


class NoticeKind(enum.StrEnum):
    """What a notice is about; each kind has its e-mail in ``templates/email/``."""

    plan_submitted = "plan_submitted"
    plan_submitted_sponsor = "plan_submitted_sponsor"
    plan_assigned = "plan_assigned"
    hours_disputed = "hours_disputed"
    deliverable_reviewed = "deliverable_reviewed"
    evaluation_received = "evaluation_received"
    entries_corrected = "entries_corrected"
    plan_decided = "plan_decided"
    plan_approved_sponsor = "plan_approved_sponsor"
    plan_withdrawn = "plan_withdrawn"
    plan_ready_for_signoff = "plan_ready_for_signoff"
    plan_sent_back = "plan_sent_back"
    plan_posted = "plan_posted"


class Delivery(enum.StrEnum):
    """How a person wants their notices by e-mail."""

    immediate = "immediate"
    digest = "digest"

    @property
    def label(self) -> str:
        """The choice as people read it."""
        return {
            Delivery.immediate: "An e-mail for each notice, as it happens",
            Delivery.digest: "One e-mail a day listing the day's notices",
        }[self]


class Notice(Model):
    """One event told to one person (or one supervisor's address)."""

    __tablename__ = "notice"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="has_recipient"),
        # A person's notices page, newest first, and their unread count.
        Index("ix_notice_user", "user_id", "id"),
        Index("ix_notice_unread", "user_id", "read_at"),
        # The digest's work: notices not yet e-mailed.
        Index("ix_notice_waiting", "emailed_at", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[NoticeKind] = mapped_column(
        Enum(NoticeKind, name="notice_kind", native_enum=False, length=32)
    )
    #: The person told; empty for a supervisor, who has no account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    #: The address the e-mail goes to (the person's at the time, or the supervisor's).
    email: Mapped[str | None] = mapped_column(String(320))
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), index=True
    )
    #: One line saying what happened, as the notices page and the digest show it.
    summary: Mapped[str] = mapped_column(String(300))
    #: Where the person acts on it: an absolute address (a supervisor's link) or a path.
    link: Mapped[str] = mapped_column(String(1000), default="")
    #: When its e-mail was queued, alone or in a digest; empty while it waits for one.
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User | None] = relationship()
    plan: Mapped[CreditPlan | None] = relationship()


class NoticePreference(Model):
    """A person's choice of immediate e-mails or a daily digest (immediate without a row)."""

    __tablename__ = "notice_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    delivery: Mapped[Delivery] = mapped_column(
        Enum(Delivery, name="notice_delivery", native_enum=False, length=16),
        default=Delivery.immediate,
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class NoticeDigest(Model):
    """The digest sent to one address on one day: its row is what keeps it to one a day."""

    __tablename__ = "notice_digest"
    __table_args__ = (UniqueConstraint("email", "day", name="uq_notice_digest_email_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    #: The institution's calendar day (``clock.today``) the digest was sent on.
    day: Mapped[date] = mapped_column(Date)
    notices: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AdvisorAssignment(Model):
    """An advisor given a plan to look after: by rule, by turn, or by another advisor.

    The latest row (highest id) per advisor is the last plan they were given,
    which is how the round-robin picks the advisor least recently assigned.
    """

    __tablename__ = "advisor_assignment"
    __table_args__ = (Index("ix_advisor_assignment_advisor", "advisor_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: Who reassigned it; empty when it was assigned on submission.
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: How the advisor was chosen: "rule", "turn" or "reassigned".
    reason: Mapped[str] = mapped_column(String(16))
    assigned_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])


class AdvisorRule(Model):
    """The office's rule: plans of a department (or course subject) go to one advisor."""

    __tablename__ = "advisor_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A course's department or subject as typed, compared without regard to case.
    match: Mapped[str] = mapped_column(String(120))
    #: ``match`` case-folded: one rule per department or subject.
    match_key: Mapped[str] = mapped_column(String(120), unique=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])
