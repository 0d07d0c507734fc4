"""Verification follows the registry: an amended record says so, and the registrar reissues it.

Through the pages, signed in through the real directory: Rosa Lopez issues
Alice's record, then amends the credit it shows (1 → 2). The verification
page and both document pages say the record was accurate when issued and
when the credit was amended; Rosa's page offers Reissue, which issues a
current record and revokes the old one as superseded by the new code. A
refused reissue (no confirmation, a current record, her own record) changes
no row of any table.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import Amendment, AuditEvent, CreditPlan, RecordDocument
from careercredit.sql import aware
from tests.conftest import csrf_token, login, user_id
from tests.factories import Factory
from tests.records.test_own_record import OWN_RECORD
from tests.records.test_pages import documents_of, issue_for, page_text
from tests.routes_fixtures import changed_tables, snapshot

REASON = "Hours verified late; the committee approved two credits."


def day(moment: Any) -> str:
    local = clock.local(moment)
    return f"{local.day} {local:%b %Y}"


@pytest.fixture
def desk(app: Flask, login_as, make: Factory) -> dict[str, Any]:
    """Alice with one posted credit, Rosa Lopez signed in as registrar."""
    rosa = login_as("registrar")
    alice = login_as("student")
    alice_id = user_id(app, "alice")
    term = make.term("2026FA", name="Fall 2026")
    plan_id = make.posted_plan(alice_id, term_id=term, registrar_id=user_id(app, "rlopez"))
    return {"rosa": rosa, "alice": alice, "alice_id": alice_id, "plan_id": plan_id, "term": term}


def amend(app: Flask, client: FlaskClient, plan_id: int, credits: int = 2) -> None:
    """Amend the plan's credits through the registrar's amendment page."""
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        data = {"version": str(plan.version), "grade": plan.final_grade, "credits": str(credits)}
    data |= {"reason": REASON, "csrf_token": csrf_token(client, "/registrar/")}
    response = client.post(f"/registrar/plans/{plan_id}/amend", data=data)
    assert response.status_code == 302, page_text(response)


def amended_on(app: Flask, plan_id: int) -> str:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return day(plan.amendments[-1].created_at)


def reissue(client: FlaskClient, document_id: int, *, confirm: bool = True) -> Any:
    data = {"csrf_token": csrf_token(client, "/records/")}
    if confirm:
        data["confirm"] = "y"
    return client.post(f"/records/documents/{document_id}/reissue", data=data)


def events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def unchanged(app: Flask, send: Any, status: int, message: str) -> None:
    """``send()`` answers ``status`` with ``message`` on the page; no row of any table changes."""
    before = snapshot(app)
    response = send()
    assert response.status_code == status
    assert message in page_text(response)
    assert changed_tables(before, snapshot(app)) == []


def test_a_valid_record_shows_its_terms_grades_and_credits(
    app: Flask, client: FlaskClient, desk: dict[str, Any]
) -> None:
    issue_for(desk["rosa"], desk["alice_id"])
    (document,) = documents_of(app, desk["alice_id"])
    code = document.code
    text = page_text(client.get(f"/verify/{code}"))
    assert "This record is valid" in text
    assert "2026FA Fall 2026" in text
    assert "Term Course Grade Credits" in text


def test_amended_record_says_so_and_reissue_supersedes_it(
    app: Flask, client: FlaskClient, desk: dict[str, Any]
) -> None:
    rosa, alice = desk["rosa"], desk["alice"]
    old_id = issue_for(rosa, desk["alice_id"])
    (old,) = documents_of(app, desk["alice_id"])
    amend(app, rosa, desk["plan_id"])
    said = (
        f"Accurate when issued on {day(old.issued_at)}; the credit it shows was amended on "
        f"{amended_on(app, desk['plan_id'])} — ask the registrar for a current record."
    )

    text = page_text(client.get(f"/verify/{old.code}"))
    assert "This record is out of date" in text
    assert said in text
    assert "valid" not in text.replace("not valid", "").lower().replace("invalid", "")

    registrar_page = page_text(rosa.get(f"/records/documents/{old_id}"))
    assert said in registrar_page
    assert "Out of date" in registrar_page
    assert "Reissue" in registrar_page
    student_page = page_text(alice.get(f"/records/documents/{old_id}"))
    assert said in student_page
    assert "Reissue this record" not in student_page

    # Refused without the confirmation: nothing changes.
    unchanged(app, lambda: reissue(rosa, old_id, confirm=False), 422, "Tick the box to confirm")
    # A student cannot reach the action at all (404, like every registrar page).
    before = snapshot(app)
    assert reissue(alice, old_id).status_code == 404
    assert changed_tables(before, snapshot(app)) == []

    response = reissue(rosa, old_id)
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    old, new = documents_of(app, desk["alice_id"])
    assert new.id == new_id
    assert new.total_credits == 2
    assert old.revoked_at is not None
    assert old.superseded_by_id == new.id
    assert old.revoke_reason == f"Superseded by {new.code}."

    text = page_text(client.get(f"/verify/{new.code}"))
    assert "This record is valid" in text
    assert "out of date" not in text
    assert "<dt>Total credits</dt><dd>2</dd>" in client.get(f"/verify/{new.code}").get_data(
        as_text=True
    )
    text = page_text(client.get(f"/verify/{old.code}"))
    assert f"This record was superseded by {new.code}" in text
    assert "This record is valid" not in text
    assert f"superseded by {new.code}" in page_text(rosa.get(f"/records/documents/{old_id}"))

    (event,) = events(app, "record.reissue")
    assert event.details == {"code": old.code, "superseded_by": new.code}
    assert len(events(app, "record.revoke")) == 1
    assert len(events(app, "record.issue")) == 2
    # The old record is revoked now: nothing more to reissue.
    unchanged(app, lambda: reissue(rosa, old_id), 422, "already revoked")


def test_a_current_record_is_not_reissued(
    app: Flask, client: FlaskClient, desk: dict[str, Any]
) -> None:
    document_id = issue_for(desk["rosa"], desk["alice_id"])
    assert "Reissue this record" not in page_text(
        desk["rosa"].get(f"/records/documents/{document_id}")
    )
    unchanged(app, lambda: reissue(desk["rosa"], document_id), 422, "still matches the registry")


def test_a_registrar_does_not_reissue_her_own_record(
    app: Flask, desk: dict[str, Any], make: Factory
) -> None:
    rosa = desk["rosa"]
    priya = app.test_client()
    assert login(priya, "pshah").status_code == 302
    priya_id = user_id(app, "pshah")
    priya_plan = make.posted_plan(
        priya_id, term_id=desk["term"], registrar_id=user_id(app, "rlopez")
    )
    own_id = issue_for(rosa, priya_id)
    alices_id = issue_for(rosa, desk["alice_id"])
    amend(app, rosa, priya_plan)
    amend(app, rosa, desk["plan_id"])

    own_page = page_text(priya.get(f"/records/documents/{own_id}"))
    assert "the credit it shows was amended" in own_page
    assert "Reissue this record" not in own_page
    unchanged(app, lambda: reissue(priya, own_id), 403, OWN_RECORD)

    # Her work for every other student is untouched.
    response = reissue(priya, alices_id)
    assert response.status_code == 302
    with app.app_context():
        old = db.session.get(RecordDocument, alices_id)
        assert old is not None
        assert old.superseded_by_id is not None


def _move_amendment(app: Flask, plan_id: int, document_id: int, *, after: timedelta) -> None:
    """Date the plan's amendment ``after`` the record's (second-precise) issue time."""
    with app.app_context():
        document = db.session.get(RecordDocument, document_id)
        assert document is not None
        moment = aware(document.issued_at) + after
        db.session.execute(
            update(Amendment).where(Amendment.plan_id == plan_id).values(created_at=moment)
        )
        db.session.commit()


def test_an_amendment_within_the_second_of_issue_is_judged_by_what_the_record_shows(
    app: Flask, client: FlaskClient, desk: dict[str, Any]
) -> None:
    # A record's time is kept to the second: an amendment stamped half a second
    # "after" it may have come before it. What the record printed decides.
    rosa = desk["rosa"]
    old_id = issue_for(rosa, desk["alice_id"])
    amend(app, rosa, desk["plan_id"])
    _move_amendment(app, desk["plan_id"], old_id, after=timedelta(milliseconds=500))
    (old,) = documents_of(app, desk["alice_id"])
    assert "This record is out of date" in page_text(client.get(f"/verify/{old.code}"))

    new_id = int(reissue(rosa, old_id).headers["Location"].rsplit("/", 1)[1])
    _move_amendment(app, desk["plan_id"], new_id, after=timedelta(milliseconds=500))
    _, new = documents_of(app, desk["alice_id"])
    assert new.total_credits == 2
    text = page_text(client.get(f"/verify/{new.code}"))
    assert "This record is valid" in text
    assert "out of date" not in text

    # A second later is after the issue, whatever the record shows.
    _move_amendment(app, desk["plan_id"], new_id, after=timedelta(seconds=1))
    assert "This record is out of date" in page_text(client.get(f"/verify/{new.code}"))


def test_lists_of_records_say_out_of_date_not_valid(
    app: Flask, desk: dict[str, Any], make: Factory
) -> None:
    rosa, alice = desk["rosa"], desk["alice"]
    old_id = issue_for(rosa, desk["alice_id"])
    (old,) = documents_of(app, desk["alice_id"])
    pages = ("/records/", f"/records/students/{desk['alice_id']}")

    def row_of(client: FlaskClient, path: str, code: str = old.code) -> str:
        """The words of the table row of the record ``code``."""
        rows = client.get(path).get_data(as_text=True).split("<tr")
        (row,) = [row for row in rows if f"<code>{code}</code>" in row]
        return " ".join(re.sub(r"<[^>]+>", " ", row).split())

    for path in pages:
        assert "Valid" in row_of(rosa, path)
    assert "Valid" in row_of(alice, "/records/mine")

    amend(app, rosa, desk["plan_id"])
    for path in pages:
        assert "Out of date" in row_of(rosa, path)
        assert "Valid" not in row_of(rosa, path)
    assert "Out of date" in row_of(alice, "/records/mine")

    reissue(rosa, old_id)
    _, new = documents_of(app, desk["alice_id"])
    assert "Superseded" in row_of(rosa, "/records/")
    assert "Valid" in row_of(rosa, "/records/", new.code)
