"""The records pages as people use them: students ask and download, registrars decide and revoke."""

from __future__ import annotations

import hashlib
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    OutboxMessage,
    RecordDocument,
    RecordRequest,
    RequestStatus,
    Role,
)
from tests.conftest import login, user_id
from tests.factories import Factory
from tests.plans.conftest import post_form

MINE = "/records/mine"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def page_text(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())


def actions(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def requests_of(app: Flask, student_id: int) -> list[tuple[RequestStatus, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(RecordRequest.status, RecordRequest.decline_reason)
            .where(RecordRequest.student_id == student_id)
            .order_by(RecordRequest.id)
        )
        return [tuple(row) for row in rows]


def documents_of(app: Flask, student_id: int) -> list[RecordDocument]:
    with app.app_context():
        query = (
            select(RecordDocument)
            .where(RecordDocument.student_id == student_id)
            .options(undefer(RecordDocument.content))
            .order_by(RecordDocument.id)
        )
        return list(db.session.scalars(query))


@pytest.fixture
def alice(app: Flask, login_as, make: Factory) -> tuple[FlaskClient, int]:
    """Alice signed in, with two posted terms (1 and 2 credits)."""
    client = login_as("student")
    alice_id = user_id(app, "alice")
    make.posted_plan(alice_id, term_id=make.term("2026SP", name="Spring 2026"), credits=1)
    make.posted_plan(alice_id, term_id=make.term("2026FA", name="Fall 2026"), credits=2)
    return client, alice_id


def ask(client: FlaskClient, purpose: str = "Graduate school application"):
    return post_form(client, MINE, "/records/mine/requests", purpose=purpose)


def issue_form(registrar: FlaskClient, student_id: int) -> dict[str, str]:
    """The issue button's form as the registrar's student page shows it."""
    page = f"/records/students/{student_id}"
    latest = re.search(
        r'id="latest" name="latest" type="hidden" value="(\d+)"', page_text_raw(registrar.get(page))
    )
    assert latest, "the issue button carries the newest record the page showed"
    return {"csrf_token": _token(registrar, page), "latest": latest.group(1)}


def page_text_raw(response) -> str:
    return response.get_data(as_text=True)


def issue_for(registrar: FlaskClient, student_id: int) -> int:
    """Issue a record from the registrar's student page; the new document's id."""
    page = f"/records/students/{student_id}"
    response = registrar.post(f"{page}/issue", data=issue_form(registrar, student_id))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


# -- the student's page ----------------------------------------------------------------


def test_student_sees_posted_credit_and_downloads_an_unofficial_copy(
    app: Flask, alice: tuple[FlaskClient, int]
) -> None:
    client, alice_id = alice
    text = page_text(client.get(MINE))
    assert "2026SP Spring 2026" in text
    assert "2026FA Fall 2026" in text
    assert "Total 3" in text
    assert "Request an official record" in text
    assert 'href="/records/mine/unofficial.pdf"' in client.get(MINE).get_data(as_text=True)

    response = client.get("/records/mine/unofficial.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    pdf_text = text_of(response.data)
    assert "UNOFFICIAL" in pdf_text
    assert "Alice Student" in pdf_text
    assert "CC-" not in pdf_text
    [event] = actions(app, "record.unofficial")
    assert event.actor_id == alice_id
    assert documents_of(app, alice_id) == []


def test_student_without_posted_credit_is_told_what_happens_next(app: Flask, login_as) -> None:
    client = login_as("student")
    response = client.get(MINE)
    assert response.status_code == 200
    text = page_text(response)
    assert "You have no posted credit yet" in text
    assert "registrar posts its credit" in text
    assert 'action="/records/mine/requests"' not in response.get_data(as_text=True)
    assert "Download unofficial copy" not in text

    refused = ask(client)
    assert refused.status_code == 422
    assert "no posted credit yet" in page_text(refused)
    assert requests_of(app, user_id(app, "alice")) == []
    unofficial = client.get("/records/mine/unofficial.pdf")
    assert unofficial.status_code == 302
    assert "no posted credit yet" in page_text(client.get(MINE))


def test_purpose_longer_than_500_characters_is_refused_and_kept(
    app: Flask, alice: tuple[FlaskClient, int]
) -> None:
    client, alice_id = alice
    purpose = "x" * 501
    response = ask(client, purpose)
    assert response.status_code == 422
    assert "Keep it under 500 characters." in page_text(response)
    assert purpose in response.get_data(as_text=True)
    assert requests_of(app, alice_id) == []


# -- requests: ask, approve, decline, cancel ---------------------------------------------


def test_request_then_approve_issues_a_record_the_student_sees(
    app: Flask, alice: tuple[FlaskClient, int], login_as
) -> None:
    client, alice_id = alice
    response = ask(client)
    assert response.status_code == 302
    text = page_text(client.get(MINE))
    assert "is waiting for the registrar" in text
    assert "Graduate school application" in text

    second = post_form(client, MINE, "/records/mine/requests", purpose="Second try")
    assert second.status_code == 422
    assert "You already have a request waiting for the registrar." in page_text(second)
    assert len(requests_of(app, alice_id)) == 1

    registrar = login_as("registrar")
    index = page_text(registrar.get("/records/"))
    assert "Waiting requests (1)" in index
    assert "Alice Student" in index
    assert "Graduate school application" in index
    with app.app_context():
        request_id = db.session.scalar(select(RecordRequest.id))
    approved = post_form(registrar, "/records/", f"/records/requests/{request_id}/approve")
    assert approved.status_code == 302
    [document] = documents_of(app, alice_id)
    assert approved.headers["Location"] == f"/records/documents/{document.id}"
    assert requests_of(app, alice_id) == [(RequestStatus.issued, None)]
    assert "No requests are waiting." in page_text(registrar.get("/records/"))

    mine = page_text(client.get(MINE))
    assert document.code in mine
    assert "Issued" in mine
    assert "Valid" in mine
    assert "is waiting for the registrar" not in mine
    with app.app_context():
        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert f"Your official record is ready: {document.code}" in subjects

    again = post_form(registrar, "/records/", f"/records/requests/{request_id}/approve")
    assert again.status_code == 422
    assert "already issued; nothing was issued" in page_text(again)
    assert len(documents_of(app, alice_id)) == 1


def test_decline_needs_a_reason_that_the_student_then_reads(
    app: Flask, alice: tuple[FlaskClient, int], login_as
) -> None:
    client, alice_id = alice
    ask(client)
    registrar = login_as("registrar")
    with app.app_context():
        request_id = db.session.scalar(select(RecordRequest.id))
    page = f"/records/requests/{request_id}/decline"
    assert "Graduate school application" in page_text(registrar.get(page))

    empty = post_form(registrar, page, page, reason="   ")
    assert empty.status_code == 422
    assert "Write why the request is declined" in page_text(empty)
    assert requests_of(app, alice_id) == [(RequestStatus.pending, None)]

    reason = "Your spring credit is under review; ask again after 1 June."
    declined = post_form(registrar, page, page, reason=reason)
    assert declined.status_code == 302
    assert requests_of(app, alice_id) == [(RequestStatus.declined, reason)]
    text = page_text(client.get(MINE))
    assert "Declined" in text
    assert reason in text
    assert "Request an official record" in text  # they may ask again
    with app.app_context():
        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert "Your request for an official record was declined" in subjects

    late = post_form(registrar, "/records/", page, reason="Twice.")
    assert late.status_code == 422
    assert "This request is already declined." in page_text(late)


def test_student_cancels_a_waiting_request(app: Flask, alice: tuple[FlaskClient, int]) -> None:
    client, alice_id = alice
    ask(client)
    with app.app_context():
        request_id = db.session.scalar(select(RecordRequest.id))
    assert f'action="/records/requests/{request_id}/cancel"' in client.get(MINE).get_data(
        as_text=True
    )
    cancelled = post_form(client, MINE, f"/records/requests/{request_id}/cancel")
    assert cancelled.status_code == 302
    assert requests_of(app, alice_id) == [(RequestStatus.cancelled, None)]
    assert "Cancelled" in page_text(client.get(MINE))

    again = post_form(client, MINE, f"/records/requests/{request_id}/cancel")
    assert again.status_code == 422
    assert "already cancelled; nothing was cancelled" in page_text(again)


# -- issuing, downloading, revoking ---------------------------------------------------------


def test_download_is_the_stored_file_byte_for_byte(
    app: Flask, alice: tuple[FlaskClient, int], login_as
) -> None:
    client, alice_id = alice
    registrar = login_as("registrar")
    document_id = issue_for(registrar, alice_id)
    [document] = documents_of(app, alice_id)

    for person in (registrar, client):
        response = person.get(f"/records/documents/{document_id}/download")
        assert response.status_code == 200
        assert response.data == document.content
        assert hashlib.sha256(response.data).hexdigest() == document.sha256
        assert response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{document.filename}"'
        )
    assert document.code in text_of(document.content)
    [download] = actions(app, "record.download")  # the registrar's, not the student's own
    assert download.actor_id == user_id(app, "rlopez")
    assert download.object_id == str(document_id)


def test_document_page_shows_what_identifies_the_record(
    app: Flask, alice: tuple[FlaskClient, int], login_as
) -> None:
    client, alice_id = alice
    registrar = login_as("registrar")
    document_id = issue_for(registrar, alice_id)
    [document] = documents_of(app, alice_id)
    text = page_text(client.get(f"/records/documents/{document_id}"))
    assert document.code in text
    assert f"/verify/{document.code}" in text
    assert document.sha256 in text
    assert "Rosa Lopez" in text  # who issued it
    assert "Not digitally signed" in text
    assert "Revoke this record" not in text  # students cannot revoke
    assert "Valid" in text
    assert document_views(app) == []  # the student's own look is not audited
    assert "Revoke this record" in page_text(registrar.get(f"/records/documents/{document_id}"))
    [view] = document_views(app)
    assert (view.actor_id, view.object_id) == (user_id(app, "rlopez"), str(document_id))


def document_views(app: Flask) -> list[AuditEvent]:
    return [e for e in actions(app, "record.view") if e.object_type == "record_document"]


def test_revoke_needs_a_reason_and_a_confirmation(
    app: Flask, alice: tuple[FlaskClient, int], login_as
) -> None:
    client, alice_id = alice
    registrar = login_as("registrar")
    document_id = issue_for(registrar, alice_id)
    page = f"/records/documents/{document_id}"
    target = f"{page}/revoke"
    assert "Revoke this record" in page_text(registrar.get(page))

    no_reason = post_form(registrar, page, target, reason="", confirm="y")
    assert no_reason.status_code == 422
    assert "Write why the record is revoked." in page_text(no_reason)

    reason = "Issued with the spring grade before its amendment."
    unticked = post_form(registrar, page, target, reason=reason)
    assert unticked.status_code == 422
    assert "Tick the box to confirm" in page_text(unticked)
    assert reason in unticked.get_data(as_text=True)  # what was typed is kept
    assert not documents_of(app, alice_id)[0].revoked

    revoked = post_form(registrar, page, target, reason=reason, confirm="y")
    assert revoked.status_code == 302
    [document] = documents_of(app, alice_id)
    assert document.revoked
    assert document.revoke_reason == reason
    text = page_text(registrar.get(page))
    assert "This record was revoked" in text
    assert "by Rosa Lopez" in text
    assert reason in text
    assert "Revoke this record" not in text
    assert "Revoked" in page_text(client.get(MINE))
    assert reason in page_text(client.get(page))
    assert len(actions(app, "record.revoke")) == 1

    twice = registrar.post(target, data={"csrf_token": _token(registrar, page), "reason": "x"})
    assert twice.status_code == 422
    assert "already revoked" in page_text(twice)
    assert documents_of(app, alice_id)[0].revoke_reason == reason


def _token(client: FlaskClient, page: str) -> str:
    body = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)


def test_registrar_student_page_is_audited_and_issues_a_record(
    app: Flask, alice: tuple[FlaskClient, int], login_as
) -> None:
    client, alice_id = alice
    ask(client, "Scholarship")
    registrar = login_as("registrar")
    page = f"/records/students/{alice_id}"
    text = page_text(registrar.get(page))
    assert "Records of Alice Student" in text
    assert "Total 3" in text
    assert "Issuing a record fulfils that request" in text
    [view] = actions(app, "record.view")
    assert view.actor_id == user_id(app, "rlopez")
    assert (view.object_type, view.object_id) == ("user", str(alice_id))

    issue_for(registrar, alice_id)
    assert requests_of(app, alice_id) == [(RequestStatus.issued, None)]
    [document] = documents_of(app, alice_id)
    assert document.code in page_text(registrar.get(page))


def test_a_second_click_on_issue_issues_nothing_more(
    app: Flask, alice: tuple[FlaskClient, int], login_as
) -> None:
    _, alice_id = alice
    registrar = login_as("registrar")
    form = issue_form(registrar, alice_id)
    page = f"/records/students/{alice_id}"
    assert registrar.post(f"{page}/issue", data=form).status_code == 302
    again = registrar.post(f"{page}/issue", data=form)
    assert again.status_code == 422
    assert "A record was issued meanwhile" in page_text(again)
    assert len(documents_of(app, alice_id)) == 1
    # The page shown now carries the new record, so a deliberate second issue works.
    issue_for(registrar, alice_id)
    assert len(documents_of(app, alice_id)) == 2


def test_registrar_cannot_issue_without_posted_credit(app: Flask, login_as) -> None:
    login_as("student")
    alice_id = user_id(app, "alice")
    registrar = login_as("registrar")
    page = f"/records/students/{alice_id}"
    assert "No posted credit" in page_text(registrar.get(page))
    response = registrar.post(f"{page}/issue", data={"csrf_token": _token(registrar, page)})
    assert response.status_code == 422
    assert "has no posted credit to put on a record" in page_text(response)
    assert documents_of(app, alice_id) == []


# -- the registrar's list: search and pages ---------------------------------------------------


def _store(app: Flask, student_id: int, issuer_id: int, code: str, minute: int) -> None:
    """An issued document with stand-in bytes, issued ``minute`` minutes into 2026."""
    content = f"%PDF-1.7 stand-in {code}".encode()
    with app.app_context():
        db.session.add(
            RecordDocument(
                code=code,
                student_id=student_id,
                student_name="stored name",
                total_credits=1,
                issued_by_id=issuer_id,
                issued_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minute),
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                size_bytes=len(content),
            )
        )
        db.session.commit()


