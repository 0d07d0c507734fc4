"""The hour log: the rules an entry follows, and writing entries with their audit events.

Rules are functions returning ``{field: message}`` problems, in words for the
student; an empty dict means the entry may be written. The writing functions
check the same rules again, raise ``HourProblems`` (a ``Refused``) when any is
broken and otherwise change the session and record an audit event: the view
commits once, in a ``unit_of_work``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import CreditPlan, HourEntry, HourStatus, Placement, PlanState, User
from careercredit.models.hours import hours_text
from careercredit.notices.events import entries_corrected
from careercredit.refusals import Refused
from careercredit.reports import summaries
from careercredit.sql import rows_changed

#: Plan states in which the student logs, corrects and deletes hours.
LOGGING_STATES = frozenset({PlanState.approved, PlanState.in_progress})
#: Plan states an advisor has not decided yet: hours (and deliverables) come after approval.
UNDECIDED_STATES = frozenset({PlanState.draft, PlanState.submitted, PlanState.changes_requested})
#: Entries logged and not verified (yet): they count as pending.
PENDING_STATUSES = (HourStatus.submitted, HourStatus.disputed)
MIN_HOURS = Decimal("0.25")
MAX_HOURS = Decimal("24")
#: Most hours one student may log for one day, across all their placements and plans.
DAY_LIMIT = Decimal("24")
MIN_DESCRIPTION = 10
DESCRIPTION_MAX = 2000
HOURS_RULE = "Hours must be between 0.25 and 24 in quarter hours, such as 1.5 or 2.75."
LOCKED = (
    "Your supervisor verified this entry, so it is final: it can no longer be changed "
    "or deleted. Ask career services if it is wrong."
)


class HourProblems(Refused):
    """An entry that may not be written; ``problems`` map field names to messages.

    Besides the form's fields, ``plan`` (its state forbids writing hours) and
    ``entry`` (it is verified) say that nothing typed could be saved.
    """


class SentTwice(HourProblems):
    """The same form was sent twice at once, and the other sending logged the hours first."""

    status: ClassVar[int] = 409

    def __init__(self) -> None:
        super().__init__("The hours were not logged. Check them and send the form again.")


# -- who may do what ----------------------------------------------------------


def can_log_hours(plan: CreditPlan, user: User) -> bool:
    """Only the plan's student logs hours, while the plan is approved or in progress."""
    return user.id == plan.student_id and plan.state in LOGGING_STATES


class Lockable(Protocol):
    """An hour entry, or a row read for a list of them: whether it is final."""

    @property
    def is_locked(self) -> bool: ...


def can_change_entry(entry: HourEntry, user: User) -> bool:
    """The student may correct or delete an entry until it is verified."""
    return may_change_entry(entry, can_log=can_log_hours(entry.placement.plan, user))


def may_change_entry(entry: Lockable, *, can_log: bool) -> bool:
    """``can_change_entry`` with the plan's part given: ``can_log_hours`` of the entry's plan.

    A list of a plan's entries asks the plan once and each row only this:
    nothing per row is loaded.
    """
    return can_log and not entry.is_locked


def awaits_approval(plan: CreditPlan) -> bool:
    """Whether hours can be logged once an advisor approves the plan (not decided yet)."""
    return plan.state in UNDECIDED_STATES


def plan_problems(plan: CreditPlan) -> dict[str, str]:
    """Whether the plan's state lets its student write hours at all."""
    if plan.state in LOGGING_STATES:
        return {}
    return {
        "plan": f"This plan is {plan.state.label.lower()}. Hours are logged and changed "
        "only while the plan is approved or in progress."
    }


def change_problems(entry: HourEntry) -> dict[str, str]:
    """Whether an existing entry may still be changed or deleted."""
    problems = plan_problems(entry.placement.plan)
    if entry.is_locked:
        problems["entry"] = LOCKED
    return problems


# -- the rules of one entry ---------------------------------------------------


def date_window(placement: Placement, *, today: date | None = None) -> tuple[date, date]:
    """The first and last day hours may be logged for on ``placement`` (today at most)."""
    project, term = placement.project, placement.plan.term
    first = max(project.starts_on, term.starts_on)
    return first, min(project.ends_on, term.ends_on, today or clock.today())


def date_problem(placement: Placement, work_date: date, *, today: date | None = None) -> str:
    """What is wrong with ``work_date`` for ``placement``, or an empty string."""
    today = today or clock.today()
    project, term = placement.project, placement.plan.term
    if work_date > today:
        return (
            f"The date is in the future (today is {today}). Log hours once you have done the work."
        )
    if work_date < term.starts_on or work_date > term.ends_on:
        return (
            f"The date is outside the term {term.code}. Enter a date from "
            f"{term.starts_on} to {term.ends_on}."
        )
    if work_date < project.starts_on:
        return (
            f"{project.title} starts on {project.starts_on}. Enter a date on or after "
            "the project's start."
        )
    if work_date > project.ends_on:
        return (
            f"{project.title} ended on {project.ends_on}. Enter a date on or before "
            "the project's end."
        )
    return ""


