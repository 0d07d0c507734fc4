"""Queueing e-mail in the outbox, and delivering it over SMTP later.

Messages are written by ``queue_email`` in the caller's transaction, so a
rolled-back action never sends one. ``send_pending`` delivers them: it claims
one due message at a time with a short conditional UPDATE that pushes
``next_attempt_at`` a lease ahead, delivers it with no transaction open, then
records the outcome. Any number of senders may run at once, on PostgreSQL
(``FOR UPDATE SKIP LOCKED`` keeps them off each other's rows) and on SQLite
(the conditional UPDATE alone decides who wins). A sender that dies while
holding a claim leaves the message pending; it becomes due again when the
lease ends, so delivery is at least once and never lost.

Nothing here logs a message body (it may hold a signed link) or the SMTP
password.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from flask import current_app, render_template
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, and_, func, or_, select, update

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import MessageStatus, OutboxMessage, User
from careercredit.sql import rows_changed

log = logging.getLogger(__name__)

#: After this many failed attempts a message is marked failed and left alone.
MAX_ATTEMPTS = 8
#: First retry delay; doubles with every failure, capped at six hours.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
#: How long a claimed message is kept from other senders while it is delivered.
SHORTEST_LEASE = timedelta(minutes=10)

#: Errors about one message (the server refused it, or it cannot be written):
#: the next message may still go out. Any other error means the server cannot
#: be used just now (down, refusing us, wrong password): stop the batch.
MESSAGE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
)


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


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.status == MessageStatus.pending,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )


def _lease() -> timedelta:
    """Long enough for every step of one delivery to use its whole timeout."""
    return max(SHORTEST_LEASE, timedelta(seconds=20 * current_app.config["SMTP_TIMEOUT"]))


def claim_next() -> OutboxMessage | None:
    """Claim the oldest due message for this sender, or return None. Commits.

    The claim moves ``next_attempt_at`` a lease into the future, so no other
    sender takes the message while this one delivers it.
    """
    while True:
        now = clock.now()
        candidate = db.session.scalar(
            select(OutboxMessage.id)
            .where(_due(now))
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)  # not emitted on SQLite
        )
        if candidate is None:
            db.session.rollback()
            return None
        claimed = rows_changed(
            update(OutboxMessage)
            .where(OutboxMessage.id == candidate, _due(now))
            .values(next_attempt_at=now + _lease())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if claimed == 1:
            return db.session.get(OutboxMessage, candidate)
        # Another sender claimed it between our SELECT and UPDATE: look again.


@dataclass
class SendResult:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    #: The SMTP server could not be used; the rest of the batch was left for later.
    server_down: bool = False


def send_pending(limit: int = 100, keep_going: Callable[[], bool] = lambda: True) -> SendResult:
    """Deliver up to ``limit`` due messages over one SMTP connection. Commits per message.

    Stops early when the server cannot be reached (the remaining messages
    stay pending for the next run) or when ``keep_going()`` turns false.
    """
    result = SendResult()
    with Mailer(current_app.config) as mailer:
        while result.sent + result.failed < limit and keep_going():
            message = claim_next()
            if message is None:
                break
            error = _attempt(mailer, message)
            if error is None:
                _record_success(message)
                result.sent += 1
            else:
                _record_failure(message, error)
                result.failed += 1
                result.server_down = not isinstance(error, MESSAGE_ERRORS)
            db.session.commit()
            if result.server_down:
                break
    return result


def _attempt(mailer: Mailer, message: OutboxMessage) -> Exception | None:
    """Try to deliver ``message``; return what went wrong, or None."""
    try:
        email = build_email(message)
    except ValueError as exc:
        return exc
    try:
        mailer.send(email, message.to_addr)
    except (smtplib.SMTPException, OSError) as exc:  # SMTPException is an OSError too
        mailer.reset()
        return exc
    return None


def _record_success(message: OutboxMessage) -> None:
    message.status = MessageStatus.sent
    message.sent_at = clock.now()
    message.attempts += 1
    message.next_attempt_at = None
    log.info("outbox message %s sent", message.id)


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = describe_error(exc)
    if is_permanent(exc) or message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.failed
        message.next_attempt_at = None
        log.error(
            "outbox message %s failed after %s attempt(s): %s",
            message.id,
            message.attempts,
            message.last_error,
        )
    else:
        message.next_attempt_at = clock.now() + retry_delay(message.attempts)
        log.warning(
            "outbox message %s not sent (%s); will retry after %s",
            message.id,
            message.last_error,
            message.next_attempt_at.isoformat(timespec="seconds"),
        )


def describe_error(exc: Exception) -> str:
    """A short account of a failure, for the admin page and the log.

    Built from the exception class and the server's answer only: smtplib
    never puts the password or the message in its exceptions.
    """
    return f"{exc.__class__.__name__}: {exc}"[:500]


def is_permanent(exc: Exception) -> bool:
    """Tell whether trying this message again cannot help (a 5xx answer about it)."""
    if isinstance(exc, ValueError):  # the message cannot even be written
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def build_email(message: OutboxMessage) -> EmailMessage:
    """The e-mail for ``message``; raises ValueError when its headers are unusable."""
    sender = current_app.config["SMTP_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_addr
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    # The same id on every attempt, so a receiver can drop a duplicate.
    email["Message-ID"] = f"<outbox-{message.id}@{domain}>"
    # RFC 3834: no out-of-office replies to a robot.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


class Mailer:
    """One SMTP connection, opened on first use and kept for a batch."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def reset(self) -> None:
        """Drop the connection after an error; the next message opens a new one."""
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def send(self, email: EmailMessage, recipient: str) -> None:
        """Send ``email`` to ``recipient`` alone, whatever its headers say."""
        if self.smtp is None:
            self.smtp = self._connect()
        envelope_from = parseaddr(self.config["SMTP_FROM"])[1]
        self.smtp.send_message(email, from_addr=envelope_from, to_addrs=[recipient])

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
        smtp: smtplib.SMTP
        if config["SMTP_SSL"]:
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def retry_failed(ids: Iterable[int] | None = None, *, by: User | None = None) -> list[int]:
    """Put failed messages (all, or those of ``ids``) back in the queue; the caller commits.

    Each gets a fresh round of attempts; the last error stays visible until
    the next attempt. An audit event records who did it and which messages.
    """
    query = select(OutboxMessage).where(OutboxMessage.status == MessageStatus.failed)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    messages = db.session.scalars(query.order_by(OutboxMessage.id).with_for_update()).all()
    for message in messages:
        message.status = MessageStatus.pending
        message.attempts = 0
        message.next_attempt_at = None
    retried = [message.id for message in messages]
    if retried:
        record_event(
            "outbox.retry",
            actor=by,
            object_type="outbox_message",
            object_id=retried[0] if len(retried) == 1 else None,
            details={"messages": retried},
        )
    return retried


# -- the outbox pages ---------------------------------------------------------------------

#: Messages on one page of the outbox lists.
PER_PAGE = 25


def message_page(*, status: MessageStatus | None = None, to: str | None = None) -> Pagination:
    """The page of messages the request asks for (``?page=``), newest first.

    ``status`` keeps the messages in that state, ``to`` those to that address.
    """
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if to:
        query = query.where(OutboxMessage.to_addr == to)
    return db.paginate(query, per_page=PER_PAGE)


def status_counts() -> dict[MessageStatus, int]:
    """How many messages are in each state, every state listed."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    counts = {status: count for status, count in rows}
    return {status: counts.get(status, 0) for status in MessageStatus}
