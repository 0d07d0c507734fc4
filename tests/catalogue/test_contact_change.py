"""A supervisor's address changes: the old address is told, the audit log has before and after.

Placements of plans approved before the change keep the address they were
approved with (``ApprovedContact``); plans not yet approved do not need it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import OutboxMessage, Placement, PlanState, Project
from careercredit.models.supervision import ApprovedContact
from tests.catalogue.pages import confirm, events, submit, upload
from tests.catalogue.test_own_placement import import_file, project_form, supervisor_form
from tests.factories import Factory

OLD = "ann@northwind.example"


def outbox(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.to_addr, m.subject, m.body) for m in rows]


def kept(app: Flask) -> dict[int, str | None]:
    """The kept approval addresses, by plan id."""
    with app.app_context():
        rows = db.session.execute(
            select(Placement.plan_id, ApprovedContact.email).join(
                Placement, Placement.id == ApprovedContact.placement_id
            )
        )
        return {plan_id: email for plan_id, email in rows}


def scene(make: Factory) -> dict[str, Any]:
    """A supervisor on one project with an approved plan and a draft one."""
    employer = make.employer("Northwind")
    supervisor = make.supervisor(employer, name="Ann Lee", email=OLD)
    project = make.project(employer, supervisor_id=supervisor)
    approved = make.plan(make.user("bsmith"), PlanState.in_progress, project_ids=[project])
    draft = make.plan(make.user("cjones"), PlanState.draft, project_ids=[project])
    return {
        "employer": employer,
        "supervisor": supervisor,
        "project": project,
        "approved": approved,
        "draft": draft,
    }


def change_email(app: Flask, client: FlaskClient, supervisor: int, email: str) -> Any:
    path = f"/catalogue/supervisors/{supervisor}/edit"
    return submit(client, path, supervisor_form(app, supervisor, email=email))


def test_a_changed_address_is_told_audited_and_kept_for_approved_plans(
    app: Flask, make: Factory, login_as: Any
) -> None:
    s = scene(make)
    advisor = login_as("advisor")

    response = change_email(app, advisor, s["supervisor"], "Ann.Lee@Northwind.example")

    assert response.status_code == 302
    [(to, subject, body)] = outbox(app)
    assert to == OLD
    assert subject == "Your e-mail address on CareerCredit was changed"
    assert "Hello Ann Lee" in body
    assert "Northwind" in body
    assert "contact Career Services" in body
    assert "ann.lee@northwind.example" not in body  # the new address is not given away
    [event] = events(app, "supervisor.update")
    assert event.details == {
        "before": {"email": OLD},
        "after": {"email": "ann.lee@northwind.example"},
    }
    assert kept(app) == {s["approved"]: OLD}


def test_the_first_address_stays_the_approved_one_through_later_changes(
    app: Flask, make: Factory, login_as: Any
) -> None:
    s = scene(make)
    advisor = login_as("advisor")
    change_email(app, advisor, s["supervisor"], "second@northwind.example")
    change_email(app, advisor, s["supervisor"], "third@northwind.example")

    assert [to for to, _, _ in outbox(app)] == [OLD, "second@northwind.example"]
    assert kept(app) == {s["approved"]: OLD}
    assert [e.details["after"]["email"] for e in events(app, "supervisor.update")] == [
        "second@northwind.example",
        "third@northwind.example",
    ]


def test_other_changes_tell_nobody(app: Flask, make: Factory, login_as: Any) -> None:
    s = scene(make)
    advisor = login_as("advisor")
    path = f"/catalogue/supervisors/{s['supervisor']}/edit"

    response = submit(advisor, path, supervisor_form(app, s["supervisor"], name="Ann B. Lee"))

    assert response.status_code == 302
    assert outbox(app) == []
    assert kept(app) == {}


def test_another_supervisor_on_the_project_keeps_the_approved_address(
    app: Flask, make: Factory, login_as: Any
) -> None:
    s = scene(make)
    other = make.supervisor(s["employer"], name="Bo Ek", email="bo@northwind.example")
    advisor = login_as("advisor")
    path = f"/catalogue/projects/{s['project']}/edit"

    response = submit(advisor, path, project_form(app, s["project"], supervisor_id=str(other)))

    assert response.status_code == 302
    assert kept(app) == {s["approved"]: OLD}
    [event] = events(app, "project.update")
    assert event.details["before"] == {"supervisor_id": s["supervisor"]}
    assert event.details["after"] == {"supervisor_id": other}
    assert outbox(app) == []  # the address itself did not change


def test_an_import_giving_the_project_another_supervisor_keeps_the_approved_address(
    app: Flask, make: Factory, login_as: Any
) -> None:
    advisor = login_as("advisor")
    assert confirm(advisor, upload(advisor, import_file(OLD))).status_code == 302
    with app.app_context():
        project = db.session.scalars(select(Project)).one().id
    approved = make.plan(make.user("bsmith"), PlanState.approved, project_ids=[project])

    done = confirm(advisor, upload(advisor, import_file("bo@northwind.example")))

    assert done.status_code == 302
    assert kept(app) == {approved: OLD}
    assert outbox(app) == []
