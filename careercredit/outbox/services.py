"""Queueing e-mail in the outbox, and delivering it over SMTP later."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from sqlalchemy import or_, select

from careercredit.extensions import db
from careercredit.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

#: After this many failed attempts a message is marked failed and left alone.
MAX_ATTEMPTS = 8
#: First retry delay; doubles with every failure, capped at six hours.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def queue_email(recipients: Iterable[str | None], template: str, **context: Any) -> int:
    """Write one message per distinct recipient into the session; the caller commits.

    ``template`` names ``templates/email/<template>.txt``: its first line is
    the subject, the rest the body.
    """
    subject, _, body = render_template(f"email/{template}.txt", **context).partition("\n")
    queued = 0
    for address in sorted({r.strip().lower() for r in recipients if r and r.strip()}):
        db.session.add(
            OutboxMessage(to_addr=address, subject=subject.strip()[:300], body=body.strip())
        )
        queued += 1
    return queued


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def due_messages(now: datetime, limit: int) -> list[OutboxMessage]:
    """Pending messages whose time has come, oldest first, locked against other senders."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == MessageStatus.pending,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(db.session.scalars(query))


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send due messages over SMTP; return (sent, failed attempts). Commits per message."""
    sent = failed = 0
    for message in due_messages(datetime.now(UTC), limit):
        try:
            _deliver(message)
        except (OSError, smtplib.SMTPException) as exc:
            _record_failure(message, exc)
            failed += 1
        else:
            message.status = MessageStatus.sent
            message.sent_at = datetime.now(UTC)
            message.attempts += 1
            sent += 1
        db.session.commit()
    return sent, failed


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.failed
        log.error("giving up on outbox message %s after %s attempts", message.id, message.attempts)
    else:
        message.next_attempt_at = datetime.now(UTC) + retry_delay(message.attempts)
        log.warning(
            "outbox message %s not sent (%s); will retry", message.id, exc.__class__.__name__
        )


def _deliver(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["SMTP_FROM"]
    email["To"] = message.to_addr
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}@{config['SMTP_FROM'].rpartition('@')[2]}>"
    email.set_content(message.body)
    smtp_class = smtplib.SMTP_SSL if config["SMTP_SSL"] else smtplib.SMTP
    with smtp_class(
        config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]
    ) as smtp:
        if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(email)
