"""Who may reach the supervisor pages: every route, for every role and for anonymous visitors."""

from __future__ import annotations

import pytest
from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan, LinkPurpose, PlanState, Role, User
from careercredit.supervisors.links import create_link, token_for
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
from tests.conftest import user_id
from tests.supervisors.conftest import add_entries

PEOPLE = {
    "student": "alice",  # owns the plan
    "other_student": "jnunez",
    "sponsor": "fkim",  # sponsors the plan
    "other_faculty": "ochen",
    "advisor": "adavis",
    "registrar": "rlopez",
    "admin": "root1",
}
EVERYONE = (ANONYMOUS, *PEOPLE)


def answers(default: object = 404, **special: object) -> dict[str, object]:
    """Expected answers: ``special`` per person, ``default`` for the rest, anonymous to sign-in."""
    return {"anonymous": LOGIN, **dict.fromkeys(PEOPLE, default), **special}


PLACEMENT = "/plans/{plan}/placements/{placement}"
MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("POST", PLACEMENT + "/links", answers(student=302, advisor=302)),
    ("GET", PLACEMENT + "/consent", answers(student=200)),
    ("POST", PLACEMENT + "/consent", answers(student=302)),
    ("GET", "/plans/{plan}/links/{link}/revoke", answers(student=200, advisor=200)),
    ("POST", "/plans/{plan}/links/{link}/revoke", answers(student=302, advisor=302)),
    (
        "GET",
        PLACEMENT + "/disclosures",
        answers(student=200, advisor=200, registrar=200, admin=200),
    ),
    # The supervisor's pages need no sign-in; anyone holding the link opens it.
    ("GET", "/s/{token}", {person: 200 for person in EVERYONE}),
    ("POST", "/s/{token}/hours", {person: 302 for person in EVERYONE}),
    ("POST", "/s/{token}/evaluation", {person: 404 for person in EVERYONE}),  # wrong purpose
    # A deliverable the link does not reach (none exists): refused like any other.
    ("GET", "/s/{token}/deliverables/{deliverable}", {person: 404 for person in EVERYONE}),
    ("POST", "/s/{token}/deliverables/{deliverable}/review", {person: 404 for person in EVERYONE}),
]


@pytest.mark.parametrize(CASE, matrix_cases(MATRIX, EVERYONE))
def test_access(app: Flask, make, method: str, path: str, person: str, expected: object) -> None:
    client = browser_of(app, PEOPLE.get(person))
    for uid in ("alice", "fkim"):
        make.user(uid)
    make.user("fkim", Role.faculty)
    plan_id = make.plan(user_id(app, "alice"), PlanState.approved, sponsor_id=user_id(app, "fkim"))
    with app.app_context(), app.test_request_context():
        placement = db.session.get(CreditPlan, plan_id).placements[0]
        add_entries(app, placement.id, "2")  # hours to verify: an hours link may be sent
        link = create_link(
            placement, LinkPurpose.hours, db.session.get(User, user_id(app, "alice"))
        )
        db.session.commit()
        ids = {"plan": plan_id, "placement": placement.id, "link": link.id}
        ids["token"] = token_for(link)
        ids["deliverable"] = 999999
    data = {"purpose": "hours", "agree": "y", "action": "verify_all"}
    response = send(client, method, path.format(**ids), data, form_page=form_page_for(person))
    assert_answer(response, expected)


def test_every_supervisor_route_is_in_the_matrix(app: Flask) -> None:
    missing = uncovered_routes(app, "supervisors.", MATRIX)
    assert not missing, f"routes missing from the access matrix: {sorted(missing)}"
