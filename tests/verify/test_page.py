"""The public verification page: valid, revoked and unknown codes, what it shows and logs."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import null, update

from careercredit.extensions import db
from careercredit.models import RecordDocument
from careercredit.records.services import verification_url
from tests.factories import Factory
from tests.statements import statements
from tests.verify.conftest import Issued, disclosures, issue, revoke_issued

#: A fact of the page: its label and its value.
FACT = re.compile(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>")
UNKNOWN = "No record has this code. Check it against the document."


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    return response.get_data(as_text=True)


def test_valid_code_shows_name_date_institution_and_credits(
    app: Flask, client: FlaskClient, issued: Issued
) -> None:
    text = page(client, f"/verify/{issued.code}")
    assert "This record is valid" in text
    assert "José Ñúñez" in text
    assert app.config["INSTITUTION_NAME"] in text
    assert "<dt>Total credits</dt><dd>1</dd>" in text
    assert f"{issued.issued_on.day} {issued.issued_on:%B %Y}" in text


def test_valid_page_shows_nothing_else_about_the_student(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    for n in range(5):  # so that the student's id is no number the page shows
        make.user(f"other{n}")
    issued = issue(app, make, grade="B+", feedback="Remarkable data cleaning for the clinic.")
    text = page(client, f"/verify/{issued.code}")
    issued_on = f"{issued.issued_on.day} {issued.issued_on:%B %Y}"
    assert dict(FACT.findall(text)) == {
        "Student": "José Ñúñez",
        "Issued on": issued_on,
        "Issuing institution": app.config["INSTITUTION_NAME"],
        "Total credits": "1",
    }
    # Issue 18: the terms the record covers, with their grades and credits, are shown too.
    assert "<td>B+</td>" in text
    for private in ("jnunez", "university.example", "Remarkable", "hours"):
        assert private not in text
    words = " ".join(re.findall(r">([^<]*)<", text)).replace(issued_on, "")
    assert not re.search(rf"\b{issued.student_id}\b", words)


def test_name_is_escaped_and_unicode_intact(app: Flask, client: FlaskClient, make: Factory) -> None:
    issued = issue(app, make, uid="zoe", name="Zoë <b>Ødegård</b> & co")
    text = page(client, f"/verify/{issued.code}")
    assert html.escape("Zoë <b>Ødegård</b> & co", quote=False) in text
    assert "<b>Ødegård" not in text


def test_the_code_printed_on_the_record_leads_here(app: Flask, issued: Issued) -> None:
    with app.test_request_context():
        url = verification_url(issued.code)
    assert url.endswith(f"/verify/{issued.code}")


def test_code_typed_sloppily_finds_the_record(client: FlaskClient, issued: Issued) -> None:
    sloppy = " " + issued.code.lower().replace("-", " ").replace("0", "o") + " "
    response = client.get("/verify/", query_string={"code": sloppy})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{issued.code}"
    assert "José Ñúñez" in page(client, f"/verify/{quote(issued.code.lower())}")


def test_code_form_explains_what_a_code_looks_like(client: FlaskClient) -> None:
    assert 'name="code"' in page(client, "/verify/")
    assert "Type the verification code" in page(client, "/verify/?code=+", 422)
    text = page(client, "/verify/?code=<script>alert(1)</script>", 422)
    assert "This is not a verification code" in text
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # kept in the field to correct


def test_revoked_code_says_so_and_hides_name_and_credits(
    app: Flask, client: FlaskClient, issued: Issued
) -> None:
    revoke_issued(app, issued)
    text = page(client, f"/verify/{issued.code}")
    assert "This record was revoked on " in text
    assert "; it is not valid." in text
    assert "José Ñúñez" not in text
    assert "Total credits" not in text
    assert 'type="file"' not in text
    [row] = disclosures(app)
    assert row.document_id == issued.document_id
    assert "revoked" in row.disclosed
    assert "name" not in row.disclosed


@pytest.mark.parametrize(
    "code",
    [
        "CC-0000-0000-0000-0000",  # well formed, never issued
        "CC-1234",
        "hello",
        '<img src=x onerror="alert(1)">',
        "'; DROP TABLE record_document; --",
        "x" * 500,
    ],
)
def test_unknown_or_malformed_code_says_so_plainly(
    app: Flask, client: FlaskClient, issued: Issued, code: str
) -> None:
    text = page(client, "/verify/" + quote(code, safe=""), 404)
    assert UNKNOWN in text
    assert "<img src=x" not in text
    assert "José Ñúñez" not in text
    assert disclosures(app) == []


def test_each_verification_is_one_disclosure(
    app: Flask, client: FlaskClient, issued: Issued
) -> None:
    page(client, f"/verify/{issued.code}")
    other = client.get(f"/verify/{issued.code}", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 200
    rows = disclosures(app)
    assert len(rows) == 2
    for row in rows:
        assert row.document_id == issued.document_id
        assert row.student_id == issued.student_id
        assert row.recipient == "visitor of the verification page"
        assert row.purpose == "record verification"
        assert row.disclosed == (
            "record valid; student name, issue date, issuing institution, terms with courses, "
            "grades and credits, total credits"
        )
    assert [row.client_addr for row in rows] == ["127.0.0.1", "198.51.100.7"]


def test_too_many_verifications_are_refused_with_a_readable_page(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(VERIFY_RATE_LIMIT="2 per minute")
    issued = issue(app, Factory(app))
    client = app.test_client()
    page(client, f"/verify/{issued.code}")
    page(client, "/verify/CC-0000-0000-0000-0000", 404)  # unknown codes count too
    text = page(client, f"/verify/{issued.code}", 429)
    assert "Too many verifications" in text
    assert "José Ñúñez" not in text
    assert len(disclosures(app)) == 1
    elsewhere = app.test_client().get(
        f"/verify/{issued.code}", environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert elsewhere.status_code == 200


def test_the_page_is_drawn_before_its_disclosure_is_committed_and_reads_nothing_after(
    app: Flask, client: FlaskClient, issued: Issued
) -> None:
    """The disclosure is committed before the page goes out, and the page needs no reload."""
    with statements(app) as seen:
        text = page(client, f"/verify/{issued.code}")

    kinds = [statement.split(None, 1)[0].upper() for statement in seen]
    assert "This record is valid" in text
    assert kinds[-1] == "INSERT"  # the disclosure, last: nothing is read again after it
    assert kinds.count("INSERT") == 1
    assert len(disclosures(app)) == 1


def test_a_record_issued_before_records_kept_their_lines_shows_the_registry_read_once(
    app: Flask, client: FlaskClient, issued: Issued
) -> None:
    """Older records kept nothing of what they print: the page shows the posted plans now."""
    with app.app_context():
        document = db.session.get(RecordDocument, issued.document_id)
        assert document is not None
        assert document.shows
        printed = document.shows
        # As migration 0014 left the records issued before it (the models refuse the change).
        table = RecordDocument.__table__
        db.session.execute(update(table).where(table.c.id == document.id).values(shows=null()))
        db.session.commit()
    with statements(app) as seen:
        text = page(client, f"/verify/{issued.code}")

    assert "This record is valid" in text
    rows = re.findall(r'<th scope="row">(\S+) <span class="meta">([^<]*)</span></th>', text)
    assert rows == [(line["term"], html.escape(line["term_name"])) for line in printed]
    for line in printed:
        assert f'<td class="nowrap">{line["course"]}</td>' in text
    plan_reads = [statement for statement in seen if "FROM credit_plan" in statement]
    assert len(plan_reads) == 1  # whether it changed and what it shows, from one read
