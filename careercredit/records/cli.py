"""``flask records ...``: issue a term's official records in bulk; check a record's file."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.jobs.tasks import start_export
from careercredit.models import (
    ExportStatus,
    RecordDocumentVersion,
    RecordExport,
    Role,
    Term,
    User,
)
from careercredit.records import archive
from careercredit.records import export as jobs
from careercredit.records.signing import signing_settings
from careercredit.refusals import Refused, unit_of_work
from careercredit.verify.cli import validate_command

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

records_cli = AppGroup("records", help="Issue official records in bulk, and check a record's file.")
#: The verification page's file check, offline.
records_cli.add_command(validate_command)


@records_cli.command("export")
@click.option("--term", "term_code", metavar="CODE", help="The term to export, e.g. 2026FA.")
@click.option("--by", "by_uid", metavar="UID", help="The registrar who issues the records.")
@click.option("--resume", "resume_id", type=int, metavar="JOB_ID", help="Finish this export.")
@click.option(
    "--queue", "to_queue", is_flag=True, help="Hand it to the workers (flask worker) and return."
)
def export_command(
    term_code: str | None, by_uid: str | None, resume_id: int | None, to_queue: bool
) -> None:
    """Issue the official record of every student with posted credit in a term.

    The same job as the registrar's page, run here with a progress bar (or,
    with --queue, by the workers). Each record is claimed like a worker's, so
    workers running at the same time never issue one twice; a stopped or
    failed export is finished with --resume JOB_ID.
    """
    if (term_code is None) == (resume_id is None):
        raise click.UsageError("Give either --term CODE (with --by UID) or --resume JOB_ID.")
    runner = _registrar(by_uid) if by_uid else None
    if resume_id is not None:
        export = _resumable(resume_id, runner)
    else:
        if runner is None:
            raise click.UsageError("Say who issues the records: --by UID of a registrar.")
        export = _create(term_code or "", runner)
    click.echo(f"Export {export.id} of {export.term.code}")
    if to_queue:
        start_export(export.id)
        click.echo(f"queued for the workers; follow it at /records/exports/{export.id}")
        return
    with ExitStack() as stack:
        bar = _Bar(stack, f"Issuing records of {export.term.code}")
        try:
            done = jobs.run_export(export.id, progress=bar, runner=runner)
        except Refused as refused:
            raise click.ClickException(" ".join(refused.messages)) from None
    click.echo(
        f"issued {done.done} of {done.total} record(s) of {done.term.code}; "
        f"export {done.id} is {done.status.value}"
    )
    creator = jobs.left_out(done)
    if creator is not None:
        click.echo(jobs.left_out_text(creator))
    if done.status != ExportStatus.done:
        for record in jobs.failed_records(done):
            click.echo(f"not issued: {record.student.display_name}: {record.error}", err=True)
        raise click.ClickException(done.error or "The export failed.")


class _Bar:
    """A click progress bar opened on the first report, once the total is known."""

    def __init__(self, stack: ExitStack, label: str) -> None:
        self.stack = stack
        self.label = label
        self.bar: ProgressBar[int] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = self.stack.enter_context(
                click.progressbar(length=total, label=self.label, show_pos=True, show_eta=True)
            )
        self.bar.update(done - self.bar.pos)


def _registrar(uid: str) -> User:
    user = db.session.scalar(select(User).where(User.uid == uid))
    if user is None or not user.has_role(Role.registrar):
        raise click.BadParameter(
            f"{uid} is not a registrar known to CareerCredit.", param_hint="--by"
        )
    return user


def _create(term_code: str, by: User) -> RecordExport:
    term = db.session.scalar(select(Term).where(Term.code == term_code))
    if term is None:
        raise click.BadParameter(f"There is no term {term_code}.", param_hint="--term")
    try:
        with unit_of_work():
            export = jobs.create_export(term, by=by)
    except Refused as refused:
        raise click.ClickException(" ".join(refused.messages)) from None
    return export


def _resumable(export_id: int, runner: User | None) -> RecordExport:
    export = db.session.get(RecordExport, export_id)
    if export is None:
        raise click.BadParameter(f"There is no export {export_id}.", param_hint="--resume")
    if export.status == ExportStatus.failed:
        jobs.retry(export, by=runner or export.created_by)
    return export


@records_cli.command("archive-timestamps")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=archive.DEFAULT_DAYS,
    show_default=True,
    help="Renew time-stamps whose certificate expires within this many days.",
)
def archive_timestamps_command(days: int) -> None:
    """Renew the document time-stamps that keep signed records valid (PAdES B-LTA).

    The job workers run it every day (``jobs.tasks.archive_timestamps``); it is
    also safe to run from cron, daily or weekly: only records whose last time-stamp's
    certificate expires within --days, or that have no document time-stamp,
    get a new one, each kept as a new version of the record.
    """
    settings = signing_settings(current_app.config)
    if settings is None or settings.tsa is None:
        raise click.ClickException(
            "Records are not time-stamped here: set CAREERCREDIT_SIGNING_CERT, "
            "CAREERCREDIT_SIGNING_KEY and CAREERCREDIT_SIGNING_TSA_URL."
        )

    def done(version: RecordDocumentVersion) -> None:
        click.echo(f"{version.document.code}: version {version.number}")

    try:
        outcome = archive.archive_time_stamps(settings, days=days, progress=done)
    except Refused as refused:
        raise click.ClickException(" ".join(refused.messages)) from None
    click.echo(f"checked {outcome.checked} signed record(s); time-stamped {outcome.renewed} again")
