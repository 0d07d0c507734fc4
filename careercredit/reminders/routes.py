"""Pages of the reminders capability: the advisors' list of overdue supervisor links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import is_own_record, roles_required
from careercredit.clock import now
from careercredit.extensions import db
from careercredit.models import Role, SupervisorLink
from careercredit.pagination import requested_page
from careercredit.refusals import OwnRecord, Refused, unit_of_work
from careercredit.reminders.services import link_state, overdue_page, reminder_after, resend

bp = Blueprint("reminders", __name__)


@bp.get("/advisor/overdue")
@roles_required(Role.advisor)
def overdue() -> ResponseReturnValue:
    """Supervisor links waiting too long for an answer, or expired unanswered."""
    return _overdue_page()


def _overdue_page(status: int = 200) -> ResponseReturnValue:
    at = now()
    pagination = overdue_page(requested_page(), at)
    return render_template(
        "reminders/overdue.html",
        pagination=pagination,
        states={link.id: link_state(link, at) for link in pagination.items},
        after_days=reminder_after().days,
        is_own_record=is_own_record,
    ), status


@bp.post("/advisor/overdue/<int:link_id>/resend")
@roles_required(Role.advisor)
def resend_link(link_id: int) -> ResponseReturnValue:
    """Send a new link in place of an overdue one."""
    link = db.get_or_404(SupervisorLink, link_id)
    back = url_for("reminders.overdue", page=request.args.get("page", type=int))
    try:
        with unit_of_work():
            new = resend(link, by=current_user)
    except Refused as refused:
        for message in refused.messages:
            flash(message, "error")
        if isinstance(refused, OwnRecord):
            # Refused for who is asking, not for the link's state: answered as such (403),
            # with the list and the message, rather than a redirect that looks like success.
            return _overdue_page(refused.status)
        return redirect(back)
    flash(
        f"A new link ({new.purpose.label}) went to {new.recipient_email} for "
        f"{new.placement.plan.student.display_name}; the old link no longer works.",
        "info",
    )
    return redirect(back)