def hours_in_range(hours: Decimal) -> bool:
    """Whether ``hours`` is 0.25 to 24 in quarter-hour steps."""
    return MIN_HOURS <= hours <= MAX_HOURS and (hours * 4) % 1 == 0


def hours_logged_on(student_id: int, work_date: date, *, besides: int | None = None) -> Decimal:
    """Hours ``student_id`` logged for ``work_date`` on all their placements (one entry aside)."""
    query = (
        select(HourEntry.hours)
        .join(Placement, HourEntry.placement_id == Placement.id)
        .join(CreditPlan, Placement.plan_id == CreditPlan.id)
        .where(CreditPlan.student_id == student_id, HourEntry.work_date == work_date)
    )
    if besides is not None:
        query = query.where(HourEntry.id != besides)
    # Summed here, not in SQL: a handful of rows, and exact decimals on every database.
    return sum((Decimal(str(h)) for h in db.session.scalars(query)), Decimal(0))


def day_limit_problem(
    placement: Placement, work_date: date, hours: Decimal, entry: HourEntry | None = None
) -> str:
    """Whether ``hours`` more for ``work_date`` would take the student past 24 in a day."""
    logged = hours_logged_on(
        placement.plan.student_id, work_date, besides=entry.id if entry else None
    )
    if logged + hours <= DAY_LIMIT:
        return ""
    left = max(DAY_LIMIT - logged, Decimal(0))
    return (
        f"You already logged {hours_text(logged)} hours on {work_date} across your "
        f"placements; one day holds at most 24, so at most {hours_text(left)} more."
    )


def hour_problems(
    placement: Placement,
    work_date: date | None,
    hours: Decimal | None,
    entry: HourEntry | None = None,
) -> dict[str, str]:
    """What keeps ``hours`` on ``work_date`` from being logged on ``placement``.

    ``entry`` is the entry being corrected, if any: its own hours do not count
    toward the day's limit. ``None`` values (not typed, or unreadable) are
    skipped: the form reports those.
    """
    problems: dict[str, str] = {}
    if work_date is not None and (message := date_problem(placement, work_date)):
        problems["work_date"] = message
    if hours is None:
        return problems
    if not hours_in_range(hours):
        problems["hours"] = HOURS_RULE
    elif work_date is not None and (
        message := day_limit_problem(placement, work_date, hours, entry)
    ):
        problems["hours"] = message
    return problems


def description_problems(description: str | None) -> dict[str, str]:
    """Whether the description says enough for a supervisor to verify the hours."""
    if description is None:
        return {}
    text = description.strip()
    if len(text) < MIN_DESCRIPTION:
        return {
            "description": f"Describe what you did in at least {MIN_DESCRIPTION} characters "
            f"(now {len(text)})."
        }
    if len(text) > DESCRIPTION_MAX:
        return {"description": f"Keep the description under {DESCRIPTION_MAX} characters."}
    return {}


def entry_problems(
    placement: Placement,
    *,
    work_date: date | None,
    hours: Decimal | None,
    description: str | None,
    entry: HourEntry | None = None,
) -> dict[str, str]:
    """Every rule at once: the plan's state, a verified entry, the date, hours and text."""
    problems = change_problems(entry) if entry else plan_problems(placement.plan)
    return {
        **problems,
        **hour_problems(placement, work_date, hours, entry),
        **description_problems(description),
    }


# -- writing ------------------------------------------------------------------


def lock_student_day(placement: Placement) -> None:
    """Serialise a student's hour writes, so two at once cannot both pass the day limit.

    ``FOR NO KEY UPDATE``: rows that only refer to the student (an audit event,
    a notice) are written meanwhile without waiting.
    """
    db.session.execute(
        select(User.id).where(User.id == placement.plan.student_id).with_for_update(key_share=True)
    )


def _snapshot(entry: HourEntry) -> dict[str, Any]:
    return {
        "work_date": entry.work_date.isoformat(),
        "hours": hours_text(entry.hours),
        "description": entry.description,
    }


def _checked(placement: Placement, entry: HourEntry | None, **values: Any) -> None:
    lock_student_day(placement)
    problems = entry_problems(placement, entry=entry, **values)
    if problems:
        raise HourProblems(problems=problems)


