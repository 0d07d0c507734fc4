"""Pages of the reminders capability: the advisors' list of overdue supervisor links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import roles_required
from careercredit.extensions import db
from careercredit.models import Role, SupervisorLink
from careercredit.reminders.services import (
    ResendRefused,
    link_state,
    overdue_query,
    reminder_after,
    resend,
)
from careercredit.supervisors.links import now

bp = Blueprint("reminders", __name__)

PER_PAGE = 25


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("/advisor/overdue")
@roles_required(Role.advisor)
def overdue() -> ResponseReturnValue:
    """Supervisor links waiting too long for an answer, or expired unanswered."""
    at = now()
    pagination = db.paginate(
        overdue_query(at), page=_page(), per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "reminders/overdue.html",
        pagination=pagination,
        states={link.id: link_state(link, at) for link in pagination.items},
        after_days=reminder_after().days,
    )


@bp.post("/advisor/overdue/<int:link_id>/resend")
@roles_required(Role.advisor)
def resend_link(link_id: int) -> ResponseReturnValue:
    """Send a new link in place of an overdue one."""
    link = db.get_or_404(SupervisorLink, link_id)
    back = url_for("reminders.overdue", page=request.args.get("page", type=int))
    try:
        new = resend(link, by=current_user)
    except ResendRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(back)
    db.session.commit()
    flash(
        f"A new link ({new.purpose.label}) went to {new.recipient_email} for "
        f"{new.placement.plan.student.display_name}; the old link no longer works.",
        "info",
    )
    return redirect(back)
