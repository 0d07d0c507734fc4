"""``flask records validate FILE``: the verification page's file check, offline.

It prints the verdict the page gives (``validation.verdict``) and the
record's standing in the registry. The record is found by the file's bytes
(the file we issued, or one that begins with it); a file that is not, such as
a copy without a signature, is judged alone unless ``--code`` names the
record it claims to be. The exit status is 0 only for the issued file of a
record that is still valid.
"""

from __future__ import annotations

from typing import IO

import click
from flask.cli import with_appcontext

from careercredit.models import RecordDocument
from careercredit.records.services import change_since_issue, change_text, day_text
from careercredit.verify.services import UploadProblem, find_document, read_upload
from careercredit.verify.validation import locate, verdict

NOT_FOUND = "No record we issued is this file or begins with it."


@click.command("validate")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--code",
    metavar="CODE",
    help="The verification code printed on the record, to judge the file against that record "
    "[default: the record the file is, found by its bytes].",
)
@with_appcontext
def validate_command(file: IO[bytes], code: str | None) -> None:
    """Say what FILE is, compared with the records we issued: the verification page's verdict."""
    try:
        data = read_upload(file)
    except UploadProblem as problem:
        raise click.ClickException(" ".join(problem.messages)) from None
    document = _named(code) if code else locate(data)
    if document is None:
        click.echo(f"{NOT_FOUND} Give --code CODE, printed on the record, to check it.")
    else:
        click.echo(f"Record {document.code} of {document.student_name}: {_standing(document)}")
    finding = verdict(data, document)
    click.echo(f"Verdict: {finding.verdict.value}")
    click.echo(f"{finding.headline} {finding.explanation}")
    valid = document is not None and not document.revoked and change_since_issue(document) is None
    if not (finding.is_issued and valid):
        raise SystemExit(1)


def _named(code: str) -> RecordDocument:
    document = find_document(code)
    if document is None:
        raise click.BadParameter(f"No record has the code {code}.", param_hint="--code")
    return document


def _standing(document: RecordDocument) -> str:
    """Whether the record is valid, revoked or out of date, as the verification page says."""
    issued = f"issued on {day_text(document.issued_at)}"
    if document.revoked_at is not None:
        revoked = f"revoked on {day_text(document.revoked_at)}"
        if document.superseded_by is not None:
            revoked += f", superseded by {document.superseded_by.code}"
        return f"{issued}, {revoked}; it is not valid."
    change = change_since_issue(document)
    if change is not None:
        return f"out of date. {change_text(document, change)}"
    return f"{issued}; valid."
