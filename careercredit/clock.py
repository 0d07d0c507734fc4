"""One clock: stored times are UTC; "today" is asked here and nowhere else.

Every aware timestamp the app writes comes from ``now()`` (UTC). The date a
person means by "today" (the day hours are logged on, a deadline, an overdue
reminder) comes from ``today()``: the calendar date in the institution's time
zone, ``CAREERCREDIT_TIMEZONE`` (UTC when unset, or outside an application).
A campus in Chicago logging hours at 23:30 is still on today, although UTC
is already on tomorrow.

Times are shown to people in that zone too: ``local()`` turns a stored time
into the institution's, and the ``local_date`` and ``local_datetime``
template filters format it (with the zone's abbreviation where a time of
day is shown). Dates that are already calendar dates (a term's first day,
the day hours were worked on) are never converted.

``system_time`` is the one place the system clock is read; tests replace it
to stand at a chosen moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from careercredit.sql import aware

#: The zone of an institution that names none, and of code running outside an app.
DEFAULT_ZONE = "UTC"
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def system_time() -> datetime:
    """Read the system clock, aware, in UTC (tests monkeypatch this to fix the moment)."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current time, aware, in UTC: what the database stores."""
    return system_time()


def zone() -> ZoneInfo:
    """The institution's time zone (``CAREERCREDIT_TIMEZONE``; UTC outside an app)."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def local(moment: datetime, in_zone: ZoneInfo | None = None) -> datetime:
    """``moment`` in the institution's zone (or ``in_zone``); naive values are UTC (SQLite)."""
    return aware(moment).astimezone(in_zone or zone())


def today() -> date:
    """Today's date on the institution's calendar."""
    return local(now()).date()


def date_text(
    moment: datetime | None, fmt: str = DATE_FORMAT, in_zone: ZoneInfo | None = None
) -> str:
    """The date of a stored time (``2027-01-31``) in the institution's zone (or ``in_zone``).

    Empty for ``None``.
    """
    return local(moment, in_zone).strftime(fmt) if moment is not None else ""


def datetime_text(
    moment: datetime | None, fmt: str = DATETIME_FORMAT, in_zone: ZoneInfo | None = None
) -> str:
    """A stored time in the institution's zone (or ``in_zone``) with its abbreviation.

    ``2027-01-31 14:05 CST``; empty for ``None``.
    """
    if moment is None:
        return ""
    shown = local(moment, in_zone)
    return f"{shown.strftime(fmt)} {shown.tzname()}"
