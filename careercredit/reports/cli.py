"""``flask reports rebuild-summaries``: recompute the reports' summaries from the live rows."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from careercredit.extensions import db
from careercredit.reports import summaries

reports_cli = AppGroup("reports", help="The reports' summaries.")


@reports_cli.command("rebuild-summaries")
@click.option(
    "--check", is_flag=True, help="Only compare: change nothing, exit 1 if a summary has drifted."
)
def rebuild_summaries_command(check: bool) -> None:
    """Recompute every summary table from the plans, hours and links (after a bulk load).

    Says which tables differed from the recomputed figures (drift: a change
    made past the services, such as an import or a hand-edited row).
    """
    before = summaries.summary_rows()
    written = summaries.rebuild()
    after = summaries.summary_rows()
    drifted = sorted(name for name in after if before[name] != after[name])
    for name, count in written.items():
        mark = "  (differed)" if name in drifted else ""
        click.echo(f"  {name:<22} {count:>10,} rows{mark}")
    if check:
        db.session.rollback()
        click.echo("Summaries drifted." if drifted else "Summaries are current.")
        sys.exit(1 if drifted else 0)
    db.session.commit()
    click.echo("Summaries rebuilt.")
