"""Each grading scheme through sign-off: a plan's section decides the grades offered and taken."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.conftest import csrf_token
from tests.courses.schemes import course, section
from tests.signoff.pages import finished_plan, review, sign_off_of, sponsor_id, student, text
from tests.signoff.test_bulk import _HIDDEN, choose

#: scheme -> (a passing grade, a failing grade, a grade of another scheme).
CASES = {
    "Satisfactory / unsatisfactory": ("S", "U", "A"),
    "Pass / fail": ("P", "F", "S"),
    "Letter grades A to F": ("B", "F", "S"),
}


def _plan_in(app: Flask, make, scheme_name: str, code: str, uid: str = "bsmith") -> int:
    """A plan waiting for fkim's sign-off, for a section of ``code`` graded ``scheme_name``."""
    term_id = make.term()
    section_id = section(app, term_id, course(app, code, scheme_name))
    who = student(make, uid, uid.title())
    return finished_plan(
        app, make, who, sponsor=sponsor_id(app), term_id=term_id, section_id=section_id
    )


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select, f"no select {name}"
    return [v for v in re.findall(r'<option[^>]*value="([^"]*)"', select.group(0)) if v]


@pytest.mark.parametrize("scheme_name", CASES)
def test_review_offers_and_takes_only_the_sections_grades(
    app: Flask, login_as, make, scheme_name: str
) -> None:
    sponsor = login_as("faculty")
    passing, failing, foreign = CASES[scheme_name]
    plan_id = _plan_in(app, make, scheme_name, "BUS 3990")
    page = text(sponsor.get(f"/signoff/{plan_id}"))
    grades = _options(page, "grade")
    assert {passing, failing} <= set(grades)
    assert foreign not in grades
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert f"Grading {scheme_name}: {', '.join(grades)}" in words
    assert "BUS 3990-001" in page

    refused = review(sponsor, plan_id, grade=foreign, credits="2")
    assert refused.status_code == 422
    assert f"Choose a grade: {', '.join(grades)}." in text(refused)
    wrong = review(sponsor, plan_id, grade=failing, credits="2")
    assert f"A grade of {failing} awards no credit; enter 0." in text(wrong)
    assert review(sponsor, plan_id, grade=passing, credits="2").status_code == 302
    assert sign_off_of(app, plan_id)[:2] == (passing, 2)


@pytest.mark.parametrize("scheme_name", CASES)
def test_a_failing_grade_of_each_scheme_signs_off_with_no_credit(
    app: Flask, login_as, make, scheme_name: str
) -> None:
    sponsor = login_as("faculty")
    failing = CASES[scheme_name][1]
    plan_id = _plan_in(app, make, scheme_name, "CS 3990")
    assert review(sponsor, plan_id, grade=failing, credits="0").status_code == 302
    assert sign_off_of(app, plan_id)[:2] == (failing, 0)


def test_the_queue_offers_only_the_grades_of_its_plans(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    _plan_in(app, make, "Satisfactory / unsatisfactory", "NURS 3950")
    queue = sponsor.get("/signoff/").get_data(as_text=True)
    assert _options(queue, "grade") == ["S", "U"]


def test_bulk_shows_each_plans_own_grades_and_signs_each_off_with_its_own(
    app: Flask, login_as, make
) -> None:
    sponsor = login_as("faculty")
    pass_fail = _plan_in(app, make, "Pass / fail", "BUS 3990", "bsmith")
    letter = _plan_in(app, make, "Letter grades A to F", "CS 3990", "cjones")
    other_letter = _plan_in(app, make, "Letter grades A to F", "CS 3991", "dlee")
    queue = sponsor.get("/signoff/").get_data(as_text=True)
    assert set(_options(queue, "grade")) == {"P", "F", "A", "B", "C", "D"}

    response = choose(sponsor, [pass_fail, letter, other_letter], "A")
    page = text(response)
    assert "Confirm: sign off 2 of 3 selected plans" in page
    assert "Choose a grade: P, F." in page  # the pass/fail plan, refused, with its own grades
    fields = dict(_HIDDEN.findall(page))
    rows = {v: k.removesuffix("-plan_id") for k, v in fields.items() if k.endswith("-plan_id")}
    assert _options(page, f"{rows[str(letter)]}-grade") == ["A", "B", "C", "D", "F"]
    # The sponsor gives the other letter plan its own grade, a failing one: no credit.
    fields[f"{rows[str(other_letter)]}-grade"] = "F"
    done = sponsor.post("/signoff/bulk", data=fields)
    assert done.status_code == 200
    assert "Signed off 2 plans" in text(done)
    assert sign_off_of(app, letter)[:2] == ("A", 2)
    assert sign_off_of(app, other_letter)[:2] == ("F", 0)
    assert sign_off_of(app, pass_fail) is None


def test_bulk_of_an_s_u_plan_is_offered_and_signs_off(app: Flask, login_as, make) -> None:
    """The issue's case: bulk offered letter grades for an S/U plan and signed off 0 of 1."""
    sponsor = login_as("faculty")
    plan_id = _plan_in(app, make, "Satisfactory / unsatisfactory", "BUS 3990")
    csrf_token(sponsor, "/signoff/")
    page = text(choose(sponsor, [plan_id], "S"))
    assert "Confirm: sign off 1 of 1 selected plan" in page
    done = sponsor.post("/signoff/bulk", data=dict(_HIDDEN.findall(page)))
    assert "Signed off 1 plan" in text(done)
    assert sign_off_of(app, plan_id)[:2] == ("S", 2)
