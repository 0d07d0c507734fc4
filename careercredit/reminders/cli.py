"""``flask reminders ...``: chase supervisors who have not answered.

The job workers run the same every hour (``jobs.tasks.send_reminders``); the
command stays for cron or a run by hand.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from careercredit.reminders.services import reminder_after, send_reminders

reminders_cli = AppGroup(
    "reminders", help="Remind supervisors and tell students about expired links."
)


@reminders_cli.command("send")
def send() -> None:
    """Remind supervisors of waiting links; report links that expired unanswered.

    Safe to run from cron every hour: each link is reminded once and each
    expiry told once, however often (and however many at once) it runs.
    """
    run = send_reminders()
    click.echo(
        f"reminded {len(run.reminded)} supervisor link(s) waiting {reminder_after().days}+ days; "
        f"told {len(run.expired)} expired link(s) to students and advisors; "
        f"queued {run.messages} message(s)"
    )
