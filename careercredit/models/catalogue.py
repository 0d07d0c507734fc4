"""The catalogue: employers, their supervisors, and the projects they offer."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model


class Employer(Model):
    """An outside organisation offering micro-internships."""

    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    website: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    supervisors: Mapped[list[Supervisor]] = relationship(
        back_populates="employer", order_by="Supervisor.name"
    )

    def __str__(self) -> str:
        return self.name


class Supervisor(Model):
    """A person at an employer, identified by e-mail; has no account."""

    __tablename__ = "supervisor"
    __table_args__ = (
        UniqueConstraint("employer_id", "email", name="uq_supervisor_employer_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    #: Stored lower-cased.
    email: Mapped[str] = mapped_column(String(320), index=True)

    employer: Mapped[Employer] = relationship(back_populates="supervisors")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ProjectStatus(enum.StrEnum):
    """Whether students can still be placed on a project."""

    open = "open"
    closed = "closed"


class Project(Model):
    """One micro-internship offered by an employer."""

    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint("estimated_hours > 0 AND estimated_hours <= 2000", name="hours_range"),
        CheckConstraint("starts_on <= ends_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"), index=True)
    #: The marketplace's id of an imported project; re-imports update, not duplicate.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    deliverables: Mapped[str] = mapped_column(Text, default="")
    estimated_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ProjectStatus] = mapped_column(
        Enum(ProjectStatus, name="project_status", native_enum=False, length=16),
        default=ProjectStatus.open,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    employer: Mapped[Employer] = relationship()
    supervisor: Mapped[Supervisor | None] = relationship()

    def __str__(self) -> str:
        return f"{self.title} ({self.employer.name})"
