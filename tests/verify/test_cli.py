"""``flask records validate FILE``: the page's verdict, offline, with the record's standing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from careercredit.extensions import db
from careercredit.models import User
from careercredit.records.services import unofficial_copy
from tests.factories import Factory
from tests.verify.conftest import Issued, disclosures, issue, revoke_issued
from tests.verify.signed import (
    add_document_timestamp,
    draw_amended,
    flip_signed_byte,
    strip_signature,
)


def validate(app: Flask, tmp_path: Path, content: bytes, *options: str) -> Result:
    path = tmp_path / "record.pdf"
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["records", "validate", str(path), *options])


def test_the_issued_file_is_found_by_its_bytes_and_valid(
    signing_app: Flask, signed: Issued, tmp_path: Path
) -> None:
    result = validate(signing_app, tmp_path, signed.content)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Record {signed.code} of José Ñúñez: issued on ")
    assert lines[0].endswith("; valid.")
    assert lines[1] == "Verdict: the issued file"
    assert lines[2].startswith("This file is exactly the one we issued.")
    assert disclosures(signing_app) == []  # an operator's check discloses nothing


def test_a_time_stamped_file_is_still_the_issued_file(
    signing_app: Flask, signed: Issued, tmp_path: Path
) -> None:
    result = validate(signing_app, tmp_path, add_document_timestamp(signed.content))
    assert result.exit_code == 0, result.output
    assert f"Record {signed.code}" in result.output
    assert "Verdict: the issued file\nThis file is the one we issued, time-stamped since." in (
        result.output
    )


def test_content_added_after_certification_is_said_and_fails(
    signing_app: Flask, signed: Issued, tmp_path: Path
) -> None:
    result = validate(signing_app, tmp_path, draw_amended(signed.content))
    assert result.exit_code == 1
    assert f"Record {signed.code} of José Ñúñez" in result.output
    assert "Verdict: the issued file with content added after certification" in result.output
    assert "what was drawn or added after is not ours" in result.output


@pytest.mark.parametrize(
    ("change", "words"),
    [(flip_signed_byte, "a broken signature"), (strip_signature, "no signature")],
)
def test_a_file_not_found_by_its_bytes_is_judged_alone_or_against_a_code(
    signing_app: Flask, signed: Issued, tmp_path: Path, change: object, words: str
) -> None:
    changed = change(signed.content)  # type: ignore[operator]
    alone = validate(signing_app, tmp_path, changed)
    assert alone.exit_code == 1
    assert alone.output.startswith("No record we issued is this file or begins with it.")
    assert f"Verdict: {words}\n" in alone.output
    against = validate(signing_app, tmp_path, changed, "--code", signed.code.lower())
    assert against.exit_code == 1
    assert against.output.startswith(f"Record {signed.code} of José Ñúñez: issued on ")
    assert f"Verdict: {words}\n" in against.output


def test_an_unofficial_copy_has_no_signature(
    signing_app: Flask, signed: Issued, tmp_path: Path
) -> None:
    with signing_app.test_request_context():
        copy = unofficial_copy(db.session.get(User, signed.student_id))
    result = validate(signing_app, tmp_path, copy, "--code", signed.code)
    assert result.exit_code == 1
    assert "Verdict: no signature" in result.output
    assert "an unofficial copy" in result.output


def test_another_record_against_a_code(
    signing_app: Flask, signing_make: Factory, signed: Issued, tmp_path: Path
) -> None:
    other = issue(signing_app, signing_make, uid="zoe", name="Zoë Ødegård")
    result = validate(signing_app, tmp_path, other.content, "--code", signed.code)
    assert result.exit_code == 1
    assert "Verdict: another record" in result.output
    found = validate(signing_app, tmp_path, other.content)  # by its own bytes: its own record
    assert found.exit_code == 0
    assert f"Record {other.code} of Zoë Ødegård" in found.output


def test_the_issued_file_of_a_revoked_record_fails(
    signing_app: Flask, signed: Issued, tmp_path: Path
) -> None:
    revoke_issued(signing_app, signed)
    result = validate(signing_app, tmp_path, signed.content)
    assert result.exit_code == 1
    assert "; it is not valid." in result.output
    assert "revoked on " in result.output
    assert "Verdict: the issued file" in result.output


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"not a pdf", (), "This is not a PDF file."),
        (b"", (), "This file is empty."),
        (b"%PDF-1.7\n", ("--code", "CC-0000-0000-0000-0000"), "No record has the code"),
    ],
)
def test_what_cannot_be_checked_says_why(
    app: Flask, tmp_path: Path, content: bytes, options: tuple[str, ...], message: str
) -> None:
    result = validate(app, tmp_path, content, *options)
    assert result.exit_code != 0
    assert message in result.output


def test_an_unsigned_record_is_found_and_valid(app: Flask, make: Factory, tmp_path: Path) -> None:
    issued = issue(app, make)
    result = validate(app, tmp_path, issued.content)
    assert result.exit_code == 0, result.output
    assert "Verdict: the issued file" in result.output
