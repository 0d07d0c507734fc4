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

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from careercredit.access import get_or_404
from careercredit.extensions import db
from careercredit.hours import services
from careercredit.hours.forms import ConfirmForm, HourEntryForm
from careercredit.hours.services import HourProblems
from careercredit.models import CreditPlan, HourEntry, HourStatus, Placement
from careercredit.models.hours import hours_text

bp = Blueprint("hours", __name__, url_prefix="/plans")


# -- for the plan page (templates/hours/_plan_hours.html) -----------------------


@bp.app_template_global("plan_hours")
def _plan_hours(plan: CreditPlan) -> services.PlanHours:
    """The plan's verified, pending and required hours, with its entries loaded."""
    return services.plan_hours(plan)


@bp.app_template_global("can_log_hours")
def _can_log_hours(plan: CreditPlan) -> bool:
    """Whether the signed-in person may log hours on ``plan`` now."""
    return services.can_log_hours(plan, current_user)


@bp.app_template_global("can_change_hour_entry")
def _can_change_hour_entry(entry: HourEntry) -> bool:
    """Whether the signed-in person may correct or delete ``entry`` now."""
    return services.can_change_entry(entry, current_user)


# -- loading --------------------------------------------------------------------


def _own_plan_or_404(plan_id: int) -> CreditPlan:
    """The plan, if the signed-in person is its student; 404 for everyone else."""
    plan = get_or_404(CreditPlan, plan_id)
    if plan.student_id != current_user.id:
        abort(404)
    return plan


def _placement_or_404(plan_id: int, placement_id: int) -> Placement:
    plan = _own_plan_or_404(plan_id)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.plan_id != plan.id:
        abort(404)
    return placement


def _entry_or_404(plan_id: int, entry_id: int) -> HourEntry:
    plan = _own_plan_or_404(plan_id)
    # A write locks the row, so a supervisor's verification cannot slip in between.
    entry = db.session.get(HourEntry, entry_id, with_for_update=request.method == "POST")
    if entry is None or entry.placement.plan_id != plan.id:
        abort(404)
    return entry


def _back_to(placement: Placement) -> ResponseReturnValue:
    return redirect(
        url_for("plans.show", plan_id=placement.plan_id, _anchor=f"hours-{placement.id}")
    )


def _form_page(
    placement: Placement,
    form: HourEntryForm,
    *,
    entry: HourEntry | None = None,
    problems: dict[str, str] | None = None,
) -> str:
    """The entry form; problems go next to their fields, the others above the form."""
    general = form.add_problems(problems or {})
    return render_template(
        "hours/form.html",
        plan=placement.plan,
        placement=placement,
        entry=entry,
        form=form,
        general=general,
        window=services.date_window(placement),
        # The plan's state or a verified entry: nothing typed here could be saved.
        locked=any(key in (problems or {}) for key in ("plan", "entry")),
    )


def _refusal(
    form: HourEntryForm, placement: Placement, entry: HourEntry | None = None
) -> dict[str, str] | None:
    """Return ``None`` for a well-formed form, else all its problems at once."""
    if form.validate_on_submit():
        return None  # the service checks the rules itself, under its lock
    # Besides the form's own errors, show the rules broken by what could be read.
    return services.entry_problems(placement, entry=entry, **form.values())


# -- pages ------------------------------------------------------------------------


@bp.route("/<int:plan_id>/placements/<int:placement_id>/hours/new", methods=["GET", "POST"])
@login_required
def new(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Log hours worked on one day on a placement."""
    placement = _placement_or_404(plan_id, placement_id)
    if request.method == "GET":
        form = HourEntryForm()
        form.submission.data = secrets.token_hex(16)
        return _form_page(placement, form, problems=services.plan_problems(placement.plan))
    form = HourEntryForm()
    submission = form.submission.data
    earlier = services.logged_with(submission)
    if earlier is not None:
        if earlier.placement_id == placement.id:
            return _already_logged(earlier)
        submission = None  # another placement's form id: not this form's
    problems = _refusal(form, placement)
    try:
        if problems is not None:
            raise HourProblems(problems)
        entry = services.log_hours(
            placement, by=current_user, submission=submission, **form.values()
        )
        db.session.commit()
    except HourProblems as error:
        db.session.rollback()
        form.submission.data = form.submission.data or secrets.token_hex(16)
        return _form_page(placement, form, problems=error.problems), 422
    except IntegrityError:
        # The same form sent twice at once: the other request logged the hours.
        db.session.rollback()
        earlier = services.logged_with(submission)
        if earlier is not None and earlier.placement_id == placement.id:
            return _already_logged(earlier)
        form.submission.data = secrets.token_hex(16)
        problems = {"form": "The hours were not logged. Check them and send the form again."}
        return _form_page(placement, form, problems=problems), 409
    flash(
        f"Logged {hours_text(entry.hours)} hours on {entry.work_date} for "
        f"{placement.project.title}. Your supervisor will be asked to verify them.",
        "info",
    )
    return _back_to(placement)


def _already_logged(entry: HourEntry) -> ResponseReturnValue:
    """The answer to a form sent again: its hours were logged once, by the first sending."""
    flash(
        f"These {hours_text(entry.hours)} hours on {entry.work_date} were already logged "
        "(the form was sent twice); they are logged once.",
        "info",
    )
    return _back_to(entry.placement)


@bp.route("/<int:plan_id>/hours/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int, entry_id: int) -> ResponseReturnValue:
    """Correct an entry that is not verified yet."""
    entry = _entry_or_404(plan_id, entry_id)
    placement = entry.placement
    if request.method == "GET":
        form = HourEntryForm(obj=entry)
        return _form_page(placement, form, entry=entry, problems=services.change_problems(entry))
    form = HourEntryForm()
    problems = _refusal(form, placement, entry)
    was_disputed = entry.status == HourStatus.disputed
    try:
        if problems is not None:
            raise HourProblems(problems)
        changed = services.update_entry(entry, by=current_user, **form.values())
    except HourProblems as error:
        db.session.rollback()
        return _form_page(placement, form, entry=entry, problems=error.problems), 422
    db.session.commit()
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
        return _confirm_page(entry, form, services.change_problems(entry))
    if not form.validate_on_submit():
        abort(400)
    work_date = entry.work_date
    try:
        services.delete_entry(entry, by=current_user)
    except HourProblems as error:
        db.session.rollback()
        return _confirm_page(entry, form, error.problems), 422
    db.session.commit()
    flash(f"The entry of {work_date} was deleted.", "info")
    return _back_to(placement)


def _confirm_page(entry: HourEntry, form: ConfirmForm, problems: dict[str, str]) -> str:
    return render_template(
        "hours/delete.html",
        plan=entry.placement.plan,
        placement=entry.placement,
        entry=entry,
        form=form,
        problems=list(problems.values()),
    )
