"""Pages in a real browser: a form error keeps what was typed; a phone gets readable pages."""

from __future__ import annotations

from flask import Flask

from careercredit.models import PlanState
from tests.browser.conftest import LiveServer
from tests.browser.people import Person
from tests.conftest import PEOPLE, user_id

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def _alice_id(app: Flask) -> int:
    return user_id(app, PEOPLE["student"])


def test_a_form_error_keeps_what_was_typed_next_to_the_field(serve, people) -> None:
    server = serve()
    server.make.term("2026FA")
    student = people(server, "student")
    student.sign_in(PEOPLE["student"])
    student.open("/plans/new")
    objectives = "Learn to turn survey answers into decisions a food bank can act on."
    student.fill("Credits requested", "20")
    student.fill("Learning objectives", objectives)
    student.press("Save draft", status=422)

    credits = student.page.get_by_label("Credits requested", exact=True)
    assert credits.input_value() == "20"
    assert student.page.get_by_label("Learning objectives").input_value() == objectives
    assert credits.get_attribute("aria-invalid") == "true"
    described = credits.get_attribute("aria-describedby").split()
    messages = [student.text(f"#{element}") for element in described]
    assert "Enter the number of credits, a whole number from 1 to 12." in messages


def _pages_of_a_posted_plan(server: LiveServer, people) -> tuple[Person, int]:
    """Alice on a phone, with a posted plan of two credits and a submitted one (set-up data)."""
    student = people(server, "student", **PHONE)
    student.sign_in(PEOPLE["student"])
    make = server.make
    term = make.term("2026FA")
    plan_id = make.posted_plan(_alice_id(server.app), term_id=term, credits=2)
    make.plan(_alice_id(server.app), PlanState.submitted, term_id=term)
    return student, plan_id


def test_pages_fit_a_phone_screen(serve, people) -> None:
    server = serve()
    student, plan_id = _pages_of_a_posted_plan(server, people)
    advisor = people(server, "advisor", **PHONE)
    advisor.sign_in(PEOPLE["advisor"])
    registrar = people(server, "registrar", **PHONE)
    registrar.sign_in(PEOPLE["registrar"])
    for person, path in (
        (student, "/"),
        (student, "/plans/"),
        (student, f"/plans/{plan_id}"),
        (advisor, "/plans/queue"),
        (advisor, "/plans/all"),
        (registrar, "/registrar/"),
        (registrar, "/records/"),
        (student, "/records/mine"),
        (registrar, f"/plans/{plan_id}"),
    ):
        person.open(path)
        width = person.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} pixels wide on a 360-pixel phone ({person.name})"
    student.open(f"/plans/{plan_id}")
    student.screenshot("student-plan-phone", until="#hours .hours-progress")
