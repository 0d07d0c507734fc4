"""Separation of duties in the catalogue: nobody changes the contact of their own placement.

Sam Okafor (student + advisor) and Kai Morgan (student + every staff role) sign
in through the real slapd and hold a placement on a project. Changing that
project, or its supervisor (the address every hours and evaluation link goes
to), is refused with 403 and the message on the form, and nothing changes: no
row, no audit event, no e-mail. The same people still change every other
project and supervisor.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from careercredit.catalogue import csvfile
from careercredit.extensions import db
from careercredit.models import OutboxMessage, PlanState, Project, Supervisor
from careercredit.models.supervision import ApprovedContact
from tests.catalogue.pages import confirm, counts, sign_in, submit, upload
from tests.conftest import user_id
from tests.factories import Factory

REFUSAL = "You can't act on your own record; another advisor must."
TWO_ROLES = ["sokafor", "kmorgan"]


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def supervisor_form(app: Flask, supervisor_id: int, **changes: str) -> dict[str, str]:
    """The supervisor's form as it shows now, with ``changes``."""
    with app.app_context():
        supervisor = db.session.get_one(Supervisor, supervisor_id)
        values = {
            "employer_id": str(supervisor.employer_id),
            "name": supervisor.name,
            "title": supervisor.title or "",
            "email": supervisor.email,
        }
    return {**values, **changes}


def project_form(app: Flask, project_id: int, **changes: str) -> dict[str, str]:
    """The project's form as it shows now, with ``changes``."""
    with app.app_context():
        project = db.session.get_one(Project, project_id)
        values = {
            "employer_id": str(project.employer_id),
            "supervisor_id": str(project.supervisor_id or ""),
            "title": project.title,
            "description": project.description,
            "deliverables": project.deliverables,
            "estimated_hours": str(project.estimated_hours),
            "starts_on": project.starts_on.isoformat(),
            "ends_on": project.ends_on.isoformat(),
            "status": project.status.value,
        }
    return {**values, **changes}


def stored(app: Flask) -> dict[str, Any]:
    """Everything a refused change must leave as it was."""
    with app.app_context():
        return {
            **counts(app),
            "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
            "kept": db.session.scalar(select(func.count()).select_from(ApprovedContact)),
            "supervisors": sorted(
                (s.id, s.name, s.email) for s in db.session.scalars(select(Supervisor))
            ),
            "projects": sorted(
                (p.id, p.supervisor_id, p.title, str(p.estimated_hours))
                for p in db.session.scalars(select(Project))
            ),
        }


@pytest.fixture
def own(app: Flask, make: Factory) -> Any:
    """Sign ``uid`` in and give them an approved plan on a project; return (client, project)."""

    def setup(uid: str) -> tuple[FlaskClient, int, int]:
        client = sign_in(app, uid)
        employer = make.employer("Northwind")
        supervisor = make.supervisor(employer, name="Ann Lee", email="ann@northwind.example")
        project = make.project(employer, supervisor_id=supervisor)
        make.plan(user_id(app, uid), PlanState.approved, project_ids=[project])
        return client, project, supervisor

    return setup


@pytest.mark.parametrize("uid", TWO_ROLES)
def test_an_advisor_cannot_change_the_supervisor_of_their_own_placement(
    app: Flask, own: Any, uid: str
) -> None:
    me, _, supervisor = own(uid)
    path = f"/catalogue/supervisors/{supervisor}/edit"
    form = page_text(me.get(path))
    assert "You hold a placement on a project of this supervisor." in form
    assert REFUSAL in form
    before = stored(app)

    response = submit(me, path, supervisor_form(app, supervisor, email=f"{uid}@university.example"))

    assert response.status_code == 403
    page = page_text(response)
    assert REFUSAL in page
    assert f'value="{uid}@university.example"' in page  # the entries are kept
    assert stored(app) == before


