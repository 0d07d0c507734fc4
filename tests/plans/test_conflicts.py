"""Conflicts of interest in the plan workflow: holding the role is not enough (issue 16).

Sam Okafor is a student and a career advisor; Mei Wong advises and, as faculty,
sponsors plans; Kai Morgan holds every role. They sign in through the test
campus directory. An advisor decides neither their own plan nor one they
sponsor, and a student never sponsors their own plan: each refusal says so on
the page and changes no row of any table, while the same person still acts on
every other student's plan.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, Role, User
from careercredit.plans.workflow import OWN_SPONSOR, Action, SponsorDecides, perform
from careercredit.refusals import OwnRecord
from tests.conftest import csrf_token, login, user_id
from tests.factories import Factory
from tests.plans.conftest import plan_state
from tests.routes_fixtures import changed_tables, snapshot

OWN_PLAN = "You can't act on your own record; another advisor must."
SPONSORED = "You sponsor this plan; another advisor decides."
DECISIONS = ("approve", "request-changes", "reject")


def signed_in(app: Flask, uid: str) -> tuple[FlaskClient, int]:
    """A browser signed in as ``uid`` through the campus directory, and their row's id."""
    client = app.test_client()
    assert login(client, uid).status_code == 302
    return client, user_id(app, uid)


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def version(app: Flask, plan_id: int) -> int:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return plan.version


def decide(app: Flask, client: FlaskClient, plan_id: int, decision: str) -> Any:
    """Press one of the plan page's decision buttons, with a credit count and a comment."""
    data = {
        "csrf_token": csrf_token(client, "/plans/queue"),
        "version": str(version(app, plan_id)),
        "credits": "1",
        "comment": "Clear objectives; the projects cover the hours.",
    }
    return client.post(f"/plans/{plan_id}/{decision}", data=data)


def refused_unchanged(app: Flask, client: FlaskClient, plan_id: int, message: str) -> None:
    """Every decision on the plan answers 403 with ``message``, and no row of any table changes."""
    for decision in DECISIONS:
        before = snapshot(app)
        response = decide(app, client, plan_id, decision)
        assert response.status_code == 403, decision
        assert message in text(response), decision
        assert changed_tables(before, snapshot(app)) == [], decision
    assert plan_state(app, plan_id) == "submitted"


def test_advisor_does_not_decide_their_own_plan(app: Flask, make: Factory) -> None:
    sam, me = signed_in(app, "sokafor")
    own = make.plan(me, PlanState.submitted)
    other = make.plan(make.user("bsmith", Role.student, name="Bea Smith"), PlanState.submitted)

    queue = text(sam.get("/plans/queue"))
    assert queue.count("your own plan — another advisor decides") == 1
    page = text(sam.get(f"/plans/{own}"))
    assert "Your own plan — another advisor decides." in page
    assert f"/plans/{own}/approve" not in page  # no decision is offered

    refused_unchanged(app, sam, own, OWN_PLAN)

    assert f"/plans/{other}/approve" in text(sam.get(f"/plans/{other}"))
    approved = decide(app, sam, other, "approve")
    assert approved.status_code == 302
    assert plan_state(app, other) == "approved"


def test_advisor_does_not_decide_a_plan_they_sponsor(app: Flask, make: Factory) -> None:
    mei, me = signed_in(app, "mwong")
    bea = make.user("bsmith", Role.student, name="Bea Smith")
    sponsored = make.plan(bea, PlanState.submitted, sponsor_id=me)
    other = make.plan(make.user("cdiaz", Role.student, name="Cy Diaz"), PlanState.submitted)

    queue = text(mei.get("/plans/queue"))
    assert queue.count("you sponsor this plan — another advisor decides") == 1
    assert "your own plan" not in queue
    page = text(mei.get(f"/plans/{sponsored}"))
    assert "You sponsor this plan — another advisor decides." in page
    assert f"/plans/{sponsored}/approve" not in page

    refused_unchanged(app, mei, sponsored, SPONSORED)

    sent_back = decide(app, mei, other, "request-changes")
    assert sent_back.status_code == 302
    assert plan_state(app, other) == "changes_requested"


