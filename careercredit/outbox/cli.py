"""``flask outbox ...``: deliver the messages waiting in the outbox.

The job workers (``flask worker``) run the same delivery every minute
(``jobs.tasks.deliver_outbox``); this command stays for cron, a one-off
batch, or a machine without a worker.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from careercredit.extensions import db
from careercredit.outbox.services import SendResult, retry_failed, send_pending

log = logging.getLogger(__name__)

outbox_cli = AppGroup("outbox", help="Deliver e-mail waiting in the outbox.")


class _Stop:
    """Set by SIGTERM/SIGINT in --loop mode: finish the message in hand, then leave."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True

    def keep_going(self) -> bool:
        return not self.requested


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Messages per batch.")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=30, show_default=True, help="Seconds between batches.")
def send(limit: int, loop: bool, interval: int) -> None:
    """Send pending messages over SMTP, retrying failures with backoff."""
    if not loop:
        _report(send_pending(limit))
        return
    stop = _Stop()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while stop.keep_going():
            if _send_batch(limit, stop):
                continue  # a full batch: more may be waiting
            for _ in range(interval):
                if not stop.keep_going():
                    break
                time.sleep(1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _send_batch(limit: int, stop: _Stop) -> bool:
    """Send one batch in --loop mode; tell whether another should follow at once."""
    try:
        result = send_pending(limit, keep_going=stop.keep_going)
    except SQLAlchemyError as exc:
        # The database is away for a moment: wait for the next round.
        db.session.rollback()
        log.error("outbox sender: database unavailable (%s)", exc.__class__.__name__)
        return False
    if result.sent or result.failed:  # a quiet journal while nothing happens
        _report(result)
    return result.sent + result.failed >= limit and not result.server_down


def _report(result: SendResult) -> None:
    down = "; SMTP server unavailable, the rest waits" if result.server_down else ""
    click.echo(f"sent {result.sent}, failed {result.failed}{down}")


@outbox_cli.command("retry-failed")
def retry_failed_command() -> None:
    """Put every failed message back in the queue (after fixing the SMTP settings)."""
    retried = retry_failed()
    db.session.commit()
    click.echo(f"{len(retried)} failed message(s) queued again")
