"""Advisors approve, send back and reject plans; the student revises and resubmits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, Role
from tests.conftest import login, user_id
from tests.plans.conftest import actions, outbox, plan_state, post_form


def _submitted_plan(app: Flask, make, credits: int = 2, hours: int = 90, **values) -> int:
    make.user("alice")  # the LDAP student signs in as this row
    return make.plan(
        user_id(app, "alice"),
        state=PlanState.submitted,
        credits=credits,
        project_ids=[make.project(hours=hours)],
        **values,
    )


def test_request_changes_then_resubmit_then_approve(app: Flask, login_as, make) -> None:
    student, advisor = login_as("student"), login_as("advisor")
    plan_id = _submitted_plan(app, make)
    show = f"/plans/{plan_id}"

    response = post_form(advisor, show, f"{show}/request-changes", comment="")
    assert response.status_code == 422
    assert "Write a comment for the student." in response.get_data(as_text=True)
    post_form(advisor, show, f"{show}/request-changes", comment="Name the <b>deliverables</b>.")
    assert plan_state(app, plan_id) == "changes_requested"

    edit = student.get(f"{show}/edit").get_data(as_text=True)
    assert "Name the &lt;b&gt;deliverables&lt;/b&gt;." in edit
    post_form(student, f"{show}/edit", f"{show}/submit")
    assert plan_state(app, plan_id) == "submitted"

    post_form(advisor, show, f"{show}/approve", credits=1, comment="Approved for one credit.")
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert (plan.state, plan.credits_approved) == (PlanState.approved, 1)
    history = student.get(show).get_data(as_text=True)
    assert "Name the &lt;b&gt;deliverables&lt;/b&gt;." in history
    assert "Approved for one credit." in history
    assert actions(app, plan_id)[-3:] == ["plan.request_changes", "plan.resubmit", "plan.approve"]
    subjects = [subject for to, subject in outbox(app) if to == "alice@university.example"]
    assert any("sent back for changes" in s for s in subjects)
    assert any("was approved" in s for s in subjects)


def test_approval_is_refused_when_hours_cannot_cover_credits(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    plan_id = _submitted_plan(app, make, credits=2, hours=60)
    response = post_form(advisor, f"/plans/{plan_id}", f"/plans/{plan_id}/approve", credits=2)
    assert response.status_code == 422
    assert "2 credits need 90 hours" in response.get_data(as_text=True)
    assert plan_state(app, plan_id) == "submitted"
    post_form(advisor, f"/plans/{plan_id}", f"/plans/{plan_id}/approve", credits=1)
    assert plan_state(app, plan_id) == "approved"


def test_approval_is_refused_above_the_term_maximum(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    plan_id = _submitted_plan(app, make, credits=3, hours=200, term_id=make.term(max_credits=2))
    response = post_form(advisor, f"/plans/{plan_id}", f"/plans/{plan_id}/approve", credits=3)
    assert "allows at most 2 credits per plan" in response.get_data(as_text=True)
    assert plan_state(app, plan_id) == "submitted"


def test_reject_needs_a_reason_and_tells_the_student(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    plan_id = _submitted_plan(app, make, term_id=make.term("2027SP"))
    response = post_form(advisor, f"/plans/{plan_id}", f"/plans/{plan_id}/reject", comment=" ")
    assert "Write a comment for the student." in response.get_data(as_text=True)
    post_form(
        advisor,
        f"/plans/{plan_id}",
        f"/plans/{plan_id}/reject",
        comment="Not eligible.",
        confirm_reject="y",
    )
    assert plan_state(app, plan_id) == "rejected"
    assert outbox(app) == [("alice@university.example", "Your credit plan for 2027SP was rejected")]


def test_plan_decided_meanwhile_is_refused_with_a_clear_message(app: Flask, login_as, make) -> None:
    first, second = login_as("advisor"), app.test_client()
    login(second, "mwong")  # another advisor
    plan_id = _submitted_plan(app, make)
    show = f"/plans/{plan_id}"
    second_page = second.get(show).get_data(as_text=True)  # both look at version 1
    assert post_form(first, show, f"{show}/approve", credits=2).status_code == 302
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', second_page).group(1)
    response = second.post(
        f"{show}/reject", data={"csrf_token": token, "version": "1", "comment": "No."}
    )
    assert response.status_code == 409
    assert "changed by someone else in the meantime" in response.get_data(as_text=True)
    assert plan_state(app, plan_id) == "approved"
    assert actions(app, plan_id).count("plan.reject") == 0


def test_advisor_cannot_review_their_own_plan(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    own = make.plan(user_id(app, "adavis"), state=PlanState.submitted)
    response = post_form(advisor, f"/plans/{own}", f"/plans/{own}/approve")
    # Separation of duties (issue 16): refused as the advisor's own record, 403.
    assert response.status_code == 403
    assert "another advisor must" in response.get_data(as_text=True)
    assert plan_state(app, own) == "submitted"


def test_queue_is_oldest_first_and_filters(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    now = datetime.now(UTC)
    employer = make.employer("Northwind Analytics")
    late = make.plan(
        make.user("late", name="Late Student"),
        state=PlanState.submitted,
        submitted_at=now - timedelta(days=1),
    )
    early = make.plan(
        make.user("early", name="Early Student"),
        state=PlanState.submitted,
        submitted_at=now - timedelta(days=5),
        project_ids=[make.project(employer, hours=45)],
    )
    make.plan(make.user("drafty", name="Draft Student"))
    page = advisor.get("/plans/queue").get_data(as_text=True)
    assert page.index("Early Student") < page.index("Late Student")
    assert "Draft Student" not in page
    assert "2 plans in the queue" in page
    filtered = advisor.get(f"/plans/queue?employer={employer}").get_data(as_text=True)
    assert "Early Student" in filtered
    assert "Late Student" not in filtered
    assert "1 plan in the queue" in filtered
    assert "Review queue" in advisor.get("/").get_data(as_text=True)
    assert late
    assert early


def test_queue_filters_by_typed_sponsor_and_employer(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    quinn = make.user("qreyes", Role.faculty, name="Quinn Reyes")
    other = make.user("tgray", Role.faculty, name="Tess Gray")
    percent = make.employer("100% Solar Co-op")
    hundred = make.employer("1000 Lakes Survey")
    make.plan(
        make.user("one", name="First Student"),
        state=PlanState.submitted,
        sponsor_id=quinn,
        project_ids=[make.project(percent, hours=45)],
    )
    make.plan(
        make.user("two", name="Second Student"),
        state=PlanState.submitted,
        sponsor_id=other,
        project_ids=[make.project(hundred, hours=45)],
    )

    def students(query: str) -> set[str]:
        page = advisor.get(f"/plans/queue?{query}").get_data(as_text=True)
        return {name for name in ("First Student", "Second Student") if name in page}

    assert students("sponsor=QUINN") == {"First Student"}  # part of the name, any case
    assert students("sponsor=tgray") == {"Second Student"}  # the username
    assert students(f"sponsor={other}") == {"Second Student"}  # an id, as links carry
    assert students("employer=solar") == {"First Student"}
    assert students("employer=100%25") == {"First Student"}  # % is a character, not a wildcard
    assert students("sponsor=nobody+at+all") == set()
    page = advisor.get("/plans/queue?sponsor=nobody").get_data(as_text=True)
    assert "No plan matches these filters" in page
    assert 'value="nobody"' in page