def test_student_does_not_choose_themself_as_sponsor(app: Flask, make: Factory) -> None:
    kai, me = signed_in(app, "kmorgan")
    signed_in(app, "fkim")  # known to the app as faculty
    draft = make.plan(me, sponsor_id=None)
    edit = f"/plans/{draft}/edit"

    search = kai.get(f"{edit}?sponsor_q=Morgan").get_data(as_text=True)
    assert 'value="kmorgan"' not in search  # not offered as a sponsor of their own plan
    before = snapshot(app)
    chose = kai.post(
        f"/plans/{draft}/sponsor", data={"csrf_token": csrf_token(kai, edit), "uid": "kmorgan"}
    )
    assert chose.status_code == 302
    assert changed_tables(before, snapshot(app)) == []
    assert OWN_SPONSOR in text(kai.get(edit))

    chose = kai.post(
        f"/plans/{draft}/sponsor", data={"csrf_token": csrf_token(kai, edit), "uid": "fkim"}
    )
    assert chose.status_code == 302
    with app.app_context():
        plan = db.session.get(CreditPlan, draft)
        assert plan is not None
        assert plan.sponsor_id == user_id(app, "fkim")


def test_a_plan_naming_its_student_as_sponsor_is_not_submitted(app: Flask, make: Factory) -> None:
    kai, me = signed_in(app, "kmorgan")
    draft = make.plan(me, sponsor_id=me)  # set up directly: the pages no longer allow it
    data = {"csrf_token": csrf_token(kai, "/plans/"), "version": str(version(app, draft))}
    before = snapshot(app)

    response = kai.post(f"/plans/{draft}/submit", data=data)

    assert response.status_code == 422
    assert OWN_SPONSOR in text(response)
    assert changed_tables(before, snapshot(app)) == []
    assert plan_state(app, draft) == "draft"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (PlanState.submitted, Action.approve),
        (PlanState.submitted, Action.reject),
        (PlanState.awaiting_signoff, Action.sign_off),
        (PlanState.awaiting_signoff, Action.send_back),
        (PlanState.signed_off, Action.post),
    ],
)
def test_the_buttons_and_the_workflow_agree_on_ones_own_plan(
    app: Flask, make: Factory, state: PlanState, action: Action
) -> None:
    _, me = signed_in(app, "kmorgan")
    own = make.plan(me, state, sponsor_id=me)
    # Another student's plan: Kai sponsors it only where the sponsor is the one who acts.
    sponsor = me if action in {Action.sign_off, Action.send_back} else -1
    theirs = make.plan(make.user("bsmith", Role.student), state, sponsor_id=sponsor)
    with app.test_request_context():
        kai = db.session.get(User, me)
        plan, other = db.session.get(CreditPlan, own), db.session.get(CreditPlan, theirs)
        assert kai is not None
        assert plan is not None
        assert other is not None
        assert not plan.can(action, kai)
        assert other.can(action, kai)
        with pytest.raises(OwnRecord):
            perform(plan, action, by=kai, grade="U", credits=0, comment="Not mine to decide.")
        db.session.rollback()


def test_a_sponsor_who_advises_is_not_offered_the_decision(app: Flask, make: Factory) -> None:
    _, me = signed_in(app, "mwong")
    sponsored = make.plan(make.user("bsmith", Role.student), PlanState.submitted, sponsor_id=me)
    with app.test_request_context():
        mei, plan = db.session.get(User, me), db.session.get(CreditPlan, sponsored)
        assert mei is not None
        assert plan is not None
        assert not any(plan.can(a, mei) for a in (Action.approve, Action.reject))
        with pytest.raises(SponsorDecides):
            perform(plan, Action.approve, by=mei, credits=1)
        db.session.rollback()
