"""A student writes, submits, recalls, withdraws and deletes a credit plan through the pages."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, Role, User
from tests.conftest import csrf_token, user_id
from tests.factories import OBJECTIVES
from tests.plans.conftest import actions, outbox, plan_state, post_form


def _new_plan(client, term_id: int, objectives: str = OBJECTIVES, credits: int = 1) -> int:
    token = csrf_token(client, "/plans/new")
    response = client.post(
        "/plans/new",
        data={
            "csrf_token": token,
            "term_id": term_id,
            "credits_requested": credits,
            "objectives": objectives,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/plans/(\d+)/edit", response.headers["Location"]).group(1))


def test_student_builds_and_submits_a_plan(app: Flask, login_as, make) -> None:
    student = login_as("student")
    term = make.term("2027SP")
    first = make.project(hours=30, title="Market sizing for a café chain")
    second = make.project(hours=20, title="Survey design for a food bank")
    make.user("adavis", Role.advisor)
    plan_id = _new_plan(student, term, objectives="Too short")
    edit = f"/plans/{plan_id}/edit"

    response = post_form(student, edit, f"/plans/{plan_id}/submit")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Describe your learning objectives in at least 50 characters (now 9)." in page
    assert "Choose a faculty sponsor." in page
    assert "Add at least one micro-internship project." in page
    assert plan_state(app, plan_id) == "draft"

    post_form(student, edit, edit, term_id=term, credits_requested=1, objectives=OBJECTIVES)
    search = student.get(f"{edit}?sponsor_q=kim").get_data(as_text=True)
    assert "Choose Farid Kim" in search  # found in the directory, never signed in
    post_form(student, edit, f"/plans/{plan_id}/sponsor", uid="fkim")
    for project in (first, second):
        post_form(student, edit, f"/plans/{plan_id}/placements", project_id=project)
    page = student.get(edit).get_data(as_text=True)
    assert "1 credit</strong> needs\n    <strong>45 hours</strong>" in page
    assert "50 estimated hours" in page

    response = post_form(student, edit, f"/plans/{plan_id}/submit")
    assert response.status_code == 302
    assert plan_state(app, plan_id) == "submitted"
    assert actions(app, plan_id) == [
        "plan.create",
        "plan.edit",
        "plan.sponsor",
        "plan.add_placement",
        "plan.add_placement",
        "plan.submit",
    ]
    recipients = {to for to, subject in outbox(app) if subject.startswith("Credit plan to review")}
    # No advisor has signed in to be assigned it, so every advisor is asked; the sponsor
    # doesn't review, and is told for information.
    assert recipients == {"adavis@university.example"}
    assert (
        "fkim@university.example",
        "For your information: Alice Student submitted a credit plan for 2027SP",
    ) in outbox(app)
    with app.app_context():
        fkim = db.session.scalar(select(User).where(User.uid == "fkim"))
        assert fkim.roles == {Role.faculty}


def test_submission_checks_hours_and_credit_limit(app: Flask, login_as, make) -> None:
    student = login_as("student")
    alice = user_id(app, "alice")
    plan_id = make.plan(
        alice, credits=3, project_ids=[make.project(hours=100)], term_id=make.term(max_credits=2)
    )
    response = post_form(student, f"/plans/{plan_id}/edit", f"/plans/{plan_id}/submit")
    page = response.get_data(as_text=True)
    assert "Request at most 2 credits" in page
    assert "3 credits need 135 hours" in page
    assert "add up to 100" in page


def test_only_faculty_can_be_chosen_as_sponsor(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id = make.plan(user_id(app, "alice"), sponsor_id=None)
    edit = f"/plans/{plan_id}/edit"
    for uid in ("adavis", "alice", "nobody", "fkim*"):
        response = post_form(student, edit, f"/plans/{plan_id}/sponsor", uid=uid)
        page = student.get(response.headers["Location"]).get_data(as_text=True)
        assert "Choose a sponsor from the faculty found by the search." in page
    with app.app_context():
        assert db.session.get(CreditPlan, plan_id).sponsor_id is None


def test_student_can_recall_then_withdraw(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id = make.plan(user_id(app, "alice"), state="submitted")
    show = f"/plans/{plan_id}"
    assert "Edit plan" not in student.get(show).get_data(as_text=True)
    post_form(student, show, f"/plans/{plan_id}/recall")
    assert plan_state(app, plan_id) == "draft"
    confirm = student.get(f"/plans/{plan_id}/withdraw").get_data(as_text=True)
    assert "Withdraw this plan?" in confirm
    post_form(student, f"/plans/{plan_id}/withdraw", f"/plans/{plan_id}/withdraw")
    assert plan_state(app, plan_id) == "withdrawn"
    assert student.get(f"/plans/{plan_id}/withdraw").status_code == 404


def test_draft_is_deleted_only_after_confirmation(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id = make.plan(user_id(app, "alice"))
    assert "Delete this draft?" in student.get(f"/plans/{plan_id}/delete").get_data(as_text=True)
    assert plan_state(app, plan_id) == "draft"
    response = post_form(student, f"/plans/{plan_id}/delete", f"/plans/{plan_id}/delete")
    assert response.headers["Location"] == "/plans/"
    with app.app_context():
        assert db.session.get(CreditPlan, plan_id) is None
    assert actions(app, plan_id)[-1] == "plan.delete"


def test_form_errors_keep_what_was_typed(app: Flask, login_as, make) -> None:
    student = login_as("student")
    term = make.term()
    token = csrf_token(student, "/plans/new")
    response = student.post(
        "/plans/new",
        data={
            "csrf_token": token,
            "term_id": term,
            "credits_requested": "lots",
            "objectives": "I will learn <b>a lot</b>",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the number of credits, a whole number from 1 to 12." in page
    assert "I will learn &lt;b&gt;a lot&lt;/b&gt;" in page


def test_plan_of_another_student_is_not_found(app: Flask, login_as, make) -> None:
    student = login_as("student")
    other = make.user("someone", Role.student)
    plan_id = make.plan(other)
    for path in (f"/plans/{plan_id}", f"/plans/{plan_id}/edit", f"/plans/{plan_id}/withdraw"):
        assert student.get(path).status_code == 404
    assert post_form(student, "/plans/", f"/plans/{plan_id}/submit").status_code == 404