def _stored_documents(app: Flask, student_id: int, issuer_id: int, count: int) -> list[str]:
    """``count`` documents of the student, one a minute; their codes, oldest first."""
    codes = [f"CC-TEST-{n:04d}-0000-{student_id:04d}" for n in range(count)]
    for n, code in enumerate(codes):
        _store(app, student_id, issuer_id, code, n)
    return codes


def test_registrar_finds_a_record_by_code_or_student(app: Flask, login_as, make: Factory) -> None:
    registrar = login_as("registrar")
    issuer = user_id(app, "rlopez")
    login(app.test_client(), "jnunez")
    jose_codes = _stored_documents(app, user_id(app, "jnunez"), issuer, 2)
    other = make.user("bwhite", Role.student, name="Bea White")
    _store(app, other, issuer, "CC-ZZZZ-ZZZZ-ZZZZ-ZZZZ", 60)

    def search(text: str) -> str:
        return page_text(registrar.get("/records/", query_string={"q": text}))

    by_code = search(f" {jose_codes[1].lower()} ")
    assert jose_codes[1] in by_code
    assert jose_codes[0] not in by_code
    assert "CC-ZZZZ" not in by_code
    by_name = search("josé Ñúñez")  # SQLite folds the case of ASCII letters only
    assert jose_codes[0] in by_name
    assert jose_codes[1] in by_name
    assert "CC-ZZZZ" not in by_name
    by_uid = search("bwhite")
    assert "CC-ZZZZ" in by_uid
    assert jose_codes[0] not in by_uid
    by_number = search("900000002")
    assert jose_codes[0] in by_number
    assert "CC-ZZZZ" not in by_number
    assert "No issued record matches “%”" in search("%")


