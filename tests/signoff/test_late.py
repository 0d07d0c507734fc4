"""The advisors' list of plans still waiting for sign-off after the grading deadline."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from careercredit import clock
from careercredit.models import PlanState, Role
from tests.signoff.pages import finished_plan, student, text


def _term(make, days_late: int, code: str) -> int:
    today = clock.today()
    return make.term(
        code,
        starts_on=today - timedelta(days=150),
        grading_deadline=today - timedelta(days=days_late),
    )


def test_advisors_see_late_sign_offs_most_late_first(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    kim = make.user("fkim", Role.faculty, name="Frances Kim")
    chen = make.user("ochen", Role.faculty, name="Olivia Chen")
    ten, three = _term(make, 10, "2026FA"), _term(make, 3, "2026SU")
    finished_plan(app, make, student(make, "bsmith", "Bea Smith"), sponsor=kim, term_id=three)
    oldest = finished_plan(
        app, make, student(make, "cjones", "Cal Jones"), sponsor=chen, term_id=ten
    )
    finished_plan(app, make, student(make, "dlee", "Dee Lee"), sponsor=kim)  # not late yet
    finished_plan(
        app,
        make,
        student(make, "emoss", "Eve Moss"),
        sponsor=kim,
        term_id=ten,
        state=PlanState.signed_off,
    )
    response = advisor.get("/signoff/late")
    page = text(response)
    assert response.status_code == 200
    assert "2 plans late." in page
    assert page.index("Cal Jones") < page.index("Bea Smith")
    assert "Dee Lee" not in page
    assert "Eve Moss" not in page
    row = page[page.index(f'id="plan-{oldest}"') :]
    row = row[: row.index("</tr>")]
    deadline = (clock.today() - timedelta(days=10)).isoformat()
    for shown in ("Cal Jones", "Olivia Chen", "2026FA", deadline, "10 days"):
        assert shown in row
    assert f'href="/plans/{oldest}"' in row


def test_late_list_is_paginated(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    kim, term, project = make.user("fkim", Role.faculty), _term(make, 1, "2026SU"), make.project()
    for n in range(26):
        make.plan(
            student(make, f"s{n:02d}"),
            PlanState.awaiting_signoff,
            sponsor_id=kim,
            term_id=term,
            project_ids=[project],
        )
    first = text(advisor.get("/signoff/late"))
    assert "26 plans late." in first
    assert "Page 1 of 2 (26 in all)" in first
    assert first.count("1 day</td>") == 25
    assert text(advisor.get("/signoff/late?page=2")).count("1 day</td>") == 1


def test_nothing_late(app: Flask, login_as) -> None:
    page = text(login_as("advisor").get("/signoff/late"))
    assert "Nothing to show." in page
