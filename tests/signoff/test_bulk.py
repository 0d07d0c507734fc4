"""Signing off several plans at once: choose, confirm, and each plan checked on its own."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from careercredit.models import GradingScheme, PlanState, Role
from tests.conftest import csrf_token
from tests.signoff.pages import (
    events,
    finished_plan,
    sign_off_of,
    sponsor_id,
    state_of,
    student,
    text,
    touch,
)

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def choose(client: FlaskClient, plan_ids: list[int], grade: str, award_max: bool = True):
    """Tick plans in the queue, choose a grade, and ask for the confirmation page."""
    data = {"csrf_token": csrf_token(client, "/signoff/"), "plan_ids": [str(i) for i in plan_ids]}
    data["grade"] = grade
    if award_max:
        data["award_max"] = "y"
    return client.post("/signoff/bulk/confirm", data=data)


def confirm(client: FlaskClient, confirmation: str, **changes: str):
    """Press the confirmation page's button, with hidden fields as shown (or ``changes``)."""
    data = dict(_HIDDEN.findall(confirmation))
    data.update(changes)
    return client.post("/signoff/bulk", data=data)


def row_of(confirmation: str, plan_id: int) -> str:
    """The name prefix (``rows-N``) of the confirmation's hidden fields for ``plan_id``."""
    fields = dict(_HIDDEN.findall(confirmation))
    return next(
        k.removesuffix("-plan_id")
        for k, v in fields.items()
        if k.endswith("-plan_id") and v == str(plan_id)
    )


def _plans(app: Flask, make) -> dict[str, int]:
    me = sponsor_id(app)
    letter = make.term(grading_scheme=GradingScheme.letter)
    return {
        "full": finished_plan(app, make, student(make, "bsmith", "Bea Smith"), sponsor=me),
        "short": finished_plan(
            app, make, student(make, "cjones", "Cal Jones"), sponsor=me, verified="50"
        ),
        "letter": finished_plan(
            app, make, student(make, "dlee", "Dee Lee"), sponsor=me, term_id=letter
        ),
    }


def test_confirm_shows_each_plan_then_signs_off_the_accepted(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plans = _plans(app, make)
    response = choose(sponsor, list(plans.values()), "S")
    page = text(response)
    assert response.status_code == 200
    assert "Confirm: sign off 2 of 3 selected plans" in page
    # The maximum each plan allows: 2 credits, and 1 for the plan 40 hours short.
    assert re.search(r"Bea Smith.*?<td class=\"num\">2</td>\s*<td>", page, re.S)
    assert re.search(r"Cal Jones.*?<td>S</td>\s*<td class=\"num\">1</td>", page, re.S)
    dee = page[page.index(f'id="plan-{plans["letter"]}"') :]
    assert "Refused" in dee[: dee.index("</tr>")]
    assert "Choose a grade: A, A-, B+, B, B-, C+, C, C-, D+, D, F." in dee
    assert sign_off_of(app, plans["full"]) is None  # nothing happens before the confirmation

    done = confirm(sponsor, response.get_data(as_text=True))
    result = text(done)
    assert done.status_code == 200
    assert "Signed off 2 plans" in result
    assert sign_off_of(app, plans["full"])[:2] == ("S", 2)
    assert sign_off_of(app, plans["short"])[:2] == ("S", 1)
    assert sign_off_of(app, plans["letter"]) is None
    assert state_of(app, plans["letter"]) == PlanState.awaiting_signoff
    assert (
        len(events(app, plans["full"]) if False else events(app, plans["full"], "plan.sign_off"))
        == 1
    )
    queue = text(sponsor.get("/signoff/"))
    assert "Dee Lee" in queue
    assert "Bea Smith" not in queue


def test_approved_credits_refuse_plans_short_of_hours(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plans = _plans(app, make)
    page = text(choose(sponsor, [plans["full"], plans["short"]], "S", award_max=False))
    assert "Confirm: sign off 1 of 2 selected plans" in page
    assert "Award at most 1 credit (50 verified hours at 45 per credit)." in page


def test_a_failing_grade_awards_no_credit(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plans = _plans(app, make)
    confirmation = choose(sponsor, [plans["full"], plans["short"]], "U").get_data(as_text=True)
    confirm(sponsor, confirmation)
    assert sign_off_of(app, plans["full"])[:2] == ("U", 0)
    assert sign_off_of(app, plans["short"])[:2] == ("U", 0)


def test_each_plan_is_checked_again_when_confirmed(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plans = _plans(app, make)
    confirmation = choose(sponsor, [plans["full"], plans["short"]], "S").get_data(as_text=True)
    touch(app, plans["full"])  # changed by someone else after the confirmation was shown
    # And an edited page asks for more credits than the short plan's hours allow.
    short_row = row_of(confirmation, plans["short"])
    result = text(confirm(sponsor, confirmation, **{f"{short_row}-credits": "2"}))
    assert "Signed off 0 plans" in result
    assert "This plan was changed by someone else in the meantime." in result
    assert "Award at most 1 credit (50 verified hours at 45 per credit)." in result
    assert sign_off_of(app, plans["full"]) is None
    assert sign_off_of(app, plans["short"]) is None


def test_one_refusal_does_not_stop_the_others(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plans = _plans(app, make)
    confirmation = choose(sponsor, [plans["full"], plans["short"]], "S").get_data(as_text=True)
    touch(app, plans["full"])
    result = text(confirm(sponsor, confirmation))
    assert "Signed off 1 plan" in result
    assert "1 refused" in result
    refused = result[result.index(f'id="refused-{plans["full"]}"') :]
    assert "This plan was changed by someone else" in refused[: refused.index("</tr>")]
    assert sign_off_of(app, plans["short"])[:2] == ("S", 1)
    assert sign_off_of(app, plans["full"]) is None


def test_choosing_nothing_gives_the_queue_back(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plans = _plans(app, make)
    response = choose(sponsor, [], "")
    page = text(response)
    assert response.status_code == 422
    assert "Select at least one plan." in page
    assert "Choose a grade." in page
    response = choose(sponsor, [plans["full"]], "")
    assert response.status_code == 422
    assert f'value="{plans["full"]}" id="select-{plans["full"]}" checked' in text(response)


def test_plans_of_other_sponsors_answer_404(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plans = _plans(app, make)
    other = finished_plan(
        app, make, student(make, "emoss", "Eve Moss"), sponsor=make.user("ochen", Role.faculty)
    )
    assert choose(sponsor, [plans["full"], other], "S").status_code == 404
    assert choose(sponsor, [plans["full"], 2**40], "S").status_code == 404
    confirmation = choose(sponsor, [plans["full"], plans["short"]], "S").get_data(as_text=True)
    short_row = row_of(confirmation, plans["short"])
    assert confirm(sponsor, confirmation, **{f"{short_row}-plan_id": str(other)}).status_code == 404
    assert sign_off_of(app, other) is None
    assert sign_off_of(app, plans["full"]) is None  # nothing at all was done
