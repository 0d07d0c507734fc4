"""Small pieces of SQL every package needs: LIKE patterns and stored times read back."""

from __future__ import annotations

from datetime import UTC, datetime

#: The escape character ``escape_like`` uses; pass it as ``.like(..., escape=LIKE_ESCAPE)``.
LIKE_ESCAPE = "\\"


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards (``%`` and ``_``) and the escape character escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def aware(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands back naive datetimes, which are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
