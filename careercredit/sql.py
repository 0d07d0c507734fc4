"""Small pieces of SQL every package needs: LIKE searches and stored times read back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement

from careercredit.extensions import db

#: The escape character ``escape_like`` uses; pass it as ``.like(..., escape=LIKE_ESCAPE)``.
LIKE_ESCAPE = "\\"


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards (``%`` and ``_``) and the escape character escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_ignoring_case(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` (LIKE's wildcards in it taken literally), ignoring case.

    PostgreSQL gets ILIKE, which its trigram indexes answer (migration 0010).
    SQLite gets LIKE, which already ignores the case of ASCII letters; ILIKE's
    ``lower()`` on both sides would only slow its scan. Either way the
    database folds both sides alike.
    """
    pattern = f"%{escape_like(text)}%"
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape=LIKE_ESCAPE)
    return column.ilike(pattern, escape=LIKE_ESCAPE)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands back naive datetimes, which are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


#: Indexes whose names end so are PostgreSQL's trigram search indexes (migration 0010).
SEARCH_INDEX_SUFFIX = "_trgm"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter for comparing the models with a database: skip the search indexes.

    They exist on PostgreSQL only (SQLite has no trigram indexes), so the
    models leave them out and autogenerate must not offer to drop them.
    """
    return not (type_ == "index" and reflected and (name or "").endswith(SEARCH_INDEX_SUFFIX))
