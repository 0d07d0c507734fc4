"""Credit plans (learning agreements), their placements and review comments."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    Text,
    UniqueConstraint,
    false,
    func,
    or_,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model
from careercredit.models.hours import HourStatus
from careercredit.models.people import Role, User

if TYPE_CHECKING:
    from careercredit.models.catalogue import Project
    from careercredit.models.courses import CourseSection, Scheme
    from careercredit.models.deliverables import Deliverable
    from careercredit.models.hours import HourEntry
    from careercredit.models.records import Amendment, GradingScheme, Posting, SignOff
    from careercredit.models.supervision import Evaluation, LinkPurpose, SupervisorLink
    from careercredit.models.terms import Term
    from careercredit.plans.workflow import Action


class PlanState(enum.StrEnum):
    """Where a plan is in its life (docs/architecture.md); transitions live in plans/workflow.py."""

    draft = "draft"
    submitted = "submitted"
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"
    in_progress = "in_progress"
    awaiting_signoff = "awaiting_signoff"
    signed_off = "signed_off"
    posted = "posted"
    withdrawn = "withdrawn"

    @property
    def label(self) -> str:
        """The state as people read it."""
        return self.value.replace("_", " ").replace("signoff", "sign-off").capitalize()


#: States in which the student may still change the agreement.
EDITABLE_STATES = frozenset({PlanState.draft, PlanState.changes_requested})
#: Roles that see every plan.
STAFF_ROLES = frozenset({Role.advisor, Role.registrar, Role.admin})


class CreditPlan(Model):
    """A learning agreement: one student, one term, one sponsor, one or more placements."""

    __tablename__ = "credit_plan"
    __table_args__ = (
        CheckConstraint("credits_requested BETWEEN 1 AND 12", name="credits_requested_range"),
        CheckConstraint(
            "credits_approved IS NULL OR (credits_approved >= 1 "
            "AND credits_approved <= credits_requested)",
            name="credits_approved_range",
        ),
        Index("ix_credit_plan_queue", "state", "submitted_at", "id"),
        # A student's plans and a sponsor's, newest change first (the sponsor's also by
        # state: the sign-off queue); a term's queue and roster; every plan by last change.
        Index("ix_credit_plan_student", "student_id", "updated_at", "id"),
        Index("ix_credit_plan_sponsor", "sponsor_id", "state", "updated_at", "id"),
        Index("ix_credit_plan_term", "term_id", "state", "submitted_at", "id"),
        Index("ix_credit_plan_updated", "updated_at", "id"),
        # Counted from the index alone (migration 0021): the queue's plans of the students
        # a search found, and a term's plans by state with the student its roster sorts by.
        Index("ix_credit_plan_student_state", "student_id", "state"),
        Index("ix_credit_plan_term_student", "term_id", "state", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    #: The course section the credit is for; empty for plans in a term that offers none.
    section_id: Mapped[int | None] = mapped_column(ForeignKey("course_section.id"), index=True)
    #: The faculty member who sponsors the credit; chosen before submitting.
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: The advisor who looks after the plan: the one e-mailed about it, and whose
    #: queue it is in under "assigned to me". Empty until it is first submitted.
    assigned_advisor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    objectives: Mapped[str] = mapped_column(Text, default="")
    credits_requested: Mapped[int] = mapped_column(SmallInteger)
    #: Set by the advisor at approval; may be lower than requested.
    credits_approved: Mapped[int | None] = mapped_column(SmallInteger)
    state: Mapped[PlanState] = mapped_column(
        Enum(PlanState, name="plan_state", native_enum=False, length=24),
        default=PlanState.draft,
        index=True,
    )
    #: Optimistic lock: every UPDATE checks and bumps it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    #: The student's reflection, written when sending the plan for sign-off.
    reflection: Mapped[str | None] = mapped_column(Text)
    #: When the plan last entered the advisors' queue (orders the queue).
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the student last sent it for sign-off (the reports' sign-off times start here).
    sent_for_signoff_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    sponsor: Mapped[User | None] = relationship(foreign_keys=[sponsor_id])
    assigned_advisor: Mapped[User | None] = relationship(foreign_keys=[assigned_advisor_id])
    term: Mapped[Term] = relationship()
    #: The plan's course section, or None (the grade roll reads course, section and CRN here).
    section: Mapped[CourseSection | None] = relationship()
    sign_off: Mapped[SignOff | None] = relationship(back_populates="plan", cascade="all")
    posting: Mapped[Posting | None] = relationship(back_populates="plan", cascade="all")
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="plan", cascade="all", order_by="Amendment.id"
    )
    placements: Mapped[list[Placement]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Placement.id"
    )
    comments: Mapped[list[PlanComment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanComment.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    # -- figures ---------------------------------------------------------------

    @property
    def credits(self) -> int:
        """The credits that count: approved if decided, else requested."""
        return self.credits_approved or self.credits_requested

    @property
    def required_hours(self) -> int:
        """Hours the plan's credits need under its term's rule."""
        return self.term.required_hours(self.credits)

    @property
    def estimated_hours(self) -> Decimal:
        """Hours the bundled projects are expected to take."""
        return sum((p.project.estimated_hours for p in self.placements), Decimal(0))

    @property
    def grading(self) -> Scheme | GradingScheme:
        """The scheme the plan is graded under: its section's, else its term's built-in one."""
        return self.section.scheme if self.section is not None else self.term.grading_scheme

    @property
    def final_grade(self) -> str | None:
        """The grade that counts: the last amendment's, else the sign-off's."""
        if self.amendments:
            return self.amendments[-1].grade_after
        return self.sign_off.grade if self.sign_off else None

    @property
    def final_credits(self) -> int | None:
        """The credits that count: the last amendment's, else those signed off."""
        if self.amendments:
            return self.amendments[-1].credits_after
        return self.sign_off.credits_awarded if self.sign_off else None

    @property
    def verified_hours(self) -> Decimal:
        """Hours supervisors have verified, across all placements."""
        return sum((p.verified_hours for p in self.placements), Decimal(0))

    @property
    def pending_hours(self) -> Decimal:
        """Hours logged but not yet verified (submitted or disputed)."""
        return sum((p.pending_hours for p in self.placements), Decimal(0))

    # -- access rules (views, templates and queries all use these) -------------

    def sponsored_by(self, user: User | None) -> bool:
        """Whether ``user`` is the plan's faculty sponsor (and still holds the faculty role)."""
        return user is not None and user.has_role(Role.faculty) and user.id == self.sponsor_id

    def can_view(self, user: User) -> bool:
        """The student, the sponsor and staff see a plan."""
        return (
            user.id == self.student_id or self.sponsored_by(user) or bool(user.roles & STAFF_ROLES)
        )

    def can_edit(self, user: User) -> bool:
        """Only the student changes the agreement, and only before it is decided."""
        return user.id == self.student_id and self.state in EDITABLE_STATES

    def can_delete(self, user: User) -> bool:
        """A student may throw away a draft that was never submitted."""
        return user.id == self.student_id and self.state == PlanState.draft

    def can(self, action: Action, user: User | None) -> bool:
        """Whether ``user`` may do ``action`` to the plan now: its state and who they are.

        Read from the workflow's table (the arrow's source states and its rule
        for the actor), so a button shows exactly when ``perform`` would let
        the person through; what the action's own rules check (hours, grades,
        comments) is ``perform``'s to say.
        """
        # Imported here: the workflow imports the models, and the table is read at call time.
        from careercredit.plans.workflow import TRANSITIONS

        return TRANSITIONS[action].permits(self, user)

    def can_amend(self, user: User) -> bool:
        """The registrar's office corrects credit once it is posted, never a registrar's own."""
        # Imported here: access loads the models.
        from careercredit.access import is_own_record

        return (
            self.state == PlanState.posted
            and user.has_role(Role.registrar)
            and not is_own_record(user, self.student_id)
        )

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """SQL condition selecting the plans ``user`` may see (``can_view`` for lists)."""
        if user.roles & STAFF_ROLES:
            return true()
        conditions = [cls.student_id == user.id]
        if user.has_role(Role.faculty):
            conditions.append(cls.sponsor_id == user.id)
        return or_(*conditions) if conditions else false()

    def __repr__(self) -> str:
        return f"<CreditPlan {self.id} {self.state}>"


