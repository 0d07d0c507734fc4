"""Separation of duties at the registrar's desk: nobody posts or amends their own credit.

Priya Shah is a student who works in the registrar's office (both roles in the
test campus directory). Her own plan is marked on the roster and on an export
instead of being offered for posting; posting an export that would post it is
refused whole, and amending her posted credit is refused: 403 with the reason
on the page, and no row of any table changes. She still exports the term's
grade roll (it only reads) and posts and amends every other student's credit.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Amendment, CreditPlan, PlanState
from tests.conftest import csrf_token, login, user_id
from tests.registrar.conftest import Desk, csv_rows
from tests.routes_fixtures import changed_tables, snapshot

OWN_CREDIT = "You can't act on your own record; another registrar must."
REASON = "Grade change approved by the academic standards committee."


@pytest.fixture
def priya(desk: Desk) -> tuple[FlaskClient, int]:
    """Priya signed in through the campus directory (her student id comes from it)."""
    client = desk.app.test_client()
    assert login(client, "pshah").status_code == 302
    return client, user_id(desk.app, "pshah")


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def posted(desk: Desk, student: int) -> int:
    """A plan signed off, exported and posted by rlopez through the pages."""
    plan_id = desk.signed_off(student)
    desk.export()
    desk.post(desk.latest_export().id)
    assert desk.state(plan_id) == PlanState.posted
    return plan_id


def amend(client: FlaskClient, desk: Desk, plan_id: int) -> Any:
    with desk.app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        version = str(plan.version)
    data = {"version": version, "grade": "A", "credits": "3", "reason": REASON}
    data["csrf_token"] = csrf_token(client, "/registrar/")
    return client.post(f"/registrar/plans/{plan_id}/amend", data=data)


def post_export(client: FlaskClient, export_id: int, scope: str, plan_ids: list[int]) -> Any:
    token = csrf_token(client, "/registrar/")
    data: dict[str, Any] = {"csrf_token": token, "scope": scope, "sis_took": "y"}
    data["plan_id"] = [str(i) for i in plan_ids]
    return client.post(f"/registrar/exports/{export_id}/post", data=data)


def amendments(desk: Desk, plan_id: int) -> list[tuple[str | None, int | None]]:
    with desk.app.app_context():
        rows = db.session.scalars(select(Amendment).where(Amendment.plan_id == plan_id))
        return [(a.grade_after, a.credits_after) for a in rows]


def test_registrar_does_not_amend_her_own_credit(desk: Desk, priya) -> None:
    client, me = priya
    own, alices = posted(desk, me), posted(desk, desk.alice)

    page = client.get(f"/registrar/plans/{own}/amend")
    assert page.status_code == 403
    assert OWN_CREDIT in text(page)
    assert 'name="reason"' not in text(page)
    assert "Amend grade or credits" not in text(client.get(f"/plans/{own}"))
    before = snapshot(desk.app)

    response = amend(client, desk, own)

    assert response.status_code == 403
    assert OWN_CREDIT in text(response)
    assert changed_tables(before, snapshot(desk.app)) == []
    assert amendments(desk, own) == []

    assert "Amend grade or credits" in text(client.get(f"/plans/{alices}"))
    assert amend(client, desk, alices).status_code == 302
    assert amendments(desk, alices) == [("A", 3)]


def test_registrar_does_not_post_an_export_holding_her_own_plan(desk: Desk, priya) -> None:
    client, me = priya
    own, alices = desk.signed_off(me), desk.signed_off(desk.alice)
    desk.export()  # made by rlopez: it holds both plans
    export_id = desk.latest_export().id

    page = text(client.get(f"/registrar/exports/{export_id}"))
    assert f'name="plan_id" value="{own}"' not in page
    assert f'name="plan_id" value="{alices}"' in page
    assert page.count("your own plan — another registrar posts it") == 1
    assert "Mark all posted" not in page
    before = snapshot(desk.app)

    for scope, chosen in (("all", []), ("selected", [own]), ("selected", [own, alices])):
        response = post_export(client, export_id, scope, chosen)
        assert response.status_code == 403, scope
        body = text(response)
        assert "This posting includes your own record (Priya Shah, 2027SP)" in body
        assert "another registrar must post it. Nothing was posted" in body
        assert changed_tables(before, snapshot(desk.app)) == [], scope

    assert post_export(client, export_id, "selected", [alices]).status_code == 302
    assert (desk.state(alices), desk.state(own)) == (PlanState.posted, PlanState.signed_off)
    left = text(client.get(f"/registrar/exports/{export_id}"))
    assert "Only your own plan is left to post; another registrar must post it." in left

    desk.post(export_id)  # another registrar posts it
    assert desk.state(own) == PlanState.posted


def test_her_own_plan_is_marked_on_the_roster_and_the_grade_roll_still_holds_it(
    desk: Desk, priya
) -> None:
    client, me = priya
    own, alices = desk.signed_off(me), desk.signed_off(desk.alice)

    roster = text(client.get(f"/registrar/terms/{desk.term_id}"))
    assert roster.count("your own plan — another registrar posts and amends it") == 1
    assert "your own plan" not in text(desk.registrar.get(f"/registrar/terms/{desk.term_id}"))

    # Making the grade roll only reads the record: the file carries every plan of the term.
    assert desk.export(client).status_code == 302
    rows = csv_rows(desk.latest_export().content)
    assert sorted(int(row["plan_id"]) for row in rows) == sorted([own, alices])
    assert (desk.state(own), desk.state(alices)) == (PlanState.signed_off, PlanState.signed_off)
