"""Projects: added and changed through the pages, listed in pages of SQL, offered to plan forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from careercredit.catalogue import services
from careercredit.extensions import db
from careercredit.models import Project, ProjectStatus
from tests.catalogue.pages import counts, events, submit, text
from tests.factories import Factory
from tests.statements import page_statements


def _project(employer_id: int, supervisor_id: int | str = "", **values: str) -> dict[str, str]:
    return {
        "employer_id": str(employer_id),
        "supervisor_id": str(supervisor_id),
        "title": "Customer survey analysis",
        "description": "Analyse 2,000 survey answers about our cafés.",
        "deliverables": "A short report.",
        "estimated_hours": "12.5",
        "starts_on": "2027-01-18",
        "ends_on": "2027-03-12",
        "status": "open",
        **values,
    }


def test_advisor_adds_a_project_and_sees_it(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Café Ñandú")
    supervisor_id = make.supervisor(employer_id, name="Zoë Ødegård")
    advisor = login_as("advisor")
    form = text(advisor.get(f"/catalogue/projects/new?employer={employer_id}"))
    assert '<optgroup label="Café Ñandú">' in form
    data = _project(employer_id, supervisor_id)
    response = submit(advisor, "/catalogue/projects/new", data, follow_redirects=True)
    page = text(response)
    assert "Project added." in page
    assert "<h1>Customer survey analysis</h1>" in page
    assert "Zoë Ødegård" in page
    assert "2027-01-18 \u2013 2027-03-12" in page
    assert "<dd>12.5</dd>" in page
    with app.app_context():
        project = db.session.query(Project).one()
        assert project.estimated_hours == Decimal("12.5")
        assert project.supervisor_id == supervisor_id
    [created] = events(app, "project.create")
    assert created.details["after"]["estimated_hours"] == "12.5"
    assert created.details["after"]["starts_on"] == "2027-01-18"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ends_on": "2027-01-17"}, "The end date must be on or after the start date."),
        ({"starts_on": "18/01/2027"}, "Enter a date such as 2027-01-31."),
        ({"ends_on": ""}, "Enter the end date."),
        ({"estimated_hours": "0"}, "Estimated hours must be more than 0 and at most 2000."),
        ({"estimated_hours": "-3"}, "Estimated hours must be more than 0 and at most 2000."),
        ({"estimated_hours": "2000.01"}, "Estimated hours must be more than 0 and at most 2000."),
        ({"estimated_hours": "1e9"}, "Estimated hours must be more than 0 and at most 2000."),
        ({"estimated_hours": "twelve"}, "Enter the hours as a number, such as 30 or 12.5."),
        ({"estimated_hours": "NaN"}, "Enter the hours as a number, such as 30 or 12.5."),
        ({"estimated_hours": "Infinity"}, "Enter the hours as a number, such as 30 or 12.5."),
        ({"estimated_hours": "12.555"}, "Use at most two decimal places for the hours."),
        ({"estimated_hours": ""}, "Enter the estimated hours."),
        ({"title": ""}, "Enter the project&#39;s title."),
        ({"status": "pending"}, "Choose open or closed."),
        ({"supervisor_id": "4242"}, "Choose a supervisor from the list, or none."),
        ({"employer_id": "x"}, "Choose an employer from the list."),
    ],
)
def test_bad_project_keeps_what_was_typed(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory, values: dict, message: str
):
    employer_id = make.employer()
    advisor = login_as("advisor")
    before = counts(app)
    data = {**_project(employer_id), "deliverables": "Slides in Ødegård style", **values}
    response = submit(advisor, "/catalogue/projects/new", data)
    page = text(response)
    assert response.status_code == 422
    assert message in page
    assert "Slides in Ødegård style" in page
    if values.get("estimated_hours"):
        assert f'value="{values["estimated_hours"]}"' in page
    assert counts(app) == before


def test_supervisor_of_another_employer_is_refused(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Café Ñandú")
    stranger = make.supervisor(make.employer("Northwind"))
    response = submit(
        login_as("advisor"), "/catalogue/projects/new", _project(employer_id, stranger)
    )
    assert response.status_code == 422
    assert "Choose a supervisor who works at the chosen employer, or none." in text(response)
    with app.app_context():
        assert db.session.query(Project).count() == 0


def test_editing_a_project_records_what_changed(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer()
    project_id = make.project(employer_id, hours=30, title="Inventory dashboard")
    advisor = login_as("advisor")
    edit = f"/catalogue/projects/{project_id}/edit"
    form = text(advisor.get(edit))
    assert 'value="30"' in form
    assert 'value="Inventory dashboard"' in form
    with app.app_context():
        project = db.session.get(Project, project_id)
        data = _project(
            employer_id,
            project.supervisor_id,
            title="Inventory dashboard",
            description=project.description,
            deliverables=project.deliverables,
            estimated_hours="35",
            starts_on=project.starts_on.isoformat(),
            ends_on=project.ends_on.isoformat(),
            status="closed",
        )
    response = submit(advisor, edit, data, follow_redirects=True)
    assert "Project saved." in text(response)
    assert "Closed" in text(response)
    [updated] = events(app, "project.update")
    assert updated.details == {
        "before": {"estimated_hours": "30", "status": "open"},
        "after": {"estimated_hours": "35", "status": "closed"},
    }


def test_project_list_searches_filters_and_pages(
    login_as: Callable[..., FlaskClient], make: Factory
):
    cafe = make.employer("Café Ñandú")
    northwind = make.employer("Northwind")
    supervisor = make.supervisor(cafe)
    start = date(2027, 1, 1)
    for n in range(30):
        make.project(
            cafe, supervisor_id=supervisor, title=f"Survey {n:02d}", starts_on=start - timedelta(n)
        )
    make.project(northwind, title="Menu translation", status=ProjectStatus.closed)
    advisor = login_as("advisor")
    first = text(advisor.get(f"/catalogue/projects?employer={cafe}"))
    assert "Page 1 of 2 (30 in all)" in first
    assert "Survey 00" in first
    assert "Survey 24" in first
    assert "Survey 25" not in first
    assert "page=2" in first
    assert f"employer={cafe}" in first
    second = text(advisor.get(f"/catalogue/projects?employer={cafe}&page=2"))
    assert "Survey 25" in second
    assert "Survey 29" in second
    assert "Survey 00" not in second
    beyond = text(advisor.get(f"/catalogue/projects?employer={cafe}&page=99999999999999999999"))
    assert "Page 2 of 2" in beyond
    assert "Survey 29" in beyond
    closed = text(advisor.get("/catalogue/projects?status=closed"))
    assert "Menu translation" in closed
    assert "Survey" not in closed
    by_employer_name = text(advisor.get("/catalogue/projects?q=northwind"))
    assert "Menu translation" in by_employer_name
    assert "Survey" not in by_employer_name
    assert "Survey 07" in text(advisor.get("/catalogue/projects?q=VEY 07&status=open"))
    odd = text(advisor.get("/catalogue/projects?q=%00%25_&status=nonsense&employer=-4"))
    assert "Nothing to show." in odd


def test_a_search_matching_many_employers_finds_their_projects(
    login_as: Callable[..., FlaskClient], make: Factory, monkeypatch: pytest.MonkeyPatch
):
    # More matching employers than the search names one by one: they are looked up in SQL.
    monkeypatch.setattr(services, "EMPLOYERS_LISTED", 2)
    for name in ("Harbor Books", "Harbor Bikes", "Harbor Beans"):
        make.project(make.employer(name), title=f"Stock count at {name.split()[1]}")
    make.project(make.employer("Lakeside Press"), title="Harbor history leaflet")
    make.project(make.employer("Orchard Labs"), title="Soil samples")
    advisor = login_as("advisor")
    page = text(advisor.get("/catalogue/projects?q=harbor"))
    for title in ("Stock count at Books", "Stock count at Bikes", "Stock count at Beans"):
        assert title in page
    assert "Harbor history leaflet" in page
    assert "Soil samples" not in page
    one = text(advisor.get("/catalogue/projects?q=beans"))
    assert "Stock count at Beans" in one
    assert "Stock count at Books" not in one


@pytest.mark.parametrize(
    "path", ["/catalogue/projects", "/catalogue/employers", "/catalogue/supervisors"]
)
def test_list_pages_use_the_same_queries_for_few_or_many_rows(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory, path: str
):
    advisor = login_as("advisor")
    for _ in range(2):
        make.project()
    advisor.get(path)
    few = len(page_statements(app, advisor, path)[0])
    for _ in range(20):
        make.project()
    assert len(page_statements(app, advisor, path)[0]) == few


def test_project_options_offer_open_projects_as_json(
    login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Café Ñandú")
    term = make.term(starts_on=date(2027, 1, 11), ends_on=date(2027, 5, 1))
    wanted = make.project(
        employer_id,
        hours="12.5",
        title="Customer survey",
        starts_on=date(2027, 1, 18),
        ends_on=date(2027, 3, 12),
    )
    make.project(employer_id, title="Closed survey", status=ProjectStatus.closed)
    make.project(
        employer_id, title="Summer survey", starts_on=date(2027, 6, 1), ends_on=date(2027, 8, 1)
    )
    student = login_as("student")
    everything = student.get("/catalogue/projects/options?q=survey").get_json()
    assert {option["title"] for option in everything} == {"Customer survey", "Summer survey"}
    in_term = student.get(f"/catalogue/projects/options?q=SURVEY&term={term}").get_json()
    assert in_term == [
        {
            "id": wanted,
            "title": "Customer survey",
            "employer": "Café Ñandú",
            "estimated_hours": 12.5,
            "starts_on": "2027-01-18",
            "ends_on": "2027-03-12",
        }
    ]
    assert student.get("/catalogue/projects/options?term=4242").status_code == 404
    assert student.get("/catalogue/projects/options?term=abc").status_code == 404


def test_project_options_stop_at_twenty(login_as: Callable[..., FlaskClient], make: Factory):
    employer_id = make.employer()
    supervisor_id = make.supervisor(employer_id)
    for n in range(25):
        make.project(employer_id, title=f"Option {n:02d}", supervisor_id=supervisor_id)
    options = login_as("advisor").get("/catalogue/projects/options").get_json()
    assert [option["title"] for option in options] == [f"Option {n:02d}" for n in range(20)]