def test_registrar_list_is_newest_first_25_a_page(app: Flask, login_as) -> None:
    registrar = login_as("registrar")
    issuer = user_id(app, "rlopez")
    login(app.test_client(), "jnunez")
    codes = _stored_documents(app, user_id(app, "jnunez"), issuer, 27)
    first = page_text(registrar.get("/records/"))
    assert "Page 1 of 2 (27 in all)" in first
    assert first.index(codes[26]) < first.index(codes[2])
    assert codes[1] not in first
    assert codes[0] not in first
    second = page_text(registrar.get("/records/", query_string={"page": 2}))
    assert codes[1] in second
    assert codes[0] in second
    assert codes[2] not in second
    past = registrar.get("/records/", query_string={"page": 9})
    assert past.status_code == 200
    assert "past the end of the list" in page_text(past)


def test_huge_ids_answer_404(login_as) -> None:
    registrar = login_as("registrar")
    huge = 2**63
    for path in (
        f"/records/documents/{huge}",
        f"/records/documents/{huge}/download",
        f"/records/students/{huge}",
        f"/records/requests/{huge}/decline",
    ):
        assert registrar.get(path).status_code == 404, path


def test_menu_leads_students_and_registrars_to_records(login_as) -> None:
    assert 'href="/records/mine"' in login_as("student").get("/").get_data(as_text=True)
    registrar_home = login_as("registrar").get("/").get_data(as_text=True)
    assert 'href="/records/"' in registrar_home
    assert 'href="/records/mine"' not in registrar_home


def test_every_post_needs_a_csrf_token(app: Flask, alice: tuple[FlaskClient, int]) -> None:
    client, alice_id = alice
    response = client.post("/records/mine/requests", data={"purpose": "No token"})
    assert response.status_code == 400
    assert requests_of(app, alice_id) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(RecordRequest.id))) == 0
