"""``flask uploads ...``: check that stored files and deliverable rows agree."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from careercredit import clock
from careercredit.deliverables.storage import upload_storage
from careercredit.extensions import db
from careercredit.models import Deliverable

uploads_cli = AppGroup("uploads", help="Check the stored upload files.")


@uploads_cli.command("check")
@click.option("--delete-orphans", is_flag=True, help="Delete files that no deliverable names.")
@click.option(
    "--min-age",
    default=60,
    show_default=True,
    help="Minutes an orphan must be old before --delete-orphans removes it "
    "(an upload still being saved looks like an orphan for a moment).",
)
def check(delete_orphans: bool, min_age: int) -> None:
    """Report orphan files (no row) and missing files (row, no file); exit 1 if any remain."""
    storage = upload_storage()
    files = select(Deliverable.storage_key).where(Deliverable.storage_key.is_not(None))
    recorded = set(filter(None, db.session.scalars(files)))  # str, not str | None
    stored = set(storage.keys())
    orphans = sorted(stored - recorded)
    missing = sorted(key for key in recorded if not storage.exists(key))
    remaining = []
    for key in orphans:
        if delete_orphans and clock.now() - storage.modified(key) >= timedelta(minutes=min_age):
            storage.delete(key)
            click.echo(f"deleted orphan file {key}")
        else:
            click.echo(f"orphan file {key} (no deliverable names it)")
            remaining.append(key)
    for key in missing:
        ids = db.session.scalars(select(Deliverable.id).where(Deliverable.storage_key == key))
        click.echo(f"missing file {key} (deliverable {', '.join(map(str, ids))})")
    click.echo(
        f"{len(stored)} file(s) stored, {len(recorded)} recorded: "
        f"{len(remaining)} orphan(s), {len(missing)} missing"
    )
    if remaining or missing:
        sys.exit(1)