@pytest.mark.parametrize("uid", TWO_ROLES)
def test_an_advisor_cannot_change_the_project_of_their_own_placement(
    app: Flask, make: Factory, own: Any, uid: str
) -> None:
    me, project, _ = own(uid)
    with app.app_context():
        employer_id = db.session.get_one(Project, project).employer_id
    accomplice = make.supervisor(employer_id, name="Friend", email="friend@northwind.example")
    path = f"/catalogue/projects/{project}/edit"
    assert "You hold a placement on this project." in page_text(me.get(path))
    before = stored(app)

    for changes in ({"supervisor_id": str(accomplice)}, {"estimated_hours": "2000"}):
        response = submit(me, path, project_form(app, project, **changes))
        assert response.status_code == 403
        assert REFUSAL in page_text(response)
    assert stored(app) == before


@pytest.mark.parametrize("uid", TWO_ROLES)
def test_the_same_advisor_still_changes_other_supervisors_and_projects(
    app: Flask, make: Factory, own: Any, uid: str
) -> None:
    me, _, _ = own(uid)
    employer = make.employer("Contoso")
    other_supervisor = make.supervisor(employer, name="Bo Ek", email="bo@contoso.example")
    second = make.supervisor(employer, name="Cy Ode", email="cy@contoso.example")
    other_project = make.project(employer, supervisor_id=other_supervisor)
    make.plan(make.user("bsmith"), PlanState.approved, project_ids=[other_project])

    path = f"/catalogue/supervisors/{other_supervisor}/edit"
    assert REFUSAL not in page_text(me.get(path))
    response = submit(
        me, path, supervisor_form(app, other_supervisor, email="bo.ek@contoso.example")
    )
    assert response.status_code == 302
    path = f"/catalogue/projects/{other_project}/edit"
    response = submit(me, path, project_form(app, other_project, supervisor_id=str(second)))
    assert response.status_code == 302

    with app.app_context():
        assert db.session.get_one(Supervisor, other_supervisor).email == "bo.ek@contoso.example"
        assert db.session.get_one(Project, other_project).supervisor_id == second


def import_file(supervisor_email: str) -> bytes:
    """A marketplace file of one project, X-1 at Northwind, supervised from ``supervisor_email``."""
    row = {
        "external_id": "X-1",
        "title": "Survey analysis",
        "employer": "Northwind",
        "supervisor_name": "Ann Lee",
        "supervisor_email": supervisor_email,
        "estimated_hours": "20",
        "start_date": "2027-02-01",
        "end_date": "2027-03-01",
        "status": "open",
    }
    line = ",".join(row.get(name, "") for name in csvfile.COLUMNS)
    return "\n".join([",".join(csvfile.COLUMNS), line]).encode()


@pytest.mark.parametrize("uid", TWO_ROLES)
def test_an_import_does_not_change_the_project_of_ones_own_placement(
    app: Flask, make: Factory, login_as: Any, uid: str
) -> None:
    advisor = login_as("advisor")
    assert (
        confirm(advisor, upload(advisor, import_file("ann@northwind.example"))).status_code == 302
    )
    me = sign_in(app, uid)
    with app.app_context():
        project = db.session.scalars(select(Project)).one().id
    # A preview made before the placement existed, confirmed after: refused as a whole.
    early = upload(me, import_file(f"{uid}@northwind.example"))
    assert "Import 1 project(s)" in page_text(early)
    make.plan(user_id(app, uid), PlanState.approved, project_ids=[project])
    before = stored(app)

    preview = page_text(upload(me, import_file(f"{uid}@northwind.example")))
    refused = confirm(me, early)

    assert f"You hold a placement on this project. {REFUSAL}" in preview
    assert "Import 1 project(s)" not in preview
    assert refused.status_code == 403
    assert REFUSAL in page_text(refused)
    assert stored(app) == before
    # Another advisor imports the change.
    assert (
        confirm(advisor, upload(advisor, import_file(f"{uid}@northwind.example"))).status_code
        == 302
    )
