"""``flask notices ...``: the daily digest of notices.

The job workers send it every day at 07:00 in ``CAREERCREDIT_TIMEZONE``
(``jobs.tasks.send_digests``); the command stays for cron or a run by hand.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from careercredit.notices.services import send_digests

notices_cli = AppGroup("notices", help="Send the daily digest of notices.")


@notices_cli.command("digest")
def digest() -> None:
    """Send each person (and supervisor) waiting for one their digest of notices.

    Safe to run from cron as often as you like: each address gets at most
    one digest per day, however often (and however many at once) it runs.
    """
    run = send_digests()
    click.echo(
        f"queued {len(run.sent)} digest(s) listing {sum(run.sent.values())} notice(s); "
        f"{len(run.already)} address(es) already had today's digest"
    )
