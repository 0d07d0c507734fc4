"""Pages of the hour log: a student logs, corrects and deletes hours on their placements.

Only the plan's student writes hours. Everyone else who may see the plan
(sponsor, advisors, registrars, admins) sees the hours read-only on the plan
page; for them, as for people who may not see the plan at all, every page of
this blueprint answers 404, so the forms cannot be probed. The student gets
the page back with a message (422) when the plan's state or a verified entry
forbids the change.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from careercredit import clock
from careercredit.access import is_plan_student, on_plan_or_404, placement_or_404, plan_or_404
from careercredit.hours import log, services, timesheet
from careercredit.hours.forms import ConfirmForm, HourEntryForm, WeekForm
from careercredit.hours.services import HourProblems, SentTwice
from careercredit.links import row_url
from careercredit.models import CreditPlan, HourEntry, Placement
from careercredit.models.hours import hours_text
from careercredit.refusals import Refused, show_on_form, unit_of_work
from careercredit.sql import conflict_refused

bp = Blueprint("hours", __name__, url_prefix="/plans")

#: Problems that say nothing typed could be saved: the form is shown locked.
LOCKING = ("plan", "entry")


# -- for the plan page (templates/hours/_plan_hours.html) -----------------------


@bp.app_template_global("hour_log")
def _hour_log(plan: CreditPlan) -> log.HourLog:
    """The plan's verified, pending and required hours, and each placement's entries."""
    return log.hour_log(plan)


# Also read by the deliverables section of the plan page: the same wait for approval.
bp.add_app_template_global(services.awaits_approval, "plan_awaits_approval")


@bp.app_template_global("can_log_hours")
def _can_log_hours(plan: CreditPlan) -> bool:
    """Whether the signed-in person may log hours on ``plan`` now."""
    return services.can_log_hours(plan, current_user)


@bp.app_template_global("can_change_hour_entry")
def _can_change_hour_entry(entry: services.Lockable, can_log: bool) -> bool:
    """Whether the signed-in person may correct or delete ``entry`` (an entry or a row) now.

    ``can_log`` is ``can_log_hours`` of the entries' plan, asked once for the
    whole list: per row only the entry's status is read.
    """
    return services.may_change_entry(entry, can_log=can_log)


@bp.app_template_global("hour_entry_url")
def _hour_entry_url(endpoint: str, plan_id: int) -> Callable[[object], str]:
    """``url_for(endpoint, plan_id=plan_id, entry_id=…)`` built once, for every row of a list."""
    return row_url(endpoint, "entry_id", plan_id=plan_id)


# -- loading --------------------------------------------------------------------


def _entry_or_404(plan_id: int, entry_id: int) -> HourEntry:
    plan = plan_or_404(plan_id, can=is_plan_student)
    # A write locks the row, so a supervisor's verification cannot slip in between.
    return on_plan_or_404(HourEntry, entry_id, plan, lock=request.method == "POST")


def _back_to(placement: Placement) -> ResponseReturnValue:
    return redirect(
        url_for("plans.show", plan_id=placement.plan_id, _anchor=f"hours-{placement.id}")
    )


def _form_page(
    placement: Placement,
    form: HourEntryForm,
    *,
    entry: HourEntry | None = None,
    refused: Refused | None = None,
) -> str:
    """The entry form; problems go next to their fields, the others above the form."""
    if refused is not None:
        show_on_form(form, refused)
    return render_template(
        "hours/form.html",
        plan=placement.plan,
        placement=placement,
        entry=entry,
        form=form,
        window=services.date_window(placement),
        # The plan's state or a verified entry: nothing typed here could be saved.
        locked=refused is not None and any(key in refused.problems for key in LOCKING),
    )


def _refusal(problems: dict[str, str]) -> HourProblems | None:
    """The problems a page shows before anything is sent, if there are any."""
    return HourProblems(problems=problems) if problems else None


def _unreadable(
    form: HourEntryForm, placement: Placement, entry: HourEntry | None = None
) -> HourProblems:
    """A form that did not validate: besides its own errors, the rules broken by what it read."""
    found = services.entry_problems(placement, entry=entry, **form.values())
    # The form's validators and the rules say some things alike: each message once.
    return HourProblems(
        problems={
            name: message
            for name, message in found.items()
            if name not in form or message not in form[name].errors
        }
    )


# -- pages ------------------------------------------------------------------------


@bp.route("/<int:plan_id>/placements/<int:placement_id>/hours/new", methods=["GET", "POST"])
@login_required
def new(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Log hours worked on one day on a placement."""
    placement = placement_or_404(plan_id, placement_id, can=is_plan_student)
    form = HourEntryForm()
    if request.method == "GET":
        form.submission.data = secrets.token_hex(16)
        if request.args.get("repeat"):
            _repeat_on_form(placement, form)
        return _form_page(placement, form, refused=_refusal(services.plan_problems(placement.plan)))
    submission = form.submission.data
    earlier = services.logged_with(submission)
    if earlier is not None:
        if earlier.placement_id == placement.id:
            return _already_logged(earlier)
        submission = None  # another placement's form id: not this form's
    try:
        with conflict_refused(SentTwice), unit_of_work():
            if not form.validate_on_submit():  # the service checks the rules itself, locked
                raise _unreadable(form, placement)
            entry = services.log_hours(
                placement, by=current_user, submission=submission, **form.values()
            )
    except SentTwice as refused:
        # The same form sent twice at once: the other request logged the hours.
        earlier = services.logged_with(submission)
        if earlier is not None and earlier.placement_id == placement.id:
            return _already_logged(earlier)
        form.submission.data = secrets.token_hex(16)
        return _form_page(placement, form, refused=refused), refused.status
    except Refused as refused:
        form.submission.data = form.submission.data or secrets.token_hex(16)
        return _form_page(placement, form, refused=refused), refused.status
    flash(
        f"Logged {hours_text(entry.hours)} hours on {entry.work_date} for "
        f"{placement.project.title}. Your supervisor will be asked to verify them.",
        "info",
    )
    return _back_to(placement)


