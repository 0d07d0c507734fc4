"""``flask reminders ...``: chase supervisors who have not answered."""

from __future__ import annotations

from flask.cli import AppGroup

reminders_cli = AppGroup(
    "reminders", help="Remind supervisors and tell students about expired links."
)
