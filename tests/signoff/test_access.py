"""Who may reach what: every sign-off route, for every role and for anonymous visitors.

``LOGIN`` means "sent to sign in"; 404 is the answer for pages and plans a
person may not see; 422 means the sponsor may act but the rules refuse.
"""

from __future__ import annotations

import pytest
from flask import Flask

from careercredit.models import PlanState, Role
from tests.access import (
    ANONYMOUS,
    CASE,
    LOGIN,
    assert_answer,
    browser_of,
    form_page_for,
    matrix_cases,
    send,
    uncovered_routes,
)
from tests.conftest import csrf_token, user_id

PEOPLE = {
    "student": "alice",  # owns the plan
    "sponsor": "fkim",  # sponsors it
    "other_faculty": "ochen",
    "advisor": "adavis",
    "registrar": "rlopez",
    "admin": "root1",
}
EVERYONE = (ANONYMOUS, *PEOPLE)


def answers(default: object = 404, **special: object) -> dict[str, object]:
    """Expected answers: ``special`` per person, ``default`` for the rest, anonymous to sign-in."""
    return {"anonymous": LOGIN, **dict.fromkeys(PEOPLE, default), **special}


MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/signoff/", answers(sponsor=200, other_faculty=200)),
    ("GET", "/signoff/queue.csv", answers(sponsor=200, other_faculty=200)),
    ("GET", "/signoff/late", answers(advisor=200)),
    ("GET", "/signoff/{plan}", answers(sponsor=200)),
    # The plan has no verified hours: a passing grade is refused.
    ("POST", "/signoff/{plan}", answers(sponsor=422)),
    ("POST", "/signoff/{plan}/send-back", answers(sponsor=302)),
    ("POST", "/signoff/bulk/confirm", answers(sponsor=200)),
    # Its only row is refused the same way: nothing was signed off, and the page says so with 422.
    ("POST", "/signoff/bulk", answers(sponsor=422)),
]


def _form(plan: int) -> dict[str, object]:
    return {
        "version": "1",
        "grade": "S",
        "credits": "1",
        "back-version": "1",
        "back-comment": "Ask for the final evaluation.",
        "plan_ids": str(plan),
        "award_max": "y",
        "rows-0-plan_id": str(plan),
        "rows-0-version": "1",
        "rows-0-credits": "0",
    }


@pytest.mark.parametrize(CASE, matrix_cases(MATRIX, EVERYONE))
def test_access(app: Flask, make, method: str, path: str, person: str, expected: object) -> None:
    client = browser_of(app, PEOPLE.get(person))
    for uid in ("alice", "fkim"):
        make.user(uid)
    make.user("fkim", Role.faculty)
    plan = make.plan(
        user_id(app, "alice"), PlanState.awaiting_signoff, sponsor_id=user_id(app, "fkim")
    )
    form_page = form_page_for(person)
    back = {"back-csrf_token": csrf_token(client, form_page)}  # the send-back form's own prefix
    response = send(
        client, method, path.format(plan=plan), {**_form(plan), **back}, form_page=form_page
    )
    assert_answer(response, expected)


def test_every_signoff_route_is_in_the_matrix(app: Flask) -> None:
    missing = uncovered_routes(app, "signoff.", MATRIX)
    assert not missing, f"routes missing from the access matrix: {sorted(missing)}"


def test_the_menu_shows_sign_off_to_faculty_only(app: Flask, login_as) -> None:
    assert 'href="/signoff/"' in login_as("faculty").get("/").get_data(as_text=True)
    for role in ("student", "advisor", "registrar", "admin"):
        assert 'href="/signoff/"' not in login_as(role).get("/").get_data(as_text=True)
