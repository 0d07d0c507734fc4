"""``flask bench``: seed a synthetic university and write its bench directory.

The seed and the directory are imported when a command runs, not with the app.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_migrate import downgrade, upgrade

from careercredit.extensions import db


@click.group("bench")
def bench_cli() -> None:
    """Benchmark data: a synthetic university of any size."""


@bench_cli.command("seed")
@click.option(
    "--scale",
    type=click.FloatRange(min=0, max=10, min_open=True),
    default=0.01,
    show_default=True,
    help="1 is a university of 40,000 students and ten years of records; 0.01 a small one.",
)
@click.option(
    "--force", is_flag=True, help="Seed a database that holds data: ALL of it is deleted first."
)
@click.option(
    "--ldif",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the LDIF of the bench people here (service password: 'bench-service').",
)
@with_appcontext
def seed_command(scale: float, force: bool, ldif: Path | None) -> None:
    """Fill the (empty) database with a synthetic university of SCALE."""
    from careercredit.bench.directory import bench_ldif, bench_people
    from careercredit.bench.seed import expected_rows, is_empty, seed_university

    upgrade()
    empty = is_empty()
    db.session.remove()  # no open transaction may hold a table the migrations change
    if not empty:
        if not force:
            raise click.ClickException(
                "The database already holds data; seeding is only for an empty one. "
                "Use --force to delete everything in it and seed anyway."
            )
        click.echo("Deleting everything in the database (--force)…")
        downgrade(revision="base")
        upgrade()
    started = time.monotonic()
    with click.progressbar(length=expected_rows(scale), label="Seeding", width=30) as bar:

        def progress(table: str, count: int) -> None:
            bar.label = f"Seeding {table:<16}"
            bar.update(count)

        counts = seed_university(scale, progress=progress)
    after_seeding()
    click.echo(f"Seeded scale {scale:g} in {time.monotonic() - started:.0f} s:")
    for table, count in counts.items():
        click.echo(f"  {table:<18} {count:>10,}")
    if ldif:
        people = bench_people()
        ldif.write_text(bench_ldif(people, "bench-service"), encoding="utf-8")
        click.echo(f"Bench directory ({len(people)} people): {ldif}")


@bench_cli.command("prepare")
@with_appcontext
def prepare_command() -> None:
    """Bring a database seeded earlier up to date: migrations, then what follows a seed."""
    upgrade()
    db.session.remove()
    after_seeding()


def after_seeding() -> None:
    """What a seeded database needs besides its rows (a seed writes rows in bulk).

    The seed writes plans, hours and links past the services, so the reports'
    summaries are recomputed from them (and the time each plan was sent for
    sign-off taken from its audit events).
    """
    from careercredit.bench import seed
    from careercredit.reports import summaries

    summaries.fill_sent_for_signoff()
    summaries.rebuild()
    db.session.commit()
    # The summaries were written anew: the planner's statistics, and on PostgreSQL a VACUUM,
    # without which an index of a summary is read through to its table (no visibility map).
    db.session.remove()
    seed._analyze()  # the seed's own, as it ends (seed.py is the cache's key: kept as it is)


@bench_cli.command("people")
@with_appcontext
def people_command() -> None:
    """Print the bench people of the seeded database as JSON."""
    from careercredit.bench.directory import bench_people

    click.echo(json.dumps([person.__dict__ for person in bench_people()], indent=2))
