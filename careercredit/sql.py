"""Small pieces of SQL every package needs.

LIKE searches, stored times read back, the rows an UPDATE changed, and a
concurrent writer's conflict turned into a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Executable
from sqlalchemy.exc import IntegrityError

from careercredit.extensions import db
from careercredit.refusals import Refused

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


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session; return how many rows it matched.

    A conditional UPDATE is how concurrent writers decide who wins a row: the
    one whose statement matched it.
    """
    result = db.session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError("rows_changed runs an UPDATE or a DELETE, not a query")
    return result.rowcount


@contextmanager
def conflict_refused(refusal: Callable[[], Refused | None]) -> Iterator[None]:
    """Turn an ``IntegrityError`` in the block into the refusal ``refusal()`` makes.

    Wrap a ``unit_of_work`` with it: a concurrent writer took a unique value
    or a row we point at first, and the database said so at flush or commit.
    ``refusal`` runs after the rollback, so it may query; it answers ``None``
    when the conflict is none a person can resolve, and the error goes on as
    the bug it is.
    """
    try:
        yield
    except IntegrityError as error:
        refused = refusal()
        if refused is None:
            raise
        raise refused from error