def log_hours(
    placement: Placement,
    *,
    by: User,
    work_date: date,
    hours: Decimal,
    description: str,
    submission: str | None = None,
) -> HourEntry:
    """Log a new entry on ``placement`` for its student; raise ``HourProblems`` if refused.

    ``submission`` is the id of the form sent (see ``logged_with``).
    """
    if by.id != placement.plan.student_id:
        raise HourProblems(problems={"plan": "Only the plan's student logs hours on it."})
    _checked(placement, None, work_date=work_date, hours=hours, description=description)
    entry = HourEntry(
        placement=placement,
        work_date=work_date,
        hours=hours,
        description=description.strip(),
        status=HourStatus.submitted,
        submission_id=submission,
    )
    db.session.add(entry)
    db.session.flush()
    summaries.hours_logged(entry)
    record_event(
        "hour_entry.log",
        actor=by,
        object_type="hour_entry",
        object_id=entry.id,
        details={"placement_id": placement.id, "plan_id": placement.plan_id, **_snapshot(entry)},
    )
    return entry


def logged_with(submission: str | None) -> HourEntry | None:
    """The entry a form with id ``submission`` logged, if one did."""
    if submission is None:
        return None
    return db.session.scalar(select(HourEntry).where(HourEntry.submission_id == submission))


def _claim(entry: HourEntry) -> None:
    """Hold the entry against a supervisor's answer until the commit, and read it afresh.

    A no-op update of an entry that is not verified takes its row lock
    (PostgreSQL) or the write lock (SQLite); a verify already under way is
    waited for, and then seen, so a verified entry is never changed.
    """
    claimed = rows_changed(
        update(HourEntry)
        .where(HourEntry.id == entry.id, HourEntry.status != HourStatus.verified)
        .values(status=HourEntry.status)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(entry)
    if claimed != 1:
        raise HourProblems(problems={"entry": LOCKED})


def update_entry(
    entry: HourEntry, *, by: User, work_date: date, hours: Decimal, description: str
) -> bool:
    """Correct an entry until it is verified; return whether anything was recorded.

    Saving a disputed entry answers the supervisor: it goes back to
    ``submitted`` for verifying again, and the dispute comment moves from the
    entry to the audit event.
    """
    placement = entry.placement
    if by.id != placement.plan.student_id:
        raise HourProblems(problems={"plan": "Only the plan's student changes its hours."})
    _claim(entry)
    _checked(placement, entry, work_date=work_date, hours=hours, description=description)
    before = _snapshot(entry)
    with summaries.hours_changed(entry):
        entry.work_date, entry.hours, entry.description = work_date, hours, description.strip()
    after = _snapshot(entry)
    disputed = entry.is_disputed
    if before == after and not disputed:
        return False
    details: dict[str, Any] = {
        "placement_id": placement.id,
        "plan_id": placement.plan_id,
        "before": before,
        "after": after,
    }
    if disputed:
        details.update(
            {
                "from": HourStatus.disputed.value,
                "to": HourStatus.submitted.value,
                "dispute_comment": entry.dispute_comment,
                "disputed_at": entry.decided_at.isoformat() if entry.decided_at else None,
                "disputed_via_link_id": entry.decided_via_id,
            }
        )
        entry.status = HourStatus.submitted
        entry.dispute_comment = None
        entry.decided_at = None
        entry.decided_via_id = None
    record_event(
        "hour_entry.update", actor=by, object_type="hour_entry", object_id=entry.id, details=details
    )
    if disputed:
        entries_corrected(entry)
    return True


def delete_entry(entry: HourEntry, *, by: User) -> None:
    """Delete an entry that is not verified; raise ``HourProblems`` if refused."""
    placement = entry.placement
    if by.id != placement.plan.student_id:
        raise HourProblems(problems={"plan": "Only the plan's student deletes its hours."})
    _claim(entry)
    problems = change_problems(entry)
    if problems:
        raise HourProblems(problems=problems)
    details = {
        "placement_id": placement.id,
        "plan_id": placement.plan_id,
        "status": entry.status.value,
        **_snapshot(entry),
    }
    if entry.dispute_comment:
        details["dispute_comment"] = entry.dispute_comment
    record_event(
        "hour_entry.delete", actor=by, object_type="hour_entry", object_id=entry.id, details=details
    )
    summaries.hours_removed(entry)
    placement.hour_entries.remove(entry)
    db.session.delete(entry)


# -- reading ------------------------------------------------------------------


def plan_hours_options() -> LoaderOption:
    """Loader option for a ``CreditPlan`` query: placements and their entries, no N+1."""
    return selectinload(CreditPlan.placements).selectinload(Placement.hour_entries)


@dataclass(frozen=True)
class HourTotals:
    """Hours verified, and hours logged but not verified (submitted or disputed)."""

    verified: Decimal
    pending: Decimal

    @property
    def logged(self) -> Decimal:
        """Verified and pending hours together."""
        return self.verified + self.pending


@dataclass(frozen=True)
class PlanHours(HourTotals):
    """A plan's hour figures for its page: what is verified, pending and needed."""

    required: int

    @property
    def missing(self) -> Decimal:
        """Hours still to be logged to reach the requirement."""
        return max(Decimal(self.required) - self.logged, Decimal(0))
