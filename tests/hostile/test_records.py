"""Official records with hostile input: purpose, decline and revoke reasons, search, verify."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import assume, given
from sqlalchemy import select, update

from careercredit.extensions import db
from careercredit.models import RecordDocument, RecordRequest, RequestStatus, User
from careercredit.records.services import issue_record
from tests.conftest import user_id
from tests.factories import Factory
from tests.hostile.checks import (
    html_of,
    inert,
    not_a_server_error,
    redirected,
    refused_with_message,
    shown_escaped,
)
from tests.hostile.conftest import HOSTILE, storable
from tests.hostile.strings import hostile_text, mostly, stripped, too_big, with_filler
from tests.plans.conftest import post_form

MINE = "/records/mine"


@pytest.fixture
def alice(app: Flask, login_as, make: Factory) -> tuple[FlaskClient, int]:
    """alice signed in, with posted credit."""
    client = login_as("student")
    alice_id = user_id(app, "alice")
    make.posted_plan(alice_id)
    return client, alice_id


@pytest.fixture
def registrar(app: Flask, login_as, alice: tuple[FlaskClient, int]) -> FlaskClient:
    return login_as("registrar")


def requests_of(app: Flask, student_id: int) -> list[RecordRequest]:
    with app.app_context():
        rows = db.session.scalars(
            select(RecordRequest)
            .where(RecordRequest.student_id == student_id)
            .order_by(RecordRequest.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def close_requests(app: Flask, student_id: int) -> None:
    """Cancel what is pending (set-up: a student has one pending request at most)."""
    with app.app_context():
        db.session.execute(
            update(RecordRequest)
            .where(
                RecordRequest.student_id == student_id,
                RecordRequest.status == RequestStatus.pending,
            )
            .values(status=RequestStatus.cancelled)
        )
        db.session.commit()


@HOSTILE
@given(purpose=hostile_text())
def test_request_purpose(
    app: Flask, alice: tuple[FlaskClient, int], registrar: FlaskClient, purpose: str
) -> None:
    assume(storable(purpose))
    student, alice_id = alice
    close_requests(app, alice_id)
    before = len(requests_of(app, alice_id))
    response = post_form(student, MINE, f"{MINE}/requests", purpose=purpose)
    rows = requests_of(app, alice_id)
    if not redirected(response):
        assert len(rows) == before
        shown_escaped(html_of(response), purpose)
        return
    stored = rows[-1].purpose
    assert stored == stripped(purpose)
    if stored:
        shown_escaped(html_of(student.get(MINE)), stored)
        shown_escaped(html_of(registrar.get("/records/")), stored)
        shown_escaped(html_of(registrar.get(f"/records/students/{alice_id}")), stored)


def _pending(app: Flask, student_id: int) -> int:
    close_requests(app, student_id)
    with app.app_context():
        row = RecordRequest(student_id=student_id, purpose="Graduate school")
        db.session.add(row)
        db.session.commit()
        return row.id


@HOSTILE
@given(reason=with_filler("No posted credit for that term"))
def test_decline_reason(
    app: Flask, alice: tuple[FlaskClient, int], registrar: FlaskClient, reason: str
) -> None:
    assume(storable(reason))
    student, alice_id = alice
    request_id = _pending(app, alice_id)
    url = f"/records/requests/{request_id}/decline"
    response = post_form(registrar, url, url, reason=reason)
    (row,) = [r for r in requests_of(app, alice_id) if r.id == request_id]
    if not redirected(response):
        assert row.status == RequestStatus.pending
        shown_escaped(html_of(response), reason)
        return
    assert row.status == RequestStatus.declined
    assert row.decline_reason == stripped(reason)
    shown_escaped(html_of(student.get(MINE)), row.decline_reason)


@pytest.fixture
def document_id(app: Flask, alice: tuple[FlaskClient, int], registrar: FlaskClient) -> int:
    """An official record of alice, issued by rlopez."""
    with app.test_request_context():
        document = issue_record(
            db.session.get(User, alice[1]), by=db.session.get(User, user_id(app, "rlopez"))
        )
        db.session.commit()
        return document.id


def _unrevoke(app: Flask, document_id: int) -> None:
    """Set-up: make the record valid again, so each example can revoke it."""
    with app.app_context():
        db.session.execute(
            update(RecordDocument)
            .where(RecordDocument.id == document_id)
            .values(revoked_at=None, revoked_by_id=None, revoke_reason=None)
        )
        db.session.commit()


@HOSTILE
@given(reason=with_filler("Issued with the wrong name"), confirm=mostly("y", "y", ""))
def test_revoke_reason(
    app: Flask,
    alice: tuple[FlaskClient, int],
    registrar: FlaskClient,
    document_id: int,
    reason: str,
    confirm: str,
) -> None:
    assume(storable(reason))
    _unrevoke(app, document_id)
    url = f"/records/documents/{document_id}"
    response = post_form(registrar, url, f"{url}/revoke", reason=reason, confirm=confirm)
    with app.app_context():
        stored = db.session.get(RecordDocument, document_id).revoke_reason
    if not redirected(response):
        assert stored is None
        shown_escaped(html_of(response), reason)
        return
    assert stored == stripped(reason)
    shown_escaped(html_of(registrar.get(url)), stored)
    shown_escaped(html_of(alice[0].get(url)), stored)


@HOSTILE
@given(q=hostile_text(), page=hostile_text())
def test_records_search(registrar: FlaskClient, document_id: int, q: str, page: str) -> None:
    assume(not too_big(page) and storable(q))
    response = registrar.get("/records/", query_string={"q": q, "page": page})
    not_a_server_error(response)
    assert response.status_code == 200
    shown_escaped(html_of(response), " ".join(q.split())[:100])


@HOSTILE
@given(code=hostile_text())
def test_verification_code(app: Flask, code: str) -> None:
    visitor = app.test_client()
    response = visitor.get("/verify/", query_string={"code": code})
    not_a_server_error(response)
    if response.status_code == 302:  # a code we could have printed: its page says if we did
        assert response.headers["Location"].startswith("/verify/CC-")
    else:
        refused_with_message(response)
        shown_escaped(html_of(response), code.strip()[:100])  # kept in the box
    direct = visitor.get("/verify/" + quote(code, safe=""))
    not_a_server_error(direct)
    inert(html_of(direct), code)
