"""Pages of the outbox: what was queued and whether it went out."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from careercredit.access import roles_required
from careercredit.extensions import db
from careercredit.models import MessageStatus, OutboxMessage, Role
from careercredit.outbox.services import MAX_ATTEMPTS, retry_failed
from careercredit.sql import aware

bp = Blueprint("outbox", __name__)

PER_PAGE = 25


def when(moment: datetime | None) -> str:
    """A stored time as ``2027-01-31 14:05 UTC`` (SQLite hands back UTC without a zone)."""
    if moment is None:
        return ""
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@bp.get("/dev/outbox")
def dev() -> ResponseReturnValue:
    """Show queued e-mail in full, links included; development and testing only."""
    if not current_app.config["DEV_OUTBOX"]:
        abort(404)
    to = request.args.get("to", "").strip().lower()
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if to:
        query = query.where(OutboxMessage.to_addr == to)
    page = db.paginate(query, per_page=PER_PAGE)
    return render_template("outbox/dev.html", page=page, to=to, when=when)


@bp.get("/admin/outbox")
@roles_required(Role.admin)
def index() -> ResponseReturnValue:
    """List messages with their delivery state; never their bodies."""
    status = _status_filter()
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    page = db.paginate(query, per_page=PER_PAGE)
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "outbox/index.html",
        page=page,
        status=status,
        counts={s: counts.get(s, 0) for s in MessageStatus},
        max_attempts=MAX_ATTEMPTS,
        when=when,
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
    retry_failed([message.id], by=current_user)
    db.session.commit()
    flash(f"The message to {message.to_addr} is queued again and goes out with the next batch.")
    return redirect(back)


def _status_filter() -> MessageStatus | None:
    """The status chosen in the filter; anything unknown shows every message."""
    try:
        return MessageStatus(request.args.get("status", ""))
    except ValueError:
        return None
