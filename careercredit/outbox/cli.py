"""``flask outbox ...``: deliver the messages waiting in the outbox."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from careercredit.outbox.services import send_pending

outbox_cli = AppGroup("outbox", help="Deliver e-mail waiting in the outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Messages per batch.")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=30, show_default=True, help="Seconds between batches.")
def send(limit: int, loop: bool, interval: int) -> None:
    """Send pending messages over SMTP, retrying failures with backoff."""
    while True:
        sent, failed = send_pending(limit)
        click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        time.sleep(interval)
