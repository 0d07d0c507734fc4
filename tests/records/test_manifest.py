"""The manifest in a bulk export's ZIP, and the records revoked since the export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
import zipfile
from datetime import UTC

from flask import Flask
from flask.testing import FlaskClient

from careercredit.extensions import db
from careercredit.models import RecordDocument, User
from careercredit.records.export import run_export
from careercredit.records.manifest import COLUMNS, CSV_NAME, JSON_NAME
from careercredit.records.services import revoke
from careercredit.refusals import unit_of_work
from tests.conftest import user_id
from tests.factories import Factory
from tests.records.test_export import TERM, cohort, documents, new_export

PDF_NAMES = {"stu0", "S1001", "stu2"}


def finished_export(app: Flask, make: Factory) -> int:
    """An export of the cohort's term, issued by the registrar the client signs in as."""
    people = cohort(app, make)
    export_id = new_export(app, people["term"], user_id(app, "rlopez"))
    with app.app_context():
        run_export(export_id)
    return export_id


def download(client: FlaskClient, export_id: int) -> bytes:
    with client.get(f"/records/exports/{export_id}/download") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        return response.data


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def manifests(entries: dict[str, bytes]) -> tuple[list[dict[str, str]], dict]:
    """The CSV manifest's rows and the JSON manifest, after checking they agree."""
    raw = entries[CSV_NAME]
    assert raw.startswith(b"\xef\xbb\xbf")  # a spreadsheet opens accents intact
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == COLUMNS
    listing = json.loads(entries[JSON_NAME])
    assert [{key: str(value) for key, value in item.items()} for item in listing["files"]] == [
        {key: value.lstrip("'") for key, value in row.items()} for row in rows
    ]
    return rows, listing


def revoke_document(app: Flask, document_id: int, reason: str) -> None:
    with app.app_context(), unit_of_work():
        document = db.session.get(RecordDocument, document_id)
        revoke(document, by=db.session.get(User, user_id(app, "rlopez")), reason=reason)


def test_the_zip_holds_a_manifest_that_matches_every_stored_record(
    app: Flask, make: Factory, login_as
) -> None:
    client = login_as("registrar")
    export_id = finished_export(app, make)
    entries = read_zip(download(client, export_id))
    rows, listing = manifests(entries)
    assert sorted(entries) == sorted([CSV_NAME, JSON_NAME, *(row["file"] for row in rows)])
    docs = {doc.code: doc for doc in documents(app, export_id)}
    assert (listing["export"], listing["term"], listing["records"]) == (export_id, TERM, 3)
    assert listing["flagged"] == 0
    assert sorted(row["code"] for row in rows) == sorted(docs)
    with app.app_context():
        numbers = {doc.code: db.session.get(User, doc.student_id) for doc in docs.values()}
        numbers = {code: user.student_number or "" for code, user in numbers.items()}
    for row in rows:
        doc = docs[row["code"]]
        content = entries[row["file"]]
        # The file in the ZIP, the manifest and the registry agree on every byte.
        assert hashlib.sha256(content).hexdigest() == row["sha256"] == doc.sha256
        assert content == doc.content
        assert row["student_number"] == numbers[row["code"]]
        assert row["issued_at"] == doc.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["file"].split("-", 1)[0] in PDF_NAMES
        assert (row["status"], row["revoked_at"], row["superseded_by"]) == ("valid", "", "")
    assert {row["student_number"] for row in rows} == {"", "S1001"}


def test_the_zip_is_the_same_bytes_for_the_same_records(
    app: Flask, make: Factory, login_as
) -> None:
    client = login_as("registrar")
    export_id = finished_export(app, make)
    first = download(client, export_id)
    time.sleep(2.1)  # a ZIP stamped with the time of the download (2 s steps) would differ
    assert download(client, export_id) == first


def test_a_record_revoked_after_the_export_is_flagged_in_the_manifest_and_on_its_page(
    app: Flask, make: Factory, login_as
) -> None:
    client = login_as("registrar")
    export_id = finished_export(app, make)
    page = client.get(f"/records/exports/{export_id}").get_data(as_text=True)
    assert "manifest.csv" in page
    assert "Revoked since the export" not in page
    before = download(client, export_id)
    revoked, superseded, kept = documents(app, export_id)
    revoke_document(app, revoked.id, '=HYPERLINK("http://evil.example") issued in error')
    revoke_document(app, superseded.id, "superseded by CC-7Q4M-2XKD-9PLA-H3TW")

    after = download(client, export_id)
    assert after != before
    entries = read_zip(after)
    rows, listing = manifests(entries)
    by_code = {row["code"]: row for row in rows}
    assert listing["flagged"] == 2
    row = by_code[revoked.code]
    assert row["status"] == "revoked"
    assert row["revoked_at"].endswith("Z")
    assert row["revoked_at"] >= row["issued_at"]
    # The formula-injection guard of the grade roll: the reason is shown, never run.
    assert row["revoke_reason"] == '\'=HYPERLINK("http://evil.example") issued in error'
    row = by_code[superseded.code]
    assert (row["status"], row["superseded_by"]) == ("superseded", "CC-7Q4M-2XKD-9PLA-H3TW")
    assert by_code[kept.code]["status"] == "valid"
    # The records themselves are still in the ZIP, byte for byte as issued.
    for doc in (revoked, superseded, kept):
        assert hashlib.sha256(entries[by_code[doc.code]["file"]]).hexdigest() == doc.sha256

    page = client.get(f"/records/exports/{export_id}").get_data(as_text=True)
    assert "Revoked since the export" in page
    assert "2 of the records in this export were revoked" in page
    assert revoked.code in page
    assert "Superseded by CC-7Q4M-2XKD-9PLA-H3TW" in page
    assert kept.code not in page