def _repeat_on_form(placement: Placement, form: HourEntryForm) -> None:
    """Fill the form from the last entry: its hours and words, for today (or the last open day)."""
    last = timesheet.last_entry(placement)
    if last is None:
        flash(timesheet.NOTHING_TO_REPEAT)
        return
    form.work_date.data = services.date_window(placement)[1]
    form.hours.data, form.description.data = last.hours, last.description


def _already_logged(entry: HourEntry) -> ResponseReturnValue:
    """The answer to a form sent again: its hours were logged once, by the first sending."""
    flash(
        f"These {hours_text(entry.hours)} hours on {entry.work_date} were already logged "
        "(the form was sent twice); they are logged once.",
        "info",
    )
    return _back_to(entry.placement)


# -- a week at once ---------------------------------------------------------------


def _week_asked(placement: Placement) -> date:
    """The Monday of the week the query string asks for (``?week=``), else the default."""
    try:
        return timesheet.monday_of(date.fromisoformat(request.args.get("week", "")))
    except ValueError:
        return timesheet.default_week(placement)


def _week_page(
    placement: Placement, form: WeekForm, days: list[date], *, refused: Refused | None = None
) -> str:
    """The sheet; each row's problems beside it, the others above the form."""
    if refused is not None:
        form.show(refused.problems)
    plan_problem = services.plan_problems(placement.plan)
    today = clock.today()
    return render_template(
        "hours/week.html",
        plan=placement.plan,
        placement=placement,
        form=form,
        days=days,
        closed={day: services.date_problem(placement, day) for day in days},
        logged=timesheet.entries_in(placement, days),
        previous_week=days[0] - timedelta(days=7),
        next_week=days[0] + timedelta(days=7) if days[-1] < today else None,
        locked=bool(plan_problem),
        plan_problem=plan_problem.get("plan"),
    )


