"""The catalogue with hostile input: employers, supervisors, projects, searches, the CSV import."""

from __future__ import annotations

import csv
import io
import itertools
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import event, given
from hypothesis import strategies as st

from careercredit.catalogue.csvfile import COLUMNS
from careercredit.extensions import db
from careercredit.models import Employer, Project, Supervisor
from tests.catalogue.pages import confirm, submit, upload
from tests.factories import Factory
from tests.hostile.checks import (
    html_of,
    inert,
    not_a_server_error,
    redirected,
    refused_with_message,
    shown_escaped,
)
from tests.hostile.conftest import HOSTILE
from tests.hostile.strings import cleaned, hostile_text, mostly, sometimes, with_filler

_SERIAL = itertools.count(1)


def serial() -> int:
    """A number no other example used, for names that must be unique."""
    return next(_SERIAL)


@pytest.fixture
def advisor(login_as) -> FlaskClient:
    return login_as("advisor")


def saved_id(response, kind: str) -> int:
    return int(re.search(rf"/catalogue/{kind}s/(\d+)$", response.headers["Location"]).group(1))


def row(app: Flask, model: type, row_id: int):
    with app.app_context():
        found = db.session.get(model, row_id)
        db.session.expunge(found)
        return found


def website(text: str) -> str | None:
    """What the website field stores for ``text`` it accepted."""
    url = cleaned(text)
    if not url:
        return None
    return url if "://" in url else "https://" + url


@HOSTILE
@given(
    name=with_filler("Acme"),
    site=mostly("", "acme.example", "https://acme.example/jobs"),
    address=hostile_text(),
    notes=hostile_text(),
)
def test_new_employer(
    app: Flask, advisor: FlaskClient, name: str, site: str, address: str, notes: str
) -> None:
    name = f"{name} {serial()}" if name.strip() else name
    response = submit(
        advisor,
        "/catalogue/employers/new",
        {"name": name, "website": site, "address": address, "notes": notes},
    )
    if not redirected(response):
        page = html_of(response)
        for value in (name, address, notes):
            shown_escaped(page, cleaned(value))
        return
    employer = row(app, Employer, saved_id(response, "employer"))
    assert employer.name == cleaned(name)
    assert employer.website == website(site)
    assert employer.address == (cleaned(address) or None)
    assert employer.notes == (cleaned(notes) or None)
    page = html_of(advisor.get(f"/catalogue/employers/{employer.id}"))
    for value in (employer.name, employer.website, employer.address, employer.notes):
        if value:
            shown_escaped(page, value)


@pytest.fixture
def employer_id(make: Factory) -> int:
    return make.employer()


@HOSTILE
@given(
    name=with_filler("Zoë Ødegård"),
    title=hostile_text(),
    email=mostly("zoe@acme.example", " Zoe@Acme.Example "),
    employer=sometimes(),
)
def test_new_supervisor(
    app: Flask,
    advisor: FlaskClient,
    employer_id: int,
    name: str,
    title: str,
    email: str,
    employer: str | None,
) -> None:
    if "@" in email:
        email = email.replace("@", f"{serial()}@")  # one address per example
    response = submit(
        advisor,
        "/catalogue/supervisors/new",
        {
            "employer_id": employer_id if employer is None else employer,
            "name": name,
            "title": title,
            "email": email,
        },
    )
    if not redirected(response):
        page = html_of(response)
        for value in (name, title):
            shown_escaped(page, cleaned(value))
        inert(page, email)  # kept lower-cased once it reads as an address
        return
    supervisor = row(app, Supervisor, saved_id(response, "supervisor"))
    assert supervisor.name == cleaned(name)
    assert supervisor.title == (cleaned(title) or None)
    assert supervisor.email == cleaned(email).lower()
    page = html_of(advisor.get(f"/catalogue/supervisors/{supervisor.id}"))
    for value in (supervisor.name, supervisor.title, supervisor.email):
        if value:
            shown_escaped(page, value)


