"""``flask backup create`` / ``flask backup restore``: consistent copies of a SQLite database.

SQLite's online backup API copies a live database page by page under its
own locks, so a backup taken while the app serves is consistent. PostgreSQL
is backed up with ``pg_dump`` and restored with ``pg_restore`` (README).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from careercredit import clock
from careercredit.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the SQLite database.")


def database_path() -> Path:
    """The file of the configured SQLite database; other databases are refused."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "backup works on a SQLite database file; back up PostgreSQL with pg_dump "
            "(see the README, section Backup and restore)"
        )
    return Path(url.database)


def copy_database(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` with the online backup API, then check the copy."""
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        problems = dst.execute("PRAGMA integrity_check").fetchall()
    if problems != [("ok",)]:
        raise click.ClickException(f"the copy in {target} failed its integrity check: {problems}")


def schema_revision(path: Path) -> str | None:
    """The Alembic revision a database file is at, or None if it has none."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
    return row[0] if row else None


def head_revision() -> str:
    """The Alembic revision this version of the app needs."""
    migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    return ScriptDirectory.from_config(config).get_current_head() or ""


def _stamp() -> str:
    return clock.now().strftime("%Y%m%dT%H%M%SZ")


@backup_cli.command("create")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path), required=False)
def create(target: Path | None) -> None:
    """Write a consistent copy of the database to TARGET (default: next to it, dated)."""
    source = database_path()
    target = target or source.with_name(f"{source.stem}-{_stamp()}.backup.db")
    if target.exists():
        raise click.ClickException(f"{target} exists; choose another file name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        copy_database(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Backed up {source.name} to {target} (revision {schema_revision(target)}).")


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup: Path, yes: bool) -> None:
    """Replace the database with BACKUP; the current database is kept beside it first."""
    target = database_path()
    revision = schema_revision(backup)
    if revision is None:
        raise click.ClickException(f"{backup} is not a CareerCredit database backup")
    head = head_revision()
    if revision != head:
        raise click.ClickException(
            f"{backup} is at schema revision {revision}, this version needs {head}: restore it "
            "with the version that made it, then run `flask db upgrade`"
        )
    if not yes:
        click.confirm(f"Replace every row of {target} with the contents of {backup}?", abort=True)
    db.session.remove()
    db.engine.dispose()
    if target.exists():
        kept = target.with_name(f"{target.stem}-before-restore-{_stamp()}.db")
        copy_database(target, kept)
        click.echo(f"Kept the current database as {kept}.")
    copy_database(backup, target)
    click.echo(f"Restored {target} from {backup}.")
