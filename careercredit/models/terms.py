"""Academic terms and their credit policy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Enum, SmallInteger, String, func
from sqlalchemy.orm import Mapped, mapped_column

from careercredit import clock
from careercredit.extensions import Model
from careercredit.models.records import GradingScheme

DEFAULT_HOURS_PER_CREDIT = 45
DEFAULT_MAX_CREDITS = 3
DEFAULT_COURSE = "CAREER 2990"


class Term(Model):
    """An academic term such as ``2027SP``."""

    __tablename__ = "term"
    __table_args__ = (
        CheckConstraint("starts_on < ends_on", name="starts_before_ends"),
        CheckConstraint("census_on >= starts_on AND census_on <= ends_on", name="census_in_term"),
        CheckConstraint("grading_deadline >= ends_on", name="grading_after_end"),
        CheckConstraint("hours_per_credit BETWEEN 1 AND 200", name="hours_per_credit_range"),
        CheckConstraint("max_credits BETWEEN 1 AND 12", name="max_credits_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    #: Last day to add or drop; plans approved after it need a registrar's attention.
    census_on: Mapped[date] = mapped_column(Date)
    #: Faculty must sign off by this day.
    grading_deadline: Mapped[date] = mapped_column(Date)
    hours_per_credit: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_HOURS_PER_CREDIT)
    max_credits: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_MAX_CREDITS)
    grading_scheme: Mapped[GradingScheme] = mapped_column(
        Enum(GradingScheme, name="grading_scheme", native_enum=False, length=16),
        default=GradingScheme.satisfactory,
        server_default=GradingScheme.satisfactory.value,
    )
    #: The SIS course the credit is posted to, e.g. ``CAREER 2990``.
    course_code: Mapped[str] = mapped_column(
        String(32), default=DEFAULT_COURSE, server_default=DEFAULT_COURSE
    )
    section: Mapped[str] = mapped_column(String(8), default="001", server_default="001")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def required_hours(self, credits: int) -> int:
        """Hours a plan of ``credits`` credits needs in this term."""
        return credits * self.hours_per_credit

    @property
    def days_to_census(self) -> int:
        """Days from the institution's today to the census date (negative once past)."""
        return (self.census_on - clock.today()).days

    @property
    def days_to_grading_deadline(self) -> int:
        """Days from the institution's today to the grading deadline (negative once late)."""
        return (self.grading_deadline - clock.today()).days

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
