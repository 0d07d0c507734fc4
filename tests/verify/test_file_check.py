"""Checking a visitor's PDF against the record we issued: uploads, limits, what is logged.

Each verdict on a certified record has its own test in ``test_verdicts.py``;
these records are issued unsigned, as without a signing certificate.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from careercredit.verify.services import EMPTY_FILE, NO_FILE, NOT_PDF
from tests.conftest import csrf_token
from tests.factories import Factory
from tests.verify.conftest import Issued, disclosures, issue, revoke_issued

SAME = "This file is exactly the one we issued."
#: The verdicts other than the issued file all say the file is not ours as it stands.
DIFFERS = ("carries no signature", "another record", "signature is broken", "added after")


def upload(
    client: FlaskClient,
    code: str,
    content: bytes | None,
    filename: str = "record.pdf",
    token: str | None = None,
) -> TestResponse:
    """Send ``content`` as the file to check, with the token of the code's page (opened now)."""
    data: dict[str, object] = {"csrf_token": token or csrf_token(client, f"/verify/{code}")}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post(f"/verify/{code}", data=data, content_type="multipart/form-data")


def test_the_file_as_issued_is_exactly_the_one_we_issued(
    app: Flask, client: FlaskClient, issued: Issued
) -> None:
    response = upload(client, issued.code, issued.content)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    text = response.get_data(as_text=True)
    assert SAME in text
    assert not any(words in text for words in DIFFERS)
    assert "José Ñúñez" in text
    opened, checked = disclosures(app)
    assert "file check" not in opened.disclosed
    assert checked.document_id == issued.document_id
    assert checked.disclosed.endswith("; file check: the issued file")


@pytest.mark.parametrize("where", [0.5, -10])
def test_one_changed_byte_in_an_unsigned_record_makes_it_no_record_of_ours(
    app: Flask, client: FlaskClient, issued: Issued, where: float
) -> None:
    altered = bytearray(issued.content)
    at = int(len(altered) * where) if where > 0 else len(altered) + int(where)
    altered[at] ^= 0x01
    response = upload(client, issued.code, bytes(altered))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "This file carries no signature." in text
    assert SAME not in text
    assert disclosures(app)[-1].disclosed.endswith("; file check: no signature")


def test_another_unsigned_record_is_another_record(
    app: Flask, client: FlaskClient, make: Factory, issued: Issued
) -> None:
    other = issue(app, make, uid="zoe", name="Zoë Ødegård")
    response = upload(client, issued.code, other.content)
    text = response.get_data(as_text=True)
    assert "This file is another record." in text
    assert "Zoë" not in text


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "record.pdf", EMPTY_FILE),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "scan.png", NOT_PDF),
        ("José Ñúñez, 1 credit".encode(), "record.pdf", NOT_PDF),
        (b"", "", NO_FILE),  # what a browser sends when no file was chosen
        (None, "", NO_FILE),
    ],
    ids=["empty", "image", "text", "nothing chosen", "no file field"],
)
def test_a_file_that_cannot_be_checked_gets_a_field_error(
    app: Flask,
    client: FlaskClient,
    issued: Issued,
    content: bytes | None,
    filename: str,
    message: str,
) -> None:
    response = upload(client, issued.code, content, filename)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message.split(".")[0] in text
    assert 'aria-invalid="true"' in text
    assert SAME not in text
    assert not any(words in text for words in DIFFERS)
    assert [row.disclosed.endswith("total credits") for row in disclosures(app)] == [True, True]


def test_a_file_larger_than_any_record_is_refused(client: FlaskClient, issued: Issued) -> None:
    big = b"%PDF-1.7\n" + bytes(11 * 1024 * 1024)
    # Encoded in memory: the test client would spool a body this large to an unclosed file.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client, f"/verify/{issued.code}"),
            "file": FileStorage(io.BytesIO(big), "record.pdf"),
        }
    )
    response = client.post(
        f"/verify/{issued.code}",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "larger than any record we issue" in text
    assert f'href="/verify/{issued.code}"' in text


def test_a_revoked_record_offers_no_file_check(
    app: Flask, client: FlaskClient, issued: Issued
) -> None:
    token = csrf_token(client, f"/verify/{issued.code}")  # opened while still valid
    revoke_issued(app, issued)
    response = upload(client, issued.code, issued.content, token=token)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "This record was revoked on" in text
    assert SAME not in text
    assert "José Ñúñez" not in text
    assert 'type="file"' not in text
    assert all(row.document_id == issued.document_id for row in disclosures(app))
    assert disclosures(app)[-1].disclosed == "record revoked; revocation date"


def test_unknown_code_checks_no_file(app: Flask, client: FlaskClient, issued: Issued) -> None:
    token = csrf_token(client, f"/verify/{issued.code}")
    response = upload(client, "CC-0000-0000-0000-0000", issued.content, token=token)
    assert response.status_code == 404
    assert "No record has this code" in response.get_data(as_text=True)
    assert len(disclosures(app)) == 1  # the page the token came from


def test_without_a_csrf_token_nothing_is_checked(client: FlaskClient, issued: Issued) -> None:
    response = client.post(
        f"/verify/{issued.code}",
        data={"file": (io.BytesIO(issued.content), "record.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert SAME not in response.get_data(as_text=True)


def test_checking_files_counts_against_the_rate_limit(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(VERIFY_RATE_LIMIT="2 per minute")
    issued = issue(app, Factory(app))
    client = app.test_client()
    token = csrf_token(client, f"/verify/{issued.code}")
    assert upload(client, issued.code, issued.content, token=token).status_code == 200
    response = upload(client, issued.code, issued.content, token=token)
    assert response.status_code == 429
    assert "Too many verifications" in response.get_data(as_text=True)
