"""The students' catalogue through its pages: what is offered, the filters, "add to my plan".

A project is offered while it is open and has not ended, and for a term when
it runs during that term; the plan editor's picker offers the same. Adding
goes into the student's own plan they may still change, and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, PlanState, Project, ProjectStatus, Role
from tests.catalogue.pages import text
from tests.conftest import csrf_token, user_id
from tests.factories import Factory
from tests.statements import page_statements

TODAY = clock.today()


def _titles(page: str) -> list[str]:
    """The projects a list page offers, in order."""
    return re.findall(r'<h2><a href="/catalogue/browse/\d+">([^<]+)</a></h2>', page)


def _placements(app: Flask, plan_id: int) -> list[int]:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        return [p.project_id for p in plan.placements]


@pytest.fixture
def world(make: Factory) -> dict[str, int]:
    """A term under way, a later one, and projects running, ended, closed and later."""
    employer = make.employer("Harbour Food Bank")
    other = make.employer("Northwind Labs")
    term = make.term("NOW")
    later = make.term("LATER", starts_on=TODAY + timedelta(days=200))
    ids = {"term": term, "later": later, "employer": employer}
    ids["running"] = make.project(
        employer,
        hours=20,
        title="Survey clean-up",
        description="Clean the survey answers of the spring drive.",
        deliverables="A tidy data set and a short memo.",
    )
    ids["long"] = make.project(other, hours=60, title="Lab inventory")
    ids["ended"] = make.project(
        employer,
        title="Winter appeal",
        starts_on=TODAY - timedelta(days=40),
        ends_on=TODAY - timedelta(days=1),
    )
    ids["closed"] = make.project(employer, title="Closed call", status=ProjectStatus.closed)
    ids["next"] = make.project(
        other,
        title="Autumn outreach",
        starts_on=TODAY + timedelta(days=210),
        ends_on=TODAY + timedelta(days=260),
    )
    return ids


def test_students_see_only_projects_still_offered(login_as, world) -> None:
    student = login_as("student")
    during = text(student.get(f"/catalogue/browse?term={world['term']}"))
    assert sorted(_titles(during)) == ["Lab inventory", "Survey clean-up"]
    anytime = text(student.get("/catalogue/browse?term="))
    assert sorted(_titles(anytime)) == ["Autumn outreach", "Lab inventory", "Survey clean-up"]
    later = text(student.get(f"/catalogue/browse?term={world['later']}"))
    assert _titles(later) == ["Autumn outreach"]
    assert "Winter appeal" not in anytime
    assert "Closed call" not in anytime


def test_filters_by_text_employer_and_hours(login_as, world) -> None:
    student = login_as("student")
    assert _titles(text(student.get("/catalogue/browse?term=&q=spring drive"))) == [
        "Survey clean-up"
    ]
    by_employer = text(student.get("/catalogue/browse?term=&employer=northwind"))
    assert sorted(_titles(by_employer)) == ["Autumn outreach", "Lab inventory"]
    short = text(student.get("/catalogue/browse?term=&max_hours=30"))
    assert sorted(_titles(short)) == ["Autumn outreach", "Survey clean-up"]
    long = text(student.get("/catalogue/browse?term=&min_hours=40&max_hours=100"))
    assert _titles(long) == ["Lab inventory"]


def test_unreadable_hours_are_marked_and_kept(login_as, world) -> None:
    student = login_as("student")
    response = student.get("/catalogue/browse?term=&max_hours=ten&q=survey")
    assert response.status_code == 422
    page = text(response)
    assert 'value="ten"' in page
    assert 'aria-invalid="true"' in page
    assert "Enter the hours as a number" in page
    # The filters that could be read still apply.
    assert _titles(page) == ["Survey clean-up"]
    reversed_range = student.get("/catalogue/browse?term=&min_hours=50&max_hours=10")
    assert reversed_range.status_code == 422
    assert "The most hours must be at least the fewest hours." in text(reversed_range)


def test_the_term_of_the_students_draft_is_chosen_first(app, login_as, make, world) -> None:
    student = login_as("student")
    make.plan(user_id(app, "alice"), PlanState.draft, term_id=world["later"], project_ids=[])
    page = text(student.get("/catalogue/browse"))
    assert _titles(page) == ["Autumn outreach"]
    assert re.search(rf'<option selected value="{world["later"]}"', page) or re.search(
        rf'<option value="{world["later"]}" selected', page
    )


def test_the_project_page_shows_what_a_student_needs_and_no_email(app, login_as, make, world):
    student = login_as("student")
    with app.app_context():
        project = db.session.get(Project, world["running"])
        supervisor = project.supervisor.name
        email = project.supervisor.email
    page = text(student.get(f"/catalogue/browse/{world['running']}"))
    assert "Survey clean-up" in page
    assert "Clean the survey answers of the spring drive." in page
    assert "A tidy data set and a short memo." in page
    assert "Harbour Food Bank" in page
    assert supervisor in page
    assert email not in page
    assert "Start a credit plan" in page  # no plan yet: says what to do
    assert student.get(f"/catalogue/browse/{world['closed']}").status_code == 404
    ended = text(student.get(f"/catalogue/browse/{world['ended']}"))
    assert "can no longer be added" in ended


def test_staff_pages_send_students_to_their_view(login_as, world) -> None:
    student = login_as("student")
    listing = student.get("/catalogue/projects")
    assert listing.status_code == 302
    assert listing.headers["Location"].endswith("/catalogue/browse")
    one = student.get(f"/catalogue/projects/{world['running']}")
    assert one.headers["Location"].endswith(f"/catalogue/browse/{world['running']}")
    advisor = login_as("advisor")
    assert advisor.get("/catalogue/projects").status_code == 200
    assert advisor.get("/catalogue/browse").status_code == 404


def test_add_to_my_plan(app, login_as, make, world) -> None:
    student = login_as("student")
    plan_id = make.plan(
        user_id(app, "alice"), PlanState.draft, term_id=world["term"], project_ids=[]
    )
    path = f"/catalogue/browse/{world['running']}"
    assert "Add to my plan for NOW" in text(student.get(path))
    response = _add(student, world["running"], plan_id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plans/{plan_id}/edit")
    assert _placements(app, plan_id) == [world["running"]]
    with app.app_context():
        (added,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "plan.add_placement")
        ).all()
        assert added.details == {"project_id": world["running"]}
    again = text(student.get(path))
    assert "already hold this project" in again


def _add(client: FlaskClient, project_id: int, plan_id: int):
    """Press "Add to my plan" for ``plan_id`` (whether or not the page offers that plan)."""
    path = f"/catalogue/browse/{project_id}"
    data = {"csrf_token": csrf_token(client, path), "plan_id": str(plan_id)}
    return client.post(f"{path}/add", data=data)


def test_a_plan_that_cannot_change_is_refused_clearly(app, login_as, make, world) -> None:
    student = login_as("student")
    submitted = make.plan(
        user_id(app, "alice"), PlanState.submitted, term_id=world["term"], project_ids=[]
    )
    page = text(student.get(f"/catalogue/browse/{world['running']}"))
    assert "no plan you can add projects to" in page
    response = _add(student, world["running"], submitted)
    assert response.status_code == 422
    assert "cannot be changed now" in text(response)
    assert _placements(app, submitted) == []


def test_another_students_plan_is_not_found(app, login_as, make, world) -> None:
    hers = make.plan(
        make.user("jnunez", Role.student), PlanState.draft, term_id=world["term"], project_ids=[]
    )
    student = login_as("student")
    response = _add(student, world["running"], hers)
    assert response.status_code == 404
    assert _placements(app, hers) == []


def test_ended_or_other_term_projects_are_refused(app, login_as, make, world) -> None:
    student = login_as("student")
    plan_id = make.plan(
        user_id(app, "alice"), PlanState.draft, term_id=world["term"], project_ids=[]
    )
    ended = _add(student, world["ended"], plan_id)
    assert ended.status_code == 422
    assert "Winter appeal ended on" in text(ended)
    elsewhere = _add(student, world["next"], plan_id)
    assert elsewhere.status_code == 422
    assert "outside the term NOW" in text(elsewhere)
    assert _placements(app, plan_id) == []


def test_the_plan_editors_picker_offers_the_same(app, login_as, make, world) -> None:
    student = login_as("student")
    plan_id = make.plan(
        user_id(app, "alice"), PlanState.draft, term_id=world["term"], project_ids=[]
    )
    page = text(student.get(f"/plans/{plan_id}/edit?project_q=a"))
    assert "Survey clean-up" in page
    assert "Lab inventory" in page
    assert "Winter appeal" not in page
    assert "Autumn outreach" not in page
    # Sending the ended project's id anyway is refused with the reason.
    token = csrf_token(student, f"/plans/{plan_id}/edit")
    student.post(
        f"/plans/{plan_id}/placements",
        data={"csrf_token": token, "project_id": str(world["ended"])},
    )
    assert _placements(app, plan_id) == []
    assert "Winter appeal ended on" in text(student.get(f"/plans/{plan_id}/edit"))


def test_the_list_is_paged_with_the_same_queries_for_few_or_many(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
) -> None:
    student = login_as("student")
    term = make.term("PAGED")
    path = f"/catalogue/browse?term={term}"
    for _ in range(2):
        make.project()
    student.get(path)
    few = len(page_statements(app, student, path)[0])
    for _ in range(30):
        make.project()
    assert len(page_statements(app, student, path)[0]) == few
    first = text(student.get(path))
    assert len(_titles(first)) == 25
    assert "Page 1 of 2" in first
    assert len(_titles(text(student.get(f"{path}&page=2")))) == 7
