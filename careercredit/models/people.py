"""People who sign in: the local mirror of campus directory entries.

Staff find a student by part of a name or username, or by the student number
(``User.found_by``). A part of a name is no prefix, so no B-tree index helps:
PostgreSQL answers it from pg_trgm's GIN indexes, SQLite from an FTS5 table
with the trigram tokenizer (``user_search``, kept by triggers; migration
0021). A list that pages and counts finds the people once
(``User.id_found_by``) and hands both statements their ids.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CompoundSelect,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    any_,
    column,
    func,
    literal,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import Select

from careercredit.extensions import Model, db
from careercredit.sql import contains_ignoring_case

#: SQLite's trigram index of people's names and usernames (migration 0021): ``rowid`` is
#: ``user.id``; the column named like the table is FTS5's handle for a MATCH on every column.
USER_SEARCH = table("user_search", column("rowid"), column("user_search"))
#: The trigram tokenizer matches texts of three characters or more; shorter ones are LIKE's.
TRIGRAM = 3
#: People a search hands over as a list of ids, at most; beyond, lists find them again.
MAX_FOUND_IDS = 2_000


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
        Case is ignored, as ``contains_ignoring_case`` does; accents are not.
        """
        if _trigram_search(text):
            return User.id.in_(User.ids_found_by(text))
        return or_(
            contains_ignoring_case(User.display_name, text),
            contains_ignoring_case(User.uid, text),
            User.student_number == text,
        )

    @staticmethod
    def ids_found_by(text: str) -> Select[tuple[int]] | CompoundSelect:
        """The ids of the people ``found_by(text)`` finds.

        On SQLite a text of three characters or more is looked up in
        ``user_search`` (whose trigrams fold the case of every letter; LIKE,
        for shorter texts, folds only ASCII's), and its ids are taken from the
        index as they are, without reading a person's row.
        """
        if not _trigram_search(text):
            return select(User.id).where(User.found_by(text))
        phrase = '"' + text.replace('"', '""') + '"'  # every character taken literally
        named = select(USER_SEARCH.c.rowid).where(USER_SEARCH.c.user_search.match(phrase))
        return named.union(select(User.id).where(User.student_number == text))

    @staticmethod
    def id_found_by(key: Any, text: str) -> ColumnElement[bool]:
        """``key`` (a person's id column) is someone ``found_by(text)`` finds, asked once, now.

        A list's page and its count then carry the same ids instead of running
        the search twice. A search finding more than ``MAX_FOUND_IDS`` people
        (two letters) stays a subquery: so many ids are dearer to send than to find.
        """
        found = User.ids_found_by(text)
        ids = db.session.scalars(found.limit(MAX_FOUND_IDS + 1)).all()
        if len(ids) > MAX_FOUND_IDS:
            return key.in_(found)
        return _one_of(key, ids)


def _one_of(key: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """``key`` is one of ``ids``, sent as one value: a JSON array to SQLite, an array to
    PostgreSQL (a thousand bound parameters cost more to expand than the search did)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        each = func.json_each(json.dumps(list(ids))).table_valued("value")
        return key.in_(select(each.c.value))
    if dialect == "postgresql":
        return key == any_(literal(list(ids), ARRAY(Integer)))
    return key.in_(ids)


def _trigram_search(text: str) -> bool:
    """Whether ``text`` is looked up in SQLite's trigram index of people (``user_search``)."""
    return len(text) >= TRIGRAM and db.session.get_bind().dialect.name == "sqlite"


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
