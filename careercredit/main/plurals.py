"""Counts in words: "1 plan", "2 plans" (a template filter and a function for services)."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` followed by ``one`` or its plural (``many``, else ``one`` + "s")."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def days_text(days: int) -> str:
    """How long ago or how soon, in days: "today", "1 day", "12 days"."""
    return "today" if days == 0 else plural(abs(days), "day")
