"""Who may reach the hour log: only the plan's student writes; others read on the plan page.

Every page of the hours blueprint is a write page (a form or its action). For
anyone but the plan's student they answer 404 — whether or not the person may
see the plan (sponsor and staff see the hours read-only on the plan page) —
so the forms and ids cannot be probed. ``LOGIN`` means "sent to sign in".
A placement or entry id that belongs to another plan is 404 too, even for a
student who owns both plans: ids are always checked against the plan in the URL.
"""

from __future__ import annotations

import pytest
from flask import Flask

from careercredit.models import HourStatus, PlanState, Role
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
from tests.conftest import csrf_token, login, user_id
from tests.hours.pages import WORK, add_entry, days_ago, delete_url, edit_url, new_url, student_plan

PEOPLE = {
    "student": "alice",  # owns the plan
    "other_student": "jnunez",
    "sponsor": "fkim",
    "other_faculty": "ochen",
    "advisor": "adavis",
    "registrar": "rlopez",
    "admin": "root1",
}
READERS = ("student", "sponsor", "advisor", "registrar", "admin")


def _answers(student: object) -> dict[str, object]:
    return {"anonymous": LOGIN, **dict.fromkeys(PEOPLE, 404), "student": student}


#: The weekly sheet (this week's: its Monday may always take hours in the factories' term).
WEEK = "/plans/{plan}/placements/{placement}/hours/week"

MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/plans/{plan}/placements/{placement}/hours/new", _answers(200)),
    ("POST", "/plans/{plan}/placements/{placement}/hours/new", _answers(302)),
    ("GET", "/plans/{plan}/hours/{entry}/edit", _answers(200)),
    ("POST", "/plans/{plan}/hours/{entry}/edit", _answers(302)),
    ("GET", "/plans/{plan}/hours/{entry}/delete", _answers(200)),
    ("POST", "/plans/{plan}/hours/{entry}/delete", _answers(302)),
    ("GET", WEEK, _answers(200)),
    ("POST", WEEK, _answers(302)),
]


def _alices_plan(app: Flask, make) -> dict[str, int]:
    for uid in ("alice", "fkim"):
        make.user(uid)
    sponsor = make.user("fkim", Role.faculty)
    plan_id, (placement,) = student_plan(app, make, PlanState.in_progress, sponsor_id=sponsor)
    entry_id = add_entry(app, placement)
    return {"plan": plan_id, "placement": placement, "entry": entry_id}


@pytest.mark.parametrize(CASE, matrix_cases(MATRIX, (ANONYMOUS, *PEOPLE)))
def test_access(app: Flask, make, method: str, path: str, person: str, expected: object) -> None:
    client = browser_of(app, PEOPLE.get(person))
    url = path.format(**_alices_plan(app, make))
    data = {"work_date": str(days_ago(2)), "hours": "1", "description": WORK}
    data.update({"rows-0-hours": "1", "rows-0-description": WORK})  # the weekly sheet's
    response = send(client, method, url, data, form_page=form_page_for(person))
    assert_answer(response, expected)


def test_every_hours_route_is_in_the_matrix(app: Flask) -> None:
    assert uncovered_routes(app, "hours.", MATRIX) == set()


@pytest.mark.parametrize("person", READERS)
def test_people_who_see_the_plan_see_its_hours(app: Flask, make, person: str) -> None:
    client = app.test_client()
    assert login(client, PEOPLE[person]).status_code == 302
    ids = _alices_plan(app, make)
    add_entry(app, ids["placement"], status=HourStatus.disputed, dispute_comment="Not three.")
    page = client.get(f"/plans/{ids['plan']}").get_data(as_text=True)
    assert f'id="hour-entry-{ids["entry"]}"' in page
    assert "Not three." in page
    assert "of 45 required hours verified" in page
    writes = (new_url(ids["plan"], ids["placement"]), edit_url(ids["plan"], ids["entry"]))
    if person == "student":
        assert all(url in page for url in writes)
    else:  # read-only: no form links at all
        assert not any(url in page for url in writes)
        assert f"/plans/{ids['plan']}/hours/" not in page
        assert "/hours/new" not in page


def test_other_people_do_not_see_the_plan(app: Flask, make) -> None:
    client = app.test_client()
    assert login(client, "jnunez").status_code == 302
    ids = _alices_plan(app, make)
    assert client.get(f"/plans/{ids['plan']}").status_code == 404


def test_ids_of_another_plan_answer_404(app: Flask, login_as, make) -> None:
    student = login_as("student")
    own_plan, (own_placement,) = student_plan(app, make)
    own_entry = add_entry(app, own_placement)
    make.user("jnunez")
    other_plan, (other_placement,) = student_plan(app, make, uid="jnunez")
    other_entry = add_entry(app, other_placement)
    second_plan, (second_placement,) = student_plan(app, make)  # alice's too
    token = csrf_token(student, new_url(own_plan, own_placement))
    data = {"csrf_token": token, "work_date": str(days_ago(1)), "hours": "1", "description": WORK}

    for url in (
        new_url(own_plan, other_placement),  # someone else's placement under my plan
        new_url(own_plan, second_placement),  # my other plan's placement under this plan
        new_url(other_plan, other_placement),  # someone else's plan
        edit_url(own_plan, other_entry),
        delete_url(own_plan, other_entry),
        edit_url(second_plan, own_entry),
        delete_url(other_plan, other_entry),
        new_url(own_plan, 2**31),  # past the id range: no database error
    ):
        assert student.get(url).status_code == 404, url
        assert student.post(url, data=data).status_code == 404, url
    assert student.get(edit_url(own_plan, own_entry)).status_code == 200
    assert user_id(app, "alice") != user_id(app, "jnunez")
