"""Who may reach what: every route of credit plans, for every role and for anonymous visitors.

The matrix is data: one row per route, one expected answer per person.
``LOGIN`` means "sent to sign in"; 404 is the answer for objects a person may
not see (ids cannot be probed); 422 means the person may see the plan but the
action is refused with a message.
"""

from __future__ import annotations

import pytest
from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, Role
from tests.access import LOGIN, assert_answer, uncovered_routes
from tests.conftest import csrf_token, login, user_id

PEOPLE = {
    "student": "alice",  # owns the plans
    "other_student": "jnunez",
    "sponsor": "fkim",  # sponsors the plans
    "other_faculty": "ochen",
    "advisor": "adavis",
    "registrar": "rlopez",
    "admin": "root1",
}
EVERYONE = ("anonymous", *PEOPLE)


def answers(default: object = 404, **special: object) -> dict[str, object]:
    """Expected answers: ``special`` per person, ``default`` for the rest, anonymous to sign-in."""
    return {"anonymous": LOGIN, **dict.fromkeys(PEOPLE, default), **special}


SEE_PLAN = {"student": 200, "sponsor": 200, "advisor": 200, "registrar": 200, "admin": 200}
STUDENTS = {"student": 200, "other_student": 200}
NOT_OWNER_BUT_VISIBLE = {"sponsor": 422, "advisor": 422, "registrar": 422, "admin": 422}

MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/plans/", answers(**STUDENTS)),
    ("GET", "/plans/new", answers(**STUDENTS)),
    ("POST", "/plans/new", answers(student=302, other_student=302)),
    ("GET", "/plans/all", answers(200, student=404, other_student=404)),
    ("GET", "/plans/queue", answers(advisor=200)),
    ("GET", "/plans/mine.csv", answers(**STUDENTS)),
    ("GET", "/plans/all.csv", answers(200, student=404, other_student=404)),
    ("GET", "/plans/queue.csv", answers(advisor=200)),
    # No plan ticked: the queue comes back with the message; a decision never confirmed is bad.
    ("POST", "/plans/queue/confirm", answers(advisor=422)),
    ("POST", "/plans/queue/decide", answers(advisor=400)),
    ("GET", "/plans/{draft}", answers(**SEE_PLAN)),
    (
        "GET",
        "/plans/{draft}/edit",
        answers(**{**SEE_PLAN, "sponsor": 302, "advisor": 302, "registrar": 302, "admin": 302}),
    ),
    ("GET", "/plans/{draft}/delete", answers(student=200)),
    (
        "GET",
        "/plans/{submitted}/withdraw",
        answers(student=200, **{k: 404 for k in SEE_PLAN if k != "student"}),
    ),
    (
        "POST",
        "/plans/{draft}/edit",
        answers(
            **{
                **SEE_PLAN,
                "student": 302,
                "sponsor": 302,
                "advisor": 302,
                "registrar": 302,
                "admin": 302,
            }
        ),
    ),
    ("POST", "/plans/{draft}/sponsor", answers(**{k: 302 for k in SEE_PLAN})),
    ("POST", "/plans/{draft}/placements", answers(**{k: 302 for k in SEE_PLAN})),
    ("POST", "/plans/{draft}/placements/{placement}/remove", answers(**{k: 302 for k in SEE_PLAN})),
    ("POST", "/plans/{draft}/submit", answers(**NOT_OWNER_BUT_VISIBLE, student=302)),
    ("POST", "/plans/{draft}/delete", answers(student=302)),
    ("POST", "/plans/{submitted}/recall", answers(**NOT_OWNER_BUT_VISIBLE, student=302)),
    ("POST", "/plans/{submitted}/withdraw", answers(**NOT_OWNER_BUT_VISIBLE, student=302)),
    ("POST", "/plans/{in_progress}/complete", answers(**NOT_OWNER_BUT_VISIBLE, student=422)),
    (
        "POST",
        "/plans/{submitted}/approve",
        answers(**{**NOT_OWNER_BUT_VISIBLE, "student": 422, "advisor": 302}),
    ),
    (
        "POST",
        "/plans/{submitted}/request-changes",
        answers(**{**NOT_OWNER_BUT_VISIBLE, "student": 422, "advisor": 302}),
    ),
    (
        "POST",
        "/plans/{submitted}/reject",
        answers(**{**NOT_OWNER_BUT_VISIBLE, "student": 422, "advisor": 302}),
    ),
]

FORM = {
    "version": "1",
    "comment": "A reason.",
    "credits": "1",
    "uid": "fkim",
    "term_id": "0",
    "credits_requested": "1",
    "objectives": "x",
    "confirm_reject": "y",
}


def _cases():
    for method, path, expected in MATRIX:
        for person in EVERYONE:
            yield pytest.param(
                method, path, person, expected[person], id=f"{method} {path} {person}"
            )


@pytest.mark.parametrize(("method", "path", "person", "expected"), list(_cases()))
def test_access(app: Flask, make, method: str, path: str, person: str, expected: object) -> None:
    client = app.test_client()
    if person != "anonymous":
        assert login(client, PEOPLE[person]).status_code == 302
    else:
        make.user("alice")
    for uid in ("alice", "fkim"):
        make.user(uid)
    alice, fkim = user_id(app, "alice"), user_id(app, "fkim")
    make.user("fkim", Role.faculty)
    plans = {
        "draft": make.plan(alice, sponsor_id=fkim),
        "submitted": make.plan(alice, PlanState.submitted, sponsor_id=fkim),
        "in_progress": make.plan(alice, PlanState.in_progress, sponsor_id=fkim),
    }
    with app.app_context():
        plans["placement"] = db.session.get(CreditPlan, plans["draft"]).placements[0].id
    url = path.format(**plans)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/login" if person == "anonymous" else "/")
        data = {**FORM, "csrf_token": token, "project_id": str(make.project())}
        if url.endswith(("/edit", "/new")):
            data["term_id"] = str(make.term())
        response = client.post(url, data=data)
    assert_answer(response, expected)


def test_every_plan_route_is_in_the_matrix(app: Flask) -> None:
    missing = uncovered_routes(app, "plans.", MATRIX)
    assert not missing, f"routes missing from the access matrix: {sorted(missing)}"
