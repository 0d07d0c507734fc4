"""Credit courses, their grading schemes, and the sections a term offers.

A plan is for one ``CourseSection``; its sign-off offers the grades of the
section's scheme. A plan without a section (made before courses existed, or
in a term that offers none) is graded under its term's built-in scheme
(``records.GradingScheme``), which the two built-in schemes here mirror.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model

if TYPE_CHECKING:
    from careercredit.models.people import User
    from careercredit.models.terms import Term


class SchemeKind(enum.StrEnum):
    """The family a grading scheme belongs to."""

    satisfactory = "satisfactory"
    pass_fail = "pass_fail"  # noqa: S105 (a grading scheme, not a password)
    letter = "letter"
    letter_plus_minus = "letter_plus_minus"

    @property
    def label(self) -> str:
        """The kind as people read it."""
        return {
            SchemeKind.satisfactory: "Satisfactory / unsatisfactory",
            SchemeKind.pass_fail: "Pass / fail",
            SchemeKind.letter: "Letter grades (A to F)",
            SchemeKind.letter_plus_minus: "Letter grades with + and -",
        }[self]


class Scheme(Model):
    """A grading scheme: its grades, what each means and whether it earns credit.

    Named ``Scheme`` because ``records.GradingScheme`` is the term's built-in
    choice, kept for plans without a section.
    """

    __tablename__ = "grading_scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[SchemeKind] = mapped_column(
        Enum(SchemeKind, name="scheme_kind", native_enum=False, length=24)
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    grade_rows: Mapped[list[SchemeGrade]] = relationship(
        back_populates="scheme",
        cascade="all, delete-orphan",
        order_by="SchemeGrade.position",
        lazy="selectin",
    )

    @property
    def grades(self) -> tuple[str, ...]:
        """The grades a sponsor may give, best first."""
        return tuple(row.grade for row in self.grade_rows)

    @property
    def failing(self) -> frozenset[str]:
        """Grades that earn no credit."""
        return frozenset(row.grade for row in self.grade_rows if not row.earns_credit)

    def choices(self) -> list[tuple[str, str]]:
        """The grades as (value, label) pairs for a select box: ``S — satisfactory``."""
        return [
            (r.grade, f"{r.grade} — {r.meaning}" if r.meaning else r.grade) for r in self.grade_rows
        ]

    def __str__(self) -> str:
        return self.name


class SchemeGrade(Model):
    """One grade of a scheme."""

    __tablename__ = "scheme_grade"
    __table_args__ = (
        UniqueConstraint("scheme_id", "grade", name="uq_scheme_grade_scheme_grade"),
        CheckConstraint("points IS NULL OR points BETWEEN 0 AND 5", name="points_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("grading_scheme.id", ondelete="CASCADE"), index=True
    )
    #: Order on pages and in select boxes, best grade first.
    position: Mapped[int] = mapped_column(SmallInteger)
    grade: Mapped[str] = mapped_column(String(4))
    meaning: Mapped[str] = mapped_column(String(80), default="")
    #: Grade points toward a GPA; None for grades outside the GPA (S, U, P).
    points: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    earns_credit: Mapped[bool] = mapped_column(Boolean, default=True)

    scheme: Mapped[Scheme] = relationship(back_populates="grade_rows")


class Course(Model):
    """A department's internship-credit course, such as ``BUS 3990``."""

    __tablename__ = "course"
    __table_args__ = (
        UniqueConstraint("subject", "number", name="uq_course_subject_number"),
        CheckConstraint(
            "credits_min BETWEEN 0 AND 12 AND credits_max BETWEEN 1 AND 12 "
            "AND credits_min <= credits_max",
            name="credit_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(120))
    department: Mapped[str] = mapped_column(String(120), default="", index=True)
    credits_min: Mapped[int] = mapped_column(SmallInteger, default=1)
    credits_max: Mapped[int] = mapped_column(SmallInteger, default=3)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("grading_scheme.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    scheme: Mapped[Scheme] = relationship(lazy="joined")
    sections: Mapped[list[CourseSection]] = relationship(
        back_populates="course", order_by="CourseSection.id"
    )

    @property
    def code(self) -> str:
        """Subject and number as the SIS writes them: ``BUS 3990``."""
        return f"{self.subject} {self.number}"

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class CourseSection(Model):
    """A section of a course offered in one term, with its class number (CRN)."""

    __tablename__ = "course_section"
    __table_args__ = (
        UniqueConstraint("term_id", "course_id", "section", name="uq_course_section_term_section"),
        UniqueConstraint("term_id", "class_number", name="uq_course_section_term_class_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    section: Mapped[str] = mapped_column(String(8))
    #: The SIS's number for this class in this term (Banner's CRN); empty until known.
    class_number: Mapped[str | None] = mapped_column(String(16))
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: Overrides the course's scheme in this term: terms graded before courses existed keep
    #: the scheme they were graded under.
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("grading_scheme.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    term: Mapped[Term] = relationship()
    course: Mapped[Course] = relationship(back_populates="sections", lazy="joined")
    instructor: Mapped[User | None] = relationship()
    scheme_override: Mapped[Scheme | None] = relationship(lazy="joined")

    @property
    def scheme(self) -> Scheme:
        """The scheme its plans are graded under."""
        return self.scheme_override or self.course.scheme

    @property
    def label(self) -> str:
        """``BUS 3990-001 (CRN 40123) — Internship in business``."""
        crn = f" (CRN {self.class_number})" if self.class_number else ""
        return f"{self.course.code}-{self.section}{crn} — {self.course.title}"

    def __str__(self) -> str:
        return self.label