class Placement(Model):
    """One student on one project inside a plan."""

    __tablename__ = "placement"
    __table_args__ = (UniqueConstraint("plan_id", "project_id", name="uq_placement_plan_project"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    #: When the student agreed that the supervisor may see their name and hours.
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[CreditPlan] = relationship(back_populates="placements")
    project: Mapped[Project] = relationship(lazy="joined")
    hour_entries: Mapped[list[HourEntry]] = relationship(
        back_populates="placement",
        cascade="all, delete-orphan",
        order_by="(HourEntry.work_date, HourEntry.id)",
    )
    links: Mapped[list[SupervisorLink]] = relationship(
        back_populates="placement", cascade="all, delete-orphan", order_by="SupervisorLink.id"
    )
    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="placement", cascade="all, delete-orphan", order_by="Deliverable.id"
    )
    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="placement", cascade="all, delete-orphan", order_by="Evaluation.id"
    )

    def hours_in(self, *statuses: HourStatus) -> Decimal:
        """Total hours of this placement's entries in any of ``statuses``."""
        return sum((e.hours for e in self.hour_entries if e.status in statuses), Decimal(0))

    @property
    def verified_hours(self) -> Decimal:
        """Hours the supervisor has verified."""
        return self.hours_in(HourStatus.verified)

    @property
    def pending_hours(self) -> Decimal:
        """Hours logged but not yet verified (submitted or disputed)."""
        return self.hours_in(HourStatus.submitted, HourStatus.disputed)

    def evaluation(self, kind: LinkPurpose) -> Evaluation | None:
        """The placement's evaluation of ``kind`` (midterm or final), if submitted."""
        return next((e for e in self.evaluations if e.kind == kind), None)


class CommentKind(enum.StrEnum):
    """Why a comment was written on a plan."""

    changes_requested = "changes_requested"
    rejected = "rejected"
    approved = "approved"
    withdrawn = "withdrawn"
    note = "note"


class PlanComment(Model):
    """A comment in a plan's review history; never edited."""

    __tablename__ = "plan_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("credit_plan.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[CommentKind] = mapped_column(
        Enum(CommentKind, name="comment_kind", native_enum=False, length=24)
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    plan: Mapped[CreditPlan] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
