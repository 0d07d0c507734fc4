"""A week of hours on one placement at once: a row per day, all saved together or none.

Each row follows the rules of a single entry (``services.hour_problems`` and
``services.description_problems``); the sheet is refused as a whole when any
row breaks one, its problems keyed ``rows-<n>-<field>`` so each shows beside
its own row, and nothing is written. Rows left blank are skipped.

The double-submit guard of a single entry holds for the sheet: the sheet's
random id is turned into one id per day (``row_submission``), stored on the
entry that day's row logs, under the unique index of migration 0009. A sheet
sent again finds its entries and logs nothing more; two sendings at once
cannot both write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.hours import services
from careercredit.hours.services import HourProblems
from careercredit.models import HourEntry, Placement, User

DAYS_IN_WEEK = 7
NOTHING_TO_LOG = "Fill in the hours and what you did for at least one day of the week."
HOURS_MISSING = f"Enter the hours you worked that day. {services.HOURS_RULE}"
DESCRIPTION_MISSING = "Describe what you did that day."
NOTHING_TO_REPEAT = "You have not logged hours on this project yet, so there is nothing to repeat."


@dataclass(frozen=True)
class Row:
    """One day of the sheet as read: ``None`` for what was left blank or could not be read."""

    work_date: date
    hours: Decimal | None
    description: str | None
    #: Whether anything at all was typed in the row (a blank row is skipped).
    typed: bool = False


def monday_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_days(monday: date) -> list[date]:
    """The seven days of the week starting on ``monday``."""
    return [monday + timedelta(days=n) for n in range(DAYS_IN_WEEK)]


def default_week(placement: Placement, today: date | None = None) -> date:
    """The Monday of the week a sheet opens on: this week, or the last one hours may be logged."""
    today = today or clock.today()
    first, last = services.date_window(placement, today=today)
    return monday_of(last if first <= last else today)


def row_submission(sheet: str, day: date) -> str:
    """The id the entry of ``day`` keeps from the sheet ``sheet`` (32 hex digits)."""
    return hashlib.sha256(f"{sheet}:{day.isoformat()}".encode()).hexdigest()[:32]


def logged_by(sheet: str | None, days: list[date]) -> list[HourEntry]:
    """The entries a sheet with id ``sheet`` logged for ``days``, if it logged any."""
    if sheet is None:
        return []
    ids = [row_submission(sheet, day) for day in days]
    query = select(HourEntry).where(HourEntry.submission_id.in_(ids)).order_by(HourEntry.work_date)
    return list(db.session.scalars(query))


def entries_in(placement: Placement, days: list[date]) -> dict[date, list[HourEntry]]:
    """The placement's entries on each of ``days``, in one query."""
    query = (
        select(HourEntry)
        .where(
            HourEntry.placement_id == placement.id,
            HourEntry.work_date >= days[0],
            HourEntry.work_date <= days[-1],
        )
        .order_by(HourEntry.work_date, HourEntry.id)
    )
    found: dict[date, list[HourEntry]] = {day: [] for day in days}
    for entry in db.session.scalars(query):
        found.setdefault(entry.work_date, []).append(entry)
    return found


def last_entry(placement: Placement) -> HourEntry | None:
    """The student's latest entry on ``placement`` (by day worked, then by when logged)."""
    query = (
        select(HourEntry)
        .where(HourEntry.placement_id == placement.id)
        .order_by(HourEntry.work_date.desc(), HourEntry.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def day_to_repeat_on(
    placement: Placement, days: list[date], logged: dict[date, list[HourEntry]], last: HourEntry
) -> date | None:
    """The day of the week the last entry is repeated on: the first open day after it.

    Open means hours may be logged for it and none are logged on it for this
    placement yet; days after the last entry come first, then the others.
    """
    open_days = [
        day for day in days if not logged.get(day) and not services.date_problem(placement, day)
    ]
    later = [day for day in open_days if day > last.work_date]
    return next(iter(later or open_days), None)


def sheet_problems(placement: Placement, rows: list[Row]) -> dict[str, str]:
    """Every rule for every typed row, keyed ``rows-<n>-<field>``; the plan's state once."""
    problems = services.plan_problems(placement.plan)
    if not any(row.typed for row in rows):
        problems.setdefault("", NOTHING_TO_LOG)
    for n, row in enumerate(rows):
        if not row.typed:
            continue
        found = {
            **services.hour_problems(placement, row.work_date, row.hours),
            **services.description_problems(row.description),
        }
        # The date is the row's own: what is wrong with it shows beside the hours.
        if "work_date" in found:
            found["hours"] = found.pop("work_date")
        problems.update({f"rows-{n}-{name}": message for name, message in found.items()})
    return problems


def _missing(rows: list[Row], unreadable: set[int]) -> dict[str, str]:
    """A typed row needs both its hours and what was done (unreadable hours are said already)."""
    problems: dict[str, str] = {}
    for n, row in enumerate(rows):
        if not row.typed:
            continue
        if row.hours is None and n not in unreadable:
            problems[f"rows-{n}-hours"] = HOURS_MISSING
        if not row.description:
            problems[f"rows-{n}-description"] = DESCRIPTION_MISSING
    return problems


def log_week(
    placement: Placement,
    rows: list[Row],
    *,
    by: User,
    sheet: str | None,
    unreadable: set[int] | None = None,
) -> list[HourEntry]:
    """Log every typed row of the sheet on ``placement``, or none; raise ``HourProblems``.

    ``unreadable`` holds the rows whose hours the form could not read (it
    shows those messages itself); the sheet is refused while there are any.
    """
    if by.id != placement.plan.student_id:
        raise HourProblems(problems={"plan": "Only the plan's student logs hours on it."})
    services.lock_student_day(placement)
    unreadable = unreadable or set()
    problems = {**_missing(rows, unreadable), **sheet_problems(placement, rows)}
    if problems or unreadable:
        raise HourProblems(problems=problems)
    return [
        services.log_hours(
            placement,
            by=by,
            work_date=row.work_date,
            hours=row.hours,
            description=row.description or "",
            submission=row_submission(sheet, row.work_date) if sheet else None,
        )
        for row in rows
        if row.typed and row.hours is not None
    ]
