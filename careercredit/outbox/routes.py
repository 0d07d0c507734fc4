"""Pages of the outbox: what was queued and whether it went out."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit import clock
from careercredit.access import roles_required
from careercredit.extensions import db
from careercredit.models import MessageStatus, OutboxMessage, Role
from careercredit.outbox.services import MAX_ATTEMPTS, message_page, retry_failed, status_counts
from careercredit.refusals import unit_of_work

bp = Blueprint("outbox", __name__)


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"when": when, "MessageStatus": MessageStatus}


def when(moment: datetime | None) -> str:
    """A stored time in the institution's zone, as ``2027-01-31 14:05 UTC``."""
    return clock.datetime_text(moment)


@bp.get("/dev/outbox")
def dev() -> ResponseReturnValue:
    """Show queued e-mail in full, links included; development and testing only."""
    if not current_app.config["DEV_OUTBOX"]:
        abort(404)
    to = request.args.get("to", "").strip().lower()
    return render_template("outbox/dev.html", page=message_page(to=to), to=to)


@bp.get("/admin/outbox")
@roles_required(Role.admin)
def index() -> ResponseReturnValue:
    """List messages with their delivery state; never their bodies."""
    status = _status_filter()
    return render_template(
        "outbox/index.html",
        page=message_page(status=status),
        status=status,
        counts=status_counts(),
        max_attempts=MAX_ATTEMPTS,
    )


@bp.post("/admin/outbox/<int:message_id>/retry")
@roles_required(Role.admin)
def retry(message_id: int) -> ResponseReturnValue:
    """Put one failed message back in the queue."""
    message = db.get_or_404(OutboxMessage, message_id)
    back = url_for("outbox.index", status=request.args.get("status") or None)
    if message.status != MessageStatus.failed:
        flash(f"The message to {message.to_addr} is {message.status.value}; nothing to retry.")
        return redirect(back)
    with unit_of_work():
        retry_failed([message.id], by=current_user)
    flash(f"The message to {message.to_addr} is queued again and goes out with the next batch.")
    return redirect(back)


def _status_filter() -> MessageStatus | None:
    """The status chosen in the filter; anything unknown shows every message."""
    try:
        return MessageStatus(request.args.get("status", ""))
    except ValueError:
        return None