@bp.route("/<int:plan_id>/placements/<int:placement_id>/hours/week", methods=["GET", "POST"])
@login_required
def week(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Log a week of hours on a placement at once (``?week=`` a day of the week)."""
    placement = placement_or_404(plan_id, placement_id, can=is_plan_student)
    days = timesheet.week_days(_week_asked(placement))
    form = WeekForm()
    if request.method == "GET":
        form.submission.data = secrets.token_hex(16)
        if request.args.get("repeat"):
            _repeat_last_entry(placement, form, days)
        return _week_page(placement, form, days)
    sheet = form.submission.data
    earlier = timesheet.logged_by(sheet, days)
    if earlier:
        if all(entry.placement_id == placement.id for entry in earlier):
            return _week_already_logged(placement, earlier)
        sheet = None  # another placement's sheet id: not this sheet's
    try:
        with conflict_refused(SentTwice), unit_of_work():
            form.validate_on_submit()  # reads what was typed; the service checks the rules
            rows = form.read(days)
            entries = timesheet.log_week(
                placement, rows, by=current_user, sheet=sheet, unreadable=form.unreadable()
            )
    except SentTwice as refused:
        earlier = timesheet.logged_by(sheet, days)
        if earlier and all(entry.placement_id == placement.id for entry in earlier):
            return _week_already_logged(placement, earlier)
        form.submission.data = secrets.token_hex(16)
        return _week_page(placement, form, days, refused=refused), refused.status
    except Refused as refused:
        form.submission.data = form.submission.data or secrets.token_hex(16)
        return _week_page(placement, form, days, refused=refused), refused.status
    total = sum((entry.hours for entry in entries), Decimal(0))
    count = len(entries)
    flash(
        f"Logged {hours_text(total)} hours on {count} day{'' if count == 1 else 's'} for "
        f"{placement.project.title}. Your supervisor will be asked to verify them.",
        "info",
    )
    return _back_to(placement)


def _repeat_last_entry(placement: Placement, form: WeekForm, days: list[date]) -> None:
    """Fill the first open day of the week with the hours and words of the last entry."""
    last = timesheet.last_entry(placement)
    if last is None:
        flash(timesheet.NOTHING_TO_REPEAT)
        return
    day = timesheet.day_to_repeat_on(placement, days, timesheet.entries_in(placement, days), last)
    if day is None:
        flash("No day of this week is open for logging; choose another week to repeat it on.")
        return
    row = form.rows[days.index(day)].form
    row.hours.data, row.description.data = last.hours, last.description


def _week_already_logged(placement: Placement, entries: list[HourEntry]) -> ResponseReturnValue:
    """The answer to a sheet sent again: its hours were logged once, by the first sending."""
    total = sum((entry.hours for entry in entries), Decimal(0))
    flash(
        f"These {hours_text(total)} hours were already logged (the sheet was sent twice); "
        "they are logged once.",
        "info",
    )
    return _back_to(placement)


@bp.route("/<int:plan_id>/hours/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int, entry_id: int) -> ResponseReturnValue:
    """Correct an entry that is not verified yet."""
    entry = _entry_or_404(plan_id, entry_id)
    placement = entry.placement
    if request.method == "GET":
        form = HourEntryForm(obj=entry)
        refused = _refusal(services.change_problems(entry))
        return _form_page(placement, form, entry=entry, refused=refused)
    form = HourEntryForm()
    was_disputed = entry.is_disputed
    try:
        with unit_of_work():
            if not form.validate_on_submit():
                raise _unreadable(form, placement, entry)
            changed = services.update_entry(entry, by=current_user, **form.values())
    except Refused as refused:
        return _form_page(placement, form, entry=entry, refused=refused), refused.status
    if was_disputed:
        flash("Entry corrected. It goes back to your supervisor for verifying.", "info")
    else:
        flash("Entry saved." if changed else "Nothing changed.", "info")
    return _back_to(placement)


@bp.route("/<int:plan_id>/hours/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete(plan_id: int, entry_id: int) -> ResponseReturnValue:
    """Delete an entry that is not verified yet, after a confirmation."""
    entry = _entry_or_404(plan_id, entry_id)
    placement = entry.placement
    form = ConfirmForm()
    if request.method == "GET":
        return _confirm_page(entry, form, list(services.change_problems(entry).values()))
    if not form.validate_on_submit():
        abort(400)
    work_date = entry.work_date
    try:
        with unit_of_work():
            services.delete_entry(entry, by=current_user)
    except Refused as refused:
        return _confirm_page(entry, form, refused.messages), refused.status
    flash(f"The entry of {work_date} was deleted.", "info")
    return _back_to(placement)


def _confirm_page(entry: HourEntry, form: ConfirmForm, problems: list[str]) -> str:
    return render_template(
        "hours/delete.html",
        plan=entry.placement.plan,
        placement=entry.placement,
        entry=entry,
        form=form,
        problems=problems,
    )