@HOSTILE
@given(
    title=with_filler("Survey analysis"),
    description=hostile_text(),
    deliverables=hostile_text(),
    hours=sometimes(),
    starts=sometimes(),
    status=sometimes(),
)
def test_new_project(
    app: Flask,
    advisor: FlaskClient,
    employer_id: int,
    title: str,
    description: str,
    deliverables: str,
    hours: str | None,
    starts: str | None,
    status: str | None,
) -> None:
    response = submit(
        advisor,
        "/catalogue/projects/new",
        {
            "employer_id": employer_id,
            "supervisor_id": "",
            "title": title,
            "description": description,
            "deliverables": deliverables,
            "estimated_hours": "30" if hours is None else hours,
            "starts_on": "2027-01-18" if starts is None else starts,
            "ends_on": "2027-03-12",
            "status": "open" if status is None else status,
        },
    )
    if not redirected(response):
        page = html_of(response)
        for value in (title, description, deliverables):
            shown_escaped(page, cleaned(value))
        return
    project = row(app, Project, saved_id(response, "project"))
    assert project.title == cleaned(title)
    assert project.description == cleaned(description)
    assert project.deliverables == cleaned(deliverables)
    page = html_of(advisor.get(f"/catalogue/projects/{project.id}"))
    for value in (project.title, project.description, project.deliverables):
        if value:
            shown_escaped(page, value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("estimated_hours", " "), ("estimated_hours", "\x00"), ("starts_on", " "), ("ends_on", "\t")],
)
def test_blank_hours_or_dates_of_a_project_get_a_message(
    advisor: FlaskClient, employer_id: int, field: str, value: str
) -> None:
    data = {
        "employer_id": employer_id,
        "supervisor_id": "",
        "title": "Survey analysis",
        "estimated_hours": "30",
        "starts_on": "2027-01-18",
        "ends_on": "2027-03-12",
        "status": "open",
    }
    data[field] = value
    refused_with_message(submit(advisor, "/catalogue/projects/new", data))


@HOSTILE
@given(q=hostile_text(), employer=hostile_text(), status=hostile_text(), page=hostile_text())
def test_catalogue_searches(
    advisor: FlaskClient, q: str, employer: str, status: str, page: str
) -> None:
    query = {"q": q, "employer": employer, "status": status, "page": page}
    for path in ("/catalogue/employers", "/catalogue/supervisors", "/catalogue/projects"):
        response = advisor.get(path, query_string=query)
        not_a_server_error(response)
        assert response.status_code == 200
        shown_escaped(html_of(response), cleaned(q)[:200])
    response = advisor.get("/catalogue/projects/options", query_string={"q": q, "term": employer})
    not_a_server_error(response)
    assert response.is_json


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


CELLS = ("title", "employer", "supervisor_name", "supervisor_title", "description", "deliverables")


@HOSTILE
@given(cells=st.fixed_dictionaries({name: with_filler("Survey") for name in CELLS}))
def test_csv_import(app: Flask, advisor: FlaskClient, cells: dict[str, str]) -> None:
    n = serial()
    cells = {**cells, "employer": f"{cells['employer']} {n}"}  # a new employer each time
    values = {
        "external_id": f"MP-{n}",
        "employer_website": "https://acme.example",
        "supervisor_email": f"sup{n}@acme.example",
        "estimated_hours": "30",
        "start_date": "2027-01-18",
        "end_date": "2027-03-12",
        "status": "open",
        **cells,
    }
    preview = upload(advisor, _csv([values]))
    not_a_server_error(preview)
    page = html_of(preview)
    if preview.status_code != 200:
        refused_with_message(preview)  # a file refused as a whole (a NUL byte, say)
        event("file refused")
        assert "\x00" in "".join(cells.values())
        return
    for value in cells.values():
        inert(page, value)  # the preview truncates cells: only check that no markup is live
    if 'class="row-rejected"' in page:
        event("row rejected, with its problems listed")
        return
    response = confirm(advisor, preview)
    assert redirected(response)
    with app.app_context():
        project = db.session.scalars(
            db.select(Project).where(Project.external_id == f"MP-{n}")
        ).one()
        stored = {
            "title": project.title,
            "employer": project.employer.name,
            "description": project.description,
            "deliverables": project.deliverables,
            "supervisor_name": project.supervisor.name,
            "supervisor_title": project.supervisor.title or "",
        }
        project_id = project.id
    assert stored == {name: cleaned(cells[name]) for name in stored}
    shown = html_of(advisor.get(f"/catalogue/projects/{project_id}"))
    for name in ("title", "employer", "description", "deliverables", "supervisor_name"):
        if stored[name]:
            shown_escaped(shown, stored[name])
