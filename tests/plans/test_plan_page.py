"""The plan page: a summary first, the decision at the top, a confirmed Reject, the right words."""

from __future__ import annotations

from html import unescape

from flask import Flask

from careercredit.models import PlanState
from tests.conftest import user_id
from tests.plans.conftest import actions, outbox, plan_state, post_form


def _submitted(app: Flask, make) -> int:
    make.user("alice")
    return make.plan(
        user_id(app, "alice"), PlanState.submitted, credits=1, term_id=make.term("2027SP")
    )


def test_the_page_starts_with_the_summary_then_the_decision_then_the_parts(
    app: Flask, login_as, make
) -> None:
    advisor = login_as("advisor")
    plan_id = _submitted(app, make)
    page = unescape(advisor.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert "Decide the plan below: approve it, request changes or reject it." in page
    assert "0 of 45 verified, 0 pending" in page
    order = [
        page.index('id="summary"'),
        page.index('id="decision"'),
        page.index('aria-label="Parts of this plan"'),
        page.index('id="agreement"'),
        page.index('id="hours"'),
        page.index('id="deliverables"'),
        page.index('id="supervisors"'),
        page.index('id="history"'),
    ]
    assert order == sorted(order)
    for part in ("agreement", "hours", "deliverables", "supervisors", "history"):
        assert f'href="#{part}"' in page


def test_the_student_reads_her_own_next_step(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id = make.plan(user_id(app, "alice"), PlanState.approved)
    page = unescape(student.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert "Log your hours after each day of work; your supervisor verifies them." in page
    assert 'id="decision"' not in page


def test_reject_asks_for_confirmation_and_keeps_the_comment(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    plan_id = _submitted(app, make)
    show = f"/plans/{plan_id}"
    response = post_form(advisor, show, f"{show}/reject", comment="Not eligible this term.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tick the box to confirm the rejection." in page
    assert "Not eligible this term." in page  # what was typed is kept
    assert plan_state(app, plan_id) == "submitted"
    assert "plan.reject" not in actions(app, plan_id)
    assert outbox(app) == []

    post_form(advisor, show, f"{show}/reject", comment="Not eligible.", confirm_reject="y")
    assert plan_state(app, plan_id) == "rejected"


def test_approve_needs_no_confirmation(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    plan_id = _submitted(app, make)
    response = post_form(advisor, f"/plans/{plan_id}", f"/plans/{plan_id}/approve", credits=1)
    assert response.status_code == 302
    assert plan_state(app, plan_id) == "approved"


def test_saving_a_plan_sent_back_says_changes_saved_not_draft(app: Flask, login_as, make) -> None:
    student = login_as("student")
    term = make.term("2027SP")
    plan_id = make.plan(user_id(app, "alice"), PlanState.changes_requested, term_id=term)
    edit = f"/plans/{plan_id}/edit"
    data = {"term_id": term, "credits_requested": 1, "objectives": "x" * 80}
    response = post_form(student, edit, edit, **data)
    assert response.status_code == 302
    page = student.get(response.headers["Location"]).get_data(as_text=True)
    assert "Changes saved. Resubmit the plan when ready." in page
    assert "Draft saved" not in page

    draft = make.plan(user_id(app, "alice"), term_id=term)
    edit = f"/plans/{draft}/edit"
    response = post_form(student, edit, edit, **data)
    assert "Draft saved." in student.get(response.headers["Location"]).get_data(as_text=True)


def test_one_credit_is_written_in_the_singular(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    make.user("alice")
    plan_id = make.plan(
        user_id(app, "alice"),
        PlanState.submitted,
        credits=1,
        project_ids=[make.project(hours=10)],
        term_id=make.term("2027SP", max_credits=1),
    )
    show = f"/plans/{plan_id}"
    page = post_form(advisor, show, f"{show}/approve", credits=1).get_data(as_text=True)
    assert "1 credit needs 45 hours in 2027SP" in page
    assert "1 credits" not in page
