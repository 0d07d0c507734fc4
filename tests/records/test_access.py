"""Who may reach the records pages: every route, every role, anonymous, and another student."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import RecordDocument, RecordRequest, RequestStatus, Role, User
from careercredit.records.services import issue_record, request_record
from tests.access import (
    ANONYMOUS,
    CASE,
    LOGIN,
    assert_answer,
    browser_of,
    form_page_for,
    matrix_cases,
    send,
    uncovered_routes,
)
from tests.conftest import PEOPLE, csrf_token, login, user_id
from tests.factories import Factory

#: ``other_student`` is José (jnunez): a student with credit of his own, not Alice's.
ROLES = (ANONYMOUS, "student", "other_student", "advisor", "faculty", "registrar", "admin")
UIDS = {**PEOPLE, "other_student": "jnunez"}


def answers(
    student: object = 404, other_student: object = 404, registrar: object = 404
) -> dict[str, object]:
    """Answers per role: advisors, faculty and admins never get in."""
    others = dict.fromkeys(("advisor", "faculty", "admin"), 404)
    return {
        "anonymous": LOGIN,
        "student": student,
        "other_student": other_student,
        "registrar": registrar,
        **others,
    }


def students(answer: object) -> dict[str, object]:
    return answers(student=answer, other_student=answer)


def registrar(answer: object) -> dict[str, object]:
    return answers(registrar=answer)


def owner_or_registrar(answer: object) -> dict[str, object]:
    return answers(student=answer, registrar=answer)


#: {request} and {document} are Alice's; {student} is Alice.
MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/records/mine", students(200)),
    ("GET", "/records/mine/unofficial.pdf", students(200)),
    ("POST", "/records/mine/requests", students(302)),
    ("POST", "/records/requests/{request}/cancel", answers(student=302)),
    ("GET", "/records/", registrar(200)),
    ("GET", "/records/documents.csv", registrar(200)),
    ("GET", "/records/students", registrar(200)),
    ("POST", "/records/requests/{request}/approve", registrar(302)),
    ("GET", "/records/requests/{request}/decline", registrar(200)),
    ("POST", "/records/requests/{request}/decline", registrar(302)),
    ("GET", "/records/students/{student}", registrar(200)),
    ("POST", "/records/students/{student}/issue", registrar(302)),
    ("GET", "/records/documents/{document}", owner_or_registrar(200)),
    ("GET", "/records/documents/{document}/download", owner_or_registrar(200)),
    ("POST", "/records/documents/{document}/revoke", registrar(302)),
    # The record still matches the registry: nothing to reissue.
    ("POST", "/records/documents/{document}/reissue", registrar(422)),
]

FORM = {"purpose": "Graduate school", "reason": "Issued in error.", "confirm": "y"}


def _setup(app: Flask, make: Factory, *, with_request: bool) -> dict[str, int]:
    """Alice and José with posted credit; an issued record of Alice's, maybe her request."""
    for uid in ("alice", "jnunez"):
        assert login(app.test_client(), uid).status_code == 302
    alice, jose = user_id(app, "alice"), user_id(app, "jnunez")
    make.posted_plan(alice)
    make.posted_plan(jose)
    issuer_id = make.user("registrar1", Role.registrar)
    with app.test_request_context():
        student = db.session.get(User, alice)
        document = issue_record(student, by=db.session.get(User, issuer_id))
        ids = {"student": alice, "document": document.id}
        if with_request:
            ids["request"] = request_record(student, "Scholarship").id
        db.session.commit()
    return ids


def _snapshot(app: Flask) -> tuple:
    """What a refused POST must leave alone."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count(RecordDocument.id))),
            db.session.scalar(select(func.count(RecordRequest.id))),
            tuple(db.session.scalars(select(RecordRequest.status).order_by(RecordRequest.id))),
            db.session.scalar(select(func.count(RecordDocument.revoked_at))),
        )


def _client(app: Flask, role: str) -> FlaskClient:
    return browser_of(app, UIDS.get(role))


@pytest.mark.parametrize(CASE, matrix_cases(MATRIX, ROLES))
def test_access(
    app: Flask, make: Factory, method: str, path: str, person: str, expected: object
) -> None:
    ids = _setup(app, make, with_request="{request}" in path)
    client = _client(app, person)
    before = _snapshot(app)
    latest = {"latest": str(ids["document"])}  # the issue button names the newest record
    url = path.format(**ids)
    response = send(client, method, url, {**FORM, **latest}, form_page=form_page_for(person))
    if method == "POST" and expected != 302:
        assert _snapshot(app) == before
    assert_answer(response, expected)


def test_another_students_request_cannot_be_cancelled(app: Flask, make: Factory) -> None:
    ids = _setup(app, make, with_request=True)
    jose = _client(app, "other_student")
    token = csrf_token(jose, "/records/mine")
    response = jose.post(f"/records/requests/{ids['request']}/cancel", data={"csrf_token": token})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(RecordRequest, ids["request"]).status == RequestStatus.pending


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/records/documents/{n}"),
        ("GET", "/records/documents/{n}/download"),
        ("POST", "/records/documents/{n}/revoke"),
        ("GET", "/records/students/{n}"),
        ("POST", "/records/students/{n}/issue"),
        ("POST", "/records/requests/{n}/approve"),
        ("GET", "/records/requests/{n}/decline"),
        ("POST", "/records/requests/{n}/cancel"),
    ],
)
@pytest.mark.parametrize("n", [999, 2**31, 2**64])
def test_missing_or_out_of_range_ids_answer_404(app: Flask, method: str, path: str, n: int) -> None:
    role = "student" if path.endswith("/cancel") else "registrar"
    response = send(_client(app, role), method, path.format(n=n), FORM)
    assert response.status_code == 404


def test_a_registrar_who_is_not_a_student_has_no_records_page(app: Flask) -> None:
    client = _client(app, "registrar")
    assert client.get(f"/records/students/{user_id(app, 'rlopez')}").status_code == 404


def test_every_records_route_is_in_the_matrix(app: Flask) -> None:
    assert uncovered_routes(app, "records.", MATRIX) == set()
