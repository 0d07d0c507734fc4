"""One clock: stored times are UTC; "today" is asked here and nowhere else.

Every aware timestamp the app writes comes from ``now()`` (UTC). The date a
person means by "today" (the day hours are logged on, a deadline, an overdue
reminder) comes from ``today()``, which is the server's local calendar date
until the institution's time zone is a setting; changing that is a change
to this module alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current time, aware, in UTC: what the database stores."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date on the institution's calendar (the server's local date for now)."""
    return datetime.now(UTC).astimezone().date()
