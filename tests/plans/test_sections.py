"""A plan is for one course section of its term: offered, defaulted, checked at submission."""

from __future__ import annotations

import re

from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan
from tests.conftest import csrf_token, user_id
from tests.courses.schemes import course, section
from tests.factories import OBJECTIVES
from tests.plans.conftest import post_form


def _new(client, term_id: int, **data: object):
    fields = {
        "csrf_token": csrf_token(client, "/plans/new"),
        "term_id": term_id,
        "credits_requested": 1,
        "objectives": OBJECTIVES,
        **data,
    }
    return client.post("/plans/new", data=fields)


def _plan_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/plans/(\d+)/edit", response.headers["Location"]).group(1))


def _section_of(app: Flask, plan_id: int) -> int | None:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return plan.section_id


def test_the_terms_only_section_is_taken_by_default(app: Flask, login_as, make) -> None:
    student = login_as("student")
    term = make.term("2027SP")
    only = section(app, term, course(app, "BUS 3990"))
    page = student.get("/plans/new").get_data(as_text=True)
    assert "BUS 3990-001 — Internship in bus" in page
    assert _section_of(app, _plan_id(_new(student, term))) == only


def test_the_student_chooses_among_several_sections(app: Flask, login_as, make) -> None:
    student = login_as("student")
    term, other_term = make.term("2027SP"), make.term("2027FA")
    bus = section(app, term, course(app, "BUS 3990"), class_number="40123")
    cs = section(app, term, course(app, "CS 3990", "Satisfactory / unsatisfactory"))
    elsewhere = section(app, other_term, course(app, "NURS 3950"))
    page = student.get("/plans/new").get_data(as_text=True)
    assert "2027SP: BUS 3990-001 (CRN 40123)" in page
    plan_id = _plan_id(_new(student, term, section_id=cs))
    assert _section_of(app, plan_id) == cs

    refused = _new(student, term, section_id=elsewhere)
    assert refused.status_code == 422
    assert "Choose a course section the term offers." in refused.get_data(as_text=True)

    edit = f"/plans/{plan_id}/edit"
    data = {"term_id": term, "credits_requested": 1, "objectives": OBJECTIVES}
    assert post_form(student, edit, edit, section_id=bus, **data).status_code == 302
    assert _section_of(app, plan_id) == bus


def test_submission_needs_a_section_and_credits_the_course_grants(
    app: Flask, login_as, make
) -> None:
    student = login_as("student")
    alice = user_id(app, "alice")
    term = make.term()
    section(app, term, course(app, "BUS 3990"))
    section(app, term, course(app, "CS 3990"), code="002")
    plan_id = make.plan(alice, term_id=term, credits=1)
    edit = f"/plans/{plan_id}/edit"
    page = post_form(student, edit, f"/plans/{plan_id}/submit").get_data(as_text=True)
    assert "Choose the course and section your credit is for." in page

    narrow = section(app, term, course(app, "NURS 3950"), code="003")
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        plan.section_id = narrow
        db.session.flush()
        db.session.expire(plan, ["section"])
        assert plan.section is not None
        plan.section.course.credits_min = 2
        db.session.commit()
    page = post_form(student, edit, f"/plans/{plan_id}/submit").get_data(as_text=True)
    assert "NURS 3950 grants 2 to 3 credits: request a number in that range." in page


def _department(app: Flask, course_id: int, name: str) -> None:
    from careercredit.models.courses import Course

    with app.app_context():
        row = db.session.get(Course, course_id)
        assert row is not None
        row.department = name
        db.session.commit()


def test_choosing_a_sponsor_picks_the_section_of_their_departments_course(
    app: Flask, login_as, make
) -> None:
    """Farid Kim's directory entry says Business: the plan becomes a BUS 3990 plan."""
    student = login_as("student")
    term = make.term("2027SP")
    business, computing = course(app, "BUS 3990"), course(app, "CS 3990")
    _department(app, business, "  business ")
    _department(app, computing, "Computing")
    bus = section(app, term, business)
    section(app, term, computing)
    plan_id = _plan_id(_new(student, term))
    assert _section_of(app, plan_id) is None  # two sections: the student has not chosen yet
    edit = f"/plans/{plan_id}/edit"
    post_form(student, edit, f"/plans/{plan_id}/sponsor", uid="fkim")
    assert _section_of(app, plan_id) == bus
    assert "BUS 3990-001" in student.get(edit).get_data(as_text=True)


def test_a_section_already_chosen_stays_when_the_sponsor_is_chosen(
    app: Flask, login_as, make
) -> None:
    student = login_as("student")
    term = make.term("2027SP")
    business, computing = course(app, "BUS 3990"), course(app, "CS 3990")
    _department(app, business, "Business")
    section(app, term, business)
    cs = section(app, term, computing)
    plan_id = _plan_id(_new(student, term, section_id=cs))
    post_form(student, f"/plans/{plan_id}/edit", f"/plans/{plan_id}/sponsor", uid="fkim")
    assert _section_of(app, plan_id) == cs
