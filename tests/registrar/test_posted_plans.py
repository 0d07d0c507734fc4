"""A posted plan is final: nothing changes it but an amendment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Amendment, CreditPlan, PlanState, Posting, SignOff, User
from careercredit.plans.workflow import Action, TransitionError, perform
from tests.conftest import csrf_token
from tests.plans.conftest import actions, post_form
from tests.registrar.conftest import Desk
from tests.registrar.test_amendments import REASON, amend, posted_plan


def snapshot(desk: Desk, plan_id: int) -> tuple:
    with desk.app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        return (
            plan.state,
            plan.version,
            plan.objectives,
            plan.credits_requested,
            [p.project_id for p in plan.placements],
            plan.final_grade,
            plan.final_credits,
        )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("withdraw", 422),
        ("submit", 422),
        ("recall", 422),
        ("complete", 422),
        ("approve", 422),
        ("reject", 422),
        ("request-changes", 422),
        ("edit", 302),
        ("placements", 302),
        ("delete", 404),
    ],
)
def test_posted_plan_refuses_plan_changes(desk: Desk, login_as, path: str, status: int) -> None:
    plan_id = posted_plan(desk)
    before = snapshot(desk, plan_id)
    trail = actions(desk.app, plan_id)
    clients = [desk.student, desk.registrar, login_as("advisor")]
    for client in clients:
        page = f"/plans/{plan_id}"
        response = post_form(
            client,
            page,
            f"/plans/{plan_id}/{path}",
            comment="Please change it.",
            credits=1,
            reflection="x" * 200,
            objectives="Changed objectives " * 5,
            term_id=desk.term_id,
            credits_requested=2,
            project_id=desk.make.project(),
            version=before[1],
        )
        assert response.status_code == status, (path, response.get_data(as_text=True)[:500])
    assert snapshot(desk, plan_id) == before
    assert actions(desk.app, plan_id) == trail


def test_withdraw_of_a_posted_plan_says_why(desk: Desk) -> None:
    plan_id = posted_plan(desk)
    version = snapshot(desk, plan_id)[1]
    page, action = f"/plans/{plan_id}", f"/plans/{plan_id}/withdraw"
    response = post_form(desk.student, page, action, version=version)
    assert response.status_code == 422
    assert "This plan is posted; it cannot be withdrawn now." in response.get_data(as_text=True)
    assert desk.state(plan_id) == PlanState.posted
    assert desk.student.get(f"/plans/{plan_id}/withdraw").status_code == 404


@pytest.mark.parametrize(
    "name", [Action.sign_off, Action.send_back, Action.post, Action.withdraw, Action.complete]
)
def test_no_transition_leaves_posted(desk: Desk, name: Action) -> None:
    plan_id = posted_plan(desk)
    with desk.app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        people = {u.id: u for u in db.session.scalars(select(User))}
        for actor in (people[desk.alice], people[desk.fkim], people[desk.rlopez]):
            with pytest.raises(TransitionError, match="This plan is posted"):
                perform(plan, name, by=actor, grade="A", credits=1, comment="x")
    assert desk.state(plan_id) == PlanState.posted


def test_sign_off_and_posting_rows_are_never_changed(desk: Desk) -> None:
    plan_id = posted_plan(desk)
    with desk.app.app_context():
        sign_off = db.session.scalar(select(SignOff).where(SignOff.plan_id == plan_id))
        sign_off.grade = "A"
        with pytest.raises(RuntimeError, match="never changed; amend instead"):
            db.session.flush()
        db.session.rollback()
        posting = db.session.scalar(select(Posting).where(Posting.plan_id == plan_id))
        posting.export_id = None
        with pytest.raises(RuntimeError, match="never changed; amend instead"):
            db.session.flush()
        db.session.rollback()
    with desk.app.app_context():
        assert db.session.get(CreditPlan, plan_id).final_grade == "B+"
        assert db.session.scalar(select(Posting.export_id)) is not None


def test_an_amendment_changes_only_by_being_exported(desk: Desk) -> None:
    plan_id = posted_plan(desk)
    amend(desk, plan_id, grade="A", credits=1, reason=REASON)
    with desk.app.app_context():
        amendment = db.session.scalar(select(Amendment))
        amendment.reason = "Rewritten"
        with pytest.raises(RuntimeError, match="never changed"):
            db.session.flush()
        db.session.rollback()
    desk.export()  # sets exported_in_id, the one column that may change
    with desk.app.app_context():
        assert db.session.scalar(select(Amendment)).exported_in_id == desk.latest_export().id


def test_export_and_posting_need_a_csrf_token(desk: Desk) -> None:
    plan_id = desk.signed_off()
    response = desk.registrar.post(f"/registrar/terms/{desk.term_id}/exports")
    assert response.status_code == 400
    assert desk.latest_export() is None
    desk.export()
    export = desk.latest_export()
    response = desk.registrar.post(f"/registrar/exports/{export.id}/post", data={"scope": "all"})
    assert response.status_code == 400
    token = csrf_token(desk.registrar, "/registrar/")
    response = desk.registrar.post(
        f"/registrar/exports/{export.id}/post", data={"csrf_token": token, "scope": "some"}
    )
    assert response.status_code == 400
    assert desk.state(plan_id) == PlanState.signed_off
