"""People who sign in: the local mirror of campus directory entries."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ColumnElement, DateTime, Enum, ForeignKey, Integer, String, func, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model
from careercredit.sql import contains_ignoring_case


class Role(enum.StrEnum):
    """What a person may do; granted by campus directory groups."""

    student = "student"
    advisor = "advisor"
    faculty = "faculty"
    registrar = "registrar"
    admin = "admin"


class User(UserMixin, Model):
    """A person known from the campus directory."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The directory's immutable id (entryUUID, objectGUID): survives renames.
    directory_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: The sign-in name as last seen in the directory, lower-cased.
    uid: Mapped[str] = mapped_column(String(255), index=True)
    display_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    #: The student's id in the student information system, from the directory.
    student_number: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the roles were last confirmed against the directory.
    roles_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Sessions carry the epoch they started in; signing out raises it, which ends
    #: every session of this person at once, a copied cookie included.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles the directory grants this person."""
        return frozenset(row.role for row in self.role_rows)

    def set_roles(self, roles: set[Role] | frozenset[Role]) -> None:
        """Replace the stored roles with ``roles``, keeping unchanged rows."""
        self.role_rows = [row for row in self.role_rows if row.role in roles] + [
            UserRole(role=role) for role in sorted(roles - self.roles)
        ]

    def has_role(self, role: Role) -> bool:
        """Tell whether this person holds ``role``."""
        return role in self.roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.uid}>"

    @staticmethod
    def found_by(text: str) -> ColumnElement[bool]:
        """The person's name or username holds ``text``, or ``text`` is their student number.

        How staff find a student (the advisors' queue, the registrar's search).
        """
        return or_(
            contains_ignoring_case(User.display_name, text),
            contains_ignoring_case(User.uid, text),
            User.student_number == text,
        )


class UserRole(Model):
    """One role held by one person."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="role", native_enum=False, length=16), primary_key=True, index=True
    )

    user: Mapped[User] = relationship(back_populates="role_rows")
