"""Sign-offs, grade exports to the student information system, postings and amendments.

Once a plan is posted nothing about it changes; a correction is an
``Amendment``, which later exports carry to the SIS.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model, db

if TYPE_CHECKING:
    from careercredit.models.people import User
    from careercredit.models.plans import CreditPlan
    from careercredit.models.terms import Term


class GradingScheme(enum.StrEnum):
    """How a term grades micro-internship credit."""

    satisfactory = "satisfactory"
    letter = "letter"

    @property
    def grades(self) -> tuple[str, ...]:
        """The grades a sponsor may give under this scheme."""
        if self is GradingScheme.letter:
            return ("A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "F")
        return ("S", "U")

    @property
    def failing(self) -> frozenset[str]:
        """Grades that earn no credit."""
        return frozenset({"F"} if self is GradingScheme.letter else {"U"})


class SignOff(Model):
    """The sponsor's decision: grade, credits awarded, comment. Never changed afterwards."""

    __tablename__ = "sign_off"
    __table_args__ = (CheckConstraint("credits_awarded BETWEEN 0 AND 12", name="credits_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), unique=True
    )
    grade: Mapped[str] = mapped_column(String(4))
    credits_awarded: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    plan: Mapped[CreditPlan] = relationship(back_populates="sign_off")
    signed_by: Mapped[User] = relationship()


class GradeExport(Model):
    """A CSV file made for the SIS, stored exactly as it was downloaded."""

    __tablename__ = "grade_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    filename: Mapped[str] = mapped_column(String(120))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    #: SHA-256 of ``content``, hex.
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    #: The SIS profile the file was made in (``registrar/profiles.py``).
    profile: Mapped[str] = mapped_column(String(16), default="generic", server_default="generic")
    #: The file's rows as ``GradeRow`` fields, whatever the profile's columns; empty
    #: for files made before profiles (generic files, read back from ``content``).
    rows: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)

    term: Mapped[Term] = relationship()
    created_by: Mapped[User] = relationship()


class RowStatus(enum.StrEnum):
    """Where a row of a grade export stands with the SIS."""

    #: In the file; the SIS has not answered yet. Nothing counts as posted.
    sent = "sent"
    #: The registrar recorded that the SIS took it.
    confirmed = "confirmed"
    #: The SIS refused it; the plan is back on the roster with the reason.
    rejected = "rejected"

    @property
    def label(self) -> str:
        """The status as the export page shows it."""
        return {
            RowStatus.sent: "Sent, awaiting the SIS",
            RowStatus.confirmed: "Confirmed",
            RowStatus.rejected: "Rejected by the SIS",
        }[self]


class SisRejection(Model):
    """The SIS's refusal of one plan's row of a grade export, with its reason."""

    __tablename__ = "sis_rejection"
    __table_args__ = (
        UniqueConstraint("export_id", "plan_id", name="uq_sis_rejection_export_plan"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("grade_export.id"), index=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), index=True
    )
    #: The SIS's message (from its error report, or as the registrar typed it).
    reason: Mapped[str] = mapped_column(Text)
    rejected_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    rejected_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    export: Mapped[GradeExport] = relationship()


class Posting(Model):
    """The registrar's record that a plan's credit went to the SIS."""

    __tablename__ = "posting"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), unique=True
    )
    export_id: Mapped[int | None] = mapped_column(ForeignKey("grade_export.id"), index=True)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    plan: Mapped[CreditPlan] = relationship(back_populates="posting")
    export: Mapped[GradeExport | None] = relationship()
    posted_by: Mapped[User] = relationship()


class Amendment(Model):
    """A registrar's correction of a posted plan's grade or credits, with its reason."""

    __tablename__ = "amendment"
    __table_args__ = (CheckConstraint("credits_after BETWEEN 0 AND 12", name="credits_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reason: Mapped[str] = mapped_column(Text)
    grade_before: Mapped[str] = mapped_column(String(4))
    grade_after: Mapped[str] = mapped_column(String(4))
    credits_before: Mapped[int] = mapped_column(SmallInteger)
    credits_after: Mapped[int] = mapped_column(SmallInteger)
    #: The export that carried this correction to the SIS; empty until exported, and
    #: emptied again when the SIS rejects it (back on the roster).
    exported_in_id: Mapped[int | None] = mapped_column(ForeignKey("grade_export.id"), index=True)
    #: When the registrar recorded that the SIS took it: only then is it done.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[CreditPlan] = relationship(back_populates="amendments")
    created_by: Mapped[User] = relationship()


@event.listens_for(SignOff, "before_update")
@event.listens_for(Posting, "before_update")
@event.listens_for(Amendment, "before_update")
@event.listens_for(SisRejection, "before_update")
def _refuse_change(mapper: object, connection: object, target: object) -> None:
    # An amendment may be marked as exported (or not, once rejected) and as confirmed;
    # nothing else about these rows changes.
    if isinstance(target, Amendment):
        changed = {attr.key for attr in db.inspect(target).attrs if attr.history.has_changes()}
        if changed <= {"exported_in_id", "exported_in", "confirmed_at"}:
            return
    raise RuntimeError(f"{type(target).__name__} rows are never changed; amend instead")
