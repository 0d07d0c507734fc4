"""The hour log of the plan page: each placement's entries as rows, and their sums.

The table shows a handful of columns of every entry of a plan (200 on a
busy one), so they are read as rows of those columns, with each placement's
verified and pending hours summed by the database in the same statement,
instead of as ORM objects summed in Python. A plan whose entries are already
loaded as objects (a page that needed them for something else) is read from
them instead, without a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, case, func, inspect, select

from careercredit.extensions import db
from careercredit.hours.services import PENDING_STATUSES, HourTotals, PlanHours
from careercredit.models import CreditPlan, HourEntry, HourStatus

NO_HOURS = HourTotals(verified=Decimal(0), pending=Decimal(0))


@dataclass(frozen=True, slots=True)
class EntryRow:
    """The columns of an hour entry that the plan page shows."""

    id: int
    work_date: date
    hours: Decimal
    description: str
    status: HourStatus
    dispute_comment: str | None

    # The entry's own rules, answered from the row's status: written once, on the model.
    is_verified = HourEntry.is_verified
    is_disputed = HourEntry.is_disputed
    is_locked = HourEntry.is_locked
    is_waiting = HourEntry.is_waiting


@dataclass(frozen=True)
class PlacementLog:
    """One placement's entries (by date) and their verified and pending hours."""

    entries: list[EntryRow]
    totals: HourTotals


@dataclass(frozen=True)
class HourLog:
    """A plan's hour figures, and the log of each of its placements by id."""

    figures: PlanHours
    placements: dict[int, PlacementLog]

    def of(self, placement_id: int) -> PlacementLog:
        """The log of one placement of the plan (empty if it has no entries)."""
        return self.placements.get(placement_id, PlacementLog([], NO_HOURS))

    def waiting(self) -> set[int]:
        """The placements with entries waiting for their supervisor's answer."""
        return {
            placement_id
            for placement_id, log in self.placements.items()
            # The row borrows the entry's property, which mypy types as the entry's alone.
            if any(entry.is_waiting for entry in log.entries)  # type: ignore[misc]
        }


def hour_log(plan: CreditPlan) -> HourLog:
    """The plan's hour log: from its entries if loaded, else one statement of rows and sums."""
    placements = plan.placements
    if placements and all("hour_entries" not in inspect(p).unloaded for p in placements):
        logs = {p.id: _from_objects(p.hour_entries) for p in placements}
    else:
        logs = _from_rows([p.id for p in placements])
    verified = sum((log.totals.verified for log in logs.values()), Decimal(0))
    pending = sum((log.totals.pending for log in logs.values()), Decimal(0))
    figures = PlanHours(verified=verified, pending=pending, required=plan.required_hours)
    return HourLog(figures=figures, placements=logs)


def _from_objects(entries: list[HourEntry]) -> PlacementLog:
    rows = [
        EntryRow(e.id, e.work_date, e.hours, e.description, e.status, e.dispute_comment)
        for e in entries
    ]
    return PlacementLog(
        entries=rows,
        totals=HourTotals(
            verified=sum((e.hours for e in entries if e.is_verified), Decimal(0)),
            pending=sum((e.hours for e in entries if e.status in PENDING_STATUSES), Decimal(0)),
        ),
    )


def _from_rows(placement_ids: list[int]) -> dict[int, PlacementLog]:
    if not placement_ids:
        return {}
    logs: dict[int, PlacementLog] = {}
    for row in db.session.execute(_entry_rows(), {"placements": placement_ids}):
        log = logs.get(row.placement_id)
        if log is None:
            totals = HourTotals(verified=Decimal(row.verified), pending=Decimal(row.pending))
            log = logs[row.placement_id] = PlacementLog([], totals)
        log.entries.append(EntryRow(*row[1:7]))
    return logs


@cache
def _entry_rows() -> Select[Any]:
    """The entries of some placements (``placements``) as rows, each with its placement's sums.

    Built once per process: building it and working out its cache key cost more
    than running it.
    """
    verified = case((HourEntry.status == HourStatus.verified, HourEntry.hours), else_=0)
    pending = case((HourEntry.status.in_(PENDING_STATUSES), HourEntry.hours), else_=0)
    return (
        select(
            HourEntry.placement_id,
            HourEntry.id,
            HourEntry.work_date,
            HourEntry.hours,
            HourEntry.description,
            HourEntry.status,
            HourEntry.dispute_comment,
            # Repeated on each row of the placement: the sums come with the rows.
            func.sum(verified).over(partition_by=HourEntry.placement_id).label("verified"),
            func.sum(pending).over(partition_by=HourEntry.placement_id).label("pending"),
        )
        .where(HourEntry.placement_id.in_(bindparam("placements", expanding=True)))
        # The order of Placement.hour_entries.
        .order_by(HourEntry.placement_id, HourEntry.work_date, HourEntry.id)
    )
