"""Separation of duties in official records: a registrar never certifies their own record.

Priya Shah is a student who works in the registrar's office (both roles in the
test campus directory). She may not issue, approve or decline her own record
request, issue her own official record or revoke one: 403 with the reason on
the page, and no row of any table changes. Like any student she still asks
for an official record and downloads her unofficial copy and her issued
records; and she does all of the registrar's work for every other student. A
bulk export she starts leaves her own record out, saying so on its page.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import RecordRequest, RequestStatus
from tests.conftest import csrf_token, login, user_id
from tests.factories import Factory
from tests.plans.conftest import post_form
from tests.records.test_export import documents, wait_for
from tests.records.test_pages import (
    MINE,
    ask,
    documents_of,
    issue_for,
    page_text,
    requests_of,
)
from tests.routes_fixtures import changed_tables, snapshot

OWN_RECORD = "You can't act on your own record; another registrar must."


@pytest.fixture
def office(app: Flask, login_as, make: Factory) -> dict[str, Any]:
    """Priya and Alice with posted credit, Priya and Rosa Lopez signed in as registrars."""
    priya = app.test_client()
    assert login(priya, "pshah").status_code == 302
    people = {
        "priya": priya,
        "rosa": login_as("registrar"),
        "alice": login_as("student"),
        "me": user_id(app, "pshah"),
        "alice_id": user_id(app, "alice"),
        "term": make.term("2026FA", name="Fall 2026"),
    }
    for student in (people["me"], people["alice_id"]):
        make.posted_plan(student, term_id=people["term"], registrar_id=user_id(app, "rlopez"))
    return people


def request_id(app: Flask, student_id: int) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(RecordRequest.id).where(RecordRequest.student_id == student_id)
        )
        assert found is not None
        return found


def refused(app: Flask, send: Any) -> None:
    """``send()`` answers 403 with the own-record message, and no row of any table changes."""
    before = snapshot(app)
    response = send()
    assert response.status_code == 403
    assert OWN_RECORD in page_text(response)
    assert changed_tables(before, snapshot(app)) == []


def button(client: FlaskClient, target: str, **data: str) -> Any:
    return client.post(target, data={"csrf_token": csrf_token(client, "/records/"), **data})


def test_registrar_asks_like_a_student_but_does_not_decide_her_own_request(
    app: Flask, office: dict[str, Any]
) -> None:
    priya, me = office["priya"], office["me"]
    assert ask(priya).status_code == 302  # she asks like any student
    assert ask(office["alice"]).status_code == 302
    own, alices = request_id(app, me), request_id(app, office["alice_id"])

    index = priya.get("/records/").get_data(as_text=True)
    assert f"/records/requests/{own}/approve" not in index
    assert f"/records/requests/{alices}/approve" in index
    marked = page_text(priya.get("/records/"))
    assert marked.count("your own request — another registrar decides") == 1
    decline_page = priya.get(f"/records/requests/{own}/decline")
    assert decline_page.status_code == 403
    assert OWN_RECORD in page_text(decline_page)
    assert 'name="reason"' not in decline_page.get_data(as_text=True)

    refused(app, lambda: button(priya, f"/records/requests/{own}/approve"))
    refused(app, lambda: button(priya, f"/records/requests/{own}/decline", reason="Not now."))
    assert requests_of(app, me) == [(RequestStatus.pending, None)]
    assert documents_of(app, me) == []

    assert button(priya, f"/records/requests/{alices}/approve").status_code == 302
    assert requests_of(app, office["alice_id"]) == [(RequestStatus.issued, None)]
    # Another registrar decides hers.
    declined = post_form(
        office["rosa"], "/records/", f"/records/requests/{own}/decline", reason="Ask in June."
    )
    assert declined.status_code == 302
    assert requests_of(app, me) == [(RequestStatus.declined, "Ask in June.")]


def test_registrar_does_not_issue_her_own_official_record(
    app: Flask, office: dict[str, Any]
) -> None:
    priya, me = office["priya"], office["me"]
    page = priya.get(f"/records/students/{me}")
    assert "This is your own record: another registrar issues it" in page_text(page)
    assert f"/records/students/{me}/issue" not in page.get_data(as_text=True)

    refused(app, lambda: button(priya, f"/records/students/{me}/issue", latest="0"))
    assert documents_of(app, me) == []

    assert issue_for(priya, office["alice_id"])
    assert len(documents_of(app, office["alice_id"])) == 1


def test_registrar_does_not_revoke_her_own_record_and_still_downloads_it(
    app: Flask, office: dict[str, Any]
) -> None:
    priya, me = office["priya"], office["me"]
    own = issue_for(office["rosa"], me)  # issued by another registrar
    alices = issue_for(priya, office["alice_id"])

    page = page_text(priya.get(f"/records/documents/{own}"))
    assert "This is your own record: another registrar revokes it" in page
    assert "Revoke this record" not in page
    refused(
        app,
        lambda: button(
            priya, f"/records/documents/{own}/revoke", reason="Issued in error.", confirm="y"
        ),
    )
    assert documents_of(app, me)[0].revoked_at is None

    # Her own copies stay hers, like any student's.
    with priya.get(f"/records/documents/{own}/download") as download:
        assert download.status_code == 200
        assert download.mimetype == "application/pdf"
    with priya.get(f"{MINE}/unofficial.pdf") as unofficial:
        assert unofficial.status_code == 200
        assert unofficial.mimetype == "application/pdf"

    revoked = button(
        priya, f"/records/documents/{alices}/revoke", reason="Issued in error.", confirm="y"
    )
    assert revoked.status_code == 302
    assert documents_of(app, office["alice_id"])[0].revoked_at is not None


def test_a_bulk_export_leaves_out_the_record_of_the_registrar_who_starts_it(
    app: Flask, office: dict[str, Any]
) -> None:
    priya, me, term = office["priya"], office["me"], office["term"]
    response = post_form(priya, "/records/exports/", "/records/exports/", term=term)
    assert response.status_code == 302
    export_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert wait_for(priya, export_id) == {"status": "done", "done": 1, "total": 1, "error": None}

    page = page_text(priya.get(f"/records/exports/{export_id}"))
    assert "Left out: the record of Priya Shah, who started this export." in page
    assert "another registrar must issue it" in page
    assert [doc.student_id for doc in documents(app, export_id)] == [office["alice_id"]]

    # Another registrar's export of the term issues hers.
    rosa = office["rosa"]
    response = post_form(rosa, "/records/exports/", "/records/exports/", term=term)
    other = int(response.headers["Location"].rsplit("/", 1)[1])
    assert wait_for(rosa, other)["total"] == 2
    assert me in {doc.student_id for doc in documents(app, other)}
    assert "Left out" not in page_text(rosa.get(f"/records/exports/{other}"))
