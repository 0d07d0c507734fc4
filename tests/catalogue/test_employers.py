"""Employers and their supervisors, added and changed through the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from careercredit.extensions import db
from careercredit.models import Employer, Supervisor
from tests.catalogue.pages import counts, events, submit, text
from tests.conftest import PEOPLE, user_id
from tests.factories import Factory

EMPLOYER = {
    "name": "Café Ñandú GmbH",
    "website": "www.cafe-nandu.example",
    "address": "Calle Mayor 1\n28013 Madrid",
    "notes": "Prefers students of economics.",
}


def test_advisor_adds_an_employer_and_sees_it(app: Flask, login_as: Callable[..., FlaskClient]):
    advisor = login_as("advisor")
    response = submit(advisor, "/catalogue/employers/new", EMPLOYER, follow_redirects=True)
    page = text(response)
    assert response.status_code == 200
    assert "Employer added." in page
    assert "<h1>Café Ñandú GmbH</h1>" in page
    assert 'href="https://www.cafe-nandu.example"' in page
    assert "Calle Mayor 1\n28013 Madrid" in page
    [event] = events(app, "employer.create")
    assert event.actor_id == user_id(app, PEOPLE["advisor"])
    assert event.details["after"]["name"] == "Café Ñandú GmbH"
    assert event.details["after"]["website"] == "https://www.cafe-nandu.example"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "   "}, "Enter the employer&#39;s name."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"website": "not a web address"}, "Enter a web address such as https://www.example.com."),
        (
            {"website": "javascript:alert(1)"},
            "Enter a web address such as https://www.example.com.",
        ),
        ({"name": "NORTHWIND traders"}, "An employer called “Northwind Traders” already exists."),
    ],
)
def test_bad_employer_keeps_the_entries(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory, values: dict, message: str
):
    make.employer("Northwind Traders")
    advisor = login_as("advisor")
    before = counts(app)
    response = submit(advisor, "/catalogue/employers/new", {**EMPLOYER, **values})
    page = text(response)
    assert response.status_code == 422
    assert message in page
    assert "Please correct the marked fields." in page
    assert "Prefers students of economics." in page
    assert counts(app) == before


def test_editing_an_employer_records_before_and_after(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Northwind", website="https://northwind.example")
    advisor = login_as("advisor")
    edit = f"/catalogue/employers/{employer_id}/edit"
    assert 'value="https://northwind.example"' in text(advisor.get(edit))
    changed = {"name": "Northwind Traders", "website": "https://northwind.example"}
    response = submit(advisor, edit, changed, follow_redirects=True)
    assert "Employer saved." in text(response)
    assert "<h1>Northwind Traders</h1>" in text(response)
    [event] = events(app, "employer.update")
    assert event.object_id == str(employer_id)
    assert event.details == {
        "before": {"name": "Northwind"},
        "after": {"name": "Northwind Traders"},
    }
    again = submit(advisor, edit, changed, follow_redirects=True)
    assert "Nothing changed." in text(again)
    assert len(events(app, "employer.update")) == 1


def test_an_employer_keeps_its_own_name_when_edited(
    login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Northwind")
    response = submit(
        login_as("admin"), f"/catalogue/employers/{employer_id}/edit", {"name": "NORTHWIND"}
    )
    assert response.status_code == 302


def test_employer_page_lists_supervisors_and_projects(
    login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Northwind")
    supervisor_id = make.supervisor(employer_id, name="Zoë Ødegård", email="zoe@northwind.example")
    make.project(employer_id, title="Inventory dashboard", supervisor_id=supervisor_id)
    page = text(login_as("advisor").get(f"/catalogue/employers/{employer_id}"))
    assert "Zoë Ødegård" in page
    assert "zoe@northwind.example" in page
    assert "Inventory dashboard" in page
    assert f'href="/catalogue/supervisors/new?employer={employer_id}"' in page


def test_employer_list_searches_and_pages(login_as: Callable[..., FlaskClient], make: Factory):
    for n in range(30):
        make.employer(f"Firm {n:02d}")
    make.employer("100% Organic_Farm")
    advisor = login_as("advisor")
    first = text(advisor.get("/catalogue/employers"))
    assert "Page 1 of 2 (31 in all)" in first
    assert "Firm 00" in first
    assert "Firm 29" not in first
    second = text(advisor.get("/catalogue/employers?page=2"))
    assert "Firm 29" in second
    assert "Firm 00" not in second
    found = text(advisor.get("/catalogue/employers?q=%25"))
    assert "100% Organic_Farm" in found
    assert "Firm 01" not in found
    assert "Firm" not in text(advisor.get("/catalogue/employers?q=m_0"))
    assert "Nothing to show." in text(advisor.get("/catalogue/employers?q=nobody"))


# -- supervisors -------------------------------------------------------------------------


def _supervisor(employer_id: int, **values: str) -> dict[str, str]:
    return {
        "employer_id": str(employer_id),
        "name": "José Núñez",
        "title": "Operations lead",
        "email": "Jose.Nunez@Muller-Son.example",
        **values,
    }


def test_advisor_adds_a_supervisor_with_a_lower_case_email(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Müller & Søn")
    advisor = login_as("advisor")
    form = text(advisor.get(f"/catalogue/supervisors/new?employer={employer_id}"))
    assert f'<option selected value="{employer_id}">Müller &amp; Søn</option>' in form
    response = submit(
        advisor, "/catalogue/supervisors/new", _supervisor(employer_id), follow_redirects=True
    )
    page = text(response)
    assert "Supervisor added." in page
    assert "jose.nunez@muller-son.example" in page
    assert "Jose.Nunez" not in page
    with app.app_context():
        supervisor = db.session.query(Supervisor).one()
        assert supervisor.email == "jose.nunez@muller-son.example"
    [event] = events(app, "supervisor.create")
    assert event.details["after"]["email"] == "jose.nunez@muller-son.example"


def test_same_email_twice_at_one_employer_is_refused(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Müller & Søn")
    other_id = make.employer("Northwind")
    make.supervisor(employer_id, name="José Núñez", email="jose.nunez@muller-son.example")
    advisor = login_as("advisor")
    response = submit(advisor, "/catalogue/supervisors/new", _supervisor(employer_id, name="J. N."))
    assert response.status_code == 422
    assert "José Núñez already has this e-mail address at Müller &amp; Søn." in text(response)
    assert 'value="J. N."' in text(response)
    elsewhere = submit(advisor, "/catalogue/supervisors/new", _supervisor(other_id))
    assert elsewhere.status_code == 302
    with app.app_context():
        assert db.session.query(Supervisor).count() == 2


@pytest.mark.parametrize(
    ("values", "field_message"),
    [
        ({"email": "not-an-address"}, "Enter an e-mail address such as name@example.com."),
        ({"email": "a@b"}, "Enter an e-mail address such as name@example.com."),
        ({"email": ""}, "Enter the supervisor&#39;s e-mail address."),
        ({"name": ""}, "Enter the supervisor&#39;s name."),
        ({"employer_id": ""}, "Choose an employer from the list."),
        ({"employer_id": "abc"}, "Choose an employer from the list."),
        ({"employer_id": "99999999999999999999999"}, "Choose an employer from the list."),
        ({"employer_id": "4242"}, "Choose an employer from the list."),
    ],
)
def test_bad_supervisor_is_refused_with_a_message(
    app: Flask,
    login_as: Callable[..., FlaskClient],
    make: Factory,
    values: dict,
    field_message: str,
):
    employer_id = make.employer()
    advisor = login_as("advisor")
    before = counts(app)
    response = submit(advisor, "/catalogue/supervisors/new", {**_supervisor(employer_id), **values})
    assert response.status_code == 422
    assert field_message in text(response)
    assert 'value="Operations lead"' in text(response)
    assert counts(app) == before


def test_supervisor_on_projects_cannot_move_to_another_employer(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    employer_id = make.employer("Müller & Søn")
    other_id = make.employer("Northwind")
    supervisor_id = make.supervisor(employer_id, email="jose@muller.example")
    make.project(employer_id, supervisor_id=supervisor_id)
    edit = f"/catalogue/supervisors/{supervisor_id}/edit"
    advisor = login_as("advisor")
    moved = submit(advisor, edit, _supervisor(other_id, email="jose@muller.example"))
    assert moved.status_code == 422
    assert "is named on 1 project(s) of Müller &amp; Søn" in text(moved)
    renamed = submit(advisor, edit, _supervisor(employer_id, name="José N. Núñez"))
    assert renamed.status_code == 302
    [event] = events(app, "supervisor.update")
    assert event.details["after"] == {
        "name": "José N. Núñez",
        "email": "jose.nunez@muller-son.example",
        "title": "Operations lead",
    }
    with app.app_context():
        assert db.session.get(Supervisor, supervisor_id).employer_id == employer_id


def test_supervisor_list_searches_and_filters_by_employer(
    login_as: Callable[..., FlaskClient], make: Factory
):
    northwind = make.employer("Northwind")
    muller = make.employer("Müller & Søn")
    make.supervisor(northwind, name="Ann Lee", email="ann@northwind.example")
    make.supervisor(muller, name="Ann Berg", email="ann@muller.example")
    make.supervisor(muller, name="Bo Ek", email="bo@muller.example")
    advisor = login_as("advisor")
    anns = text(advisor.get("/catalogue/supervisors?q=ann"))
    assert "Ann Lee" in anns
    assert "Ann Berg" in anns
    assert "Bo Ek" not in anns
    at_muller = text(advisor.get(f"/catalogue/supervisors?q=ann&employer={muller}"))
    assert "Ann Berg" in at_muller
    assert "Ann Lee" not in at_muller
    ignored = text(advisor.get("/catalogue/supervisors?employer=abc&page=x"))
    assert "Ann Lee" in ignored
    assert "Bo Ek" in ignored


def test_employer_names_are_unique_in_the_database_too(app: Flask, make: Factory):
    make.employer("Northwind")
    with app.app_context():
        db.session.add(Employer(name="Northwind"))
        with pytest.raises(Exception, match=r"UNIQUE|unique"):
            db.session.flush()
        db.session.rollback()


def test_control_characters_are_dropped_not_stored(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    advisor = login_as("advisor")
    data = {"name": "Nul\x00 Corp\x07", "address": "Line 1\r\nLine\x00 2", "website": ""}
    response = submit(advisor, "/catalogue/employers/new", data)
    assert response.status_code == 302
    with app.app_context():
        employer = db.session.query(Employer).one()
        assert employer.name == "Nul Corp"
        assert employer.address == "Line 1\r\nLine 2"
        assert employer.website is None
    assert "Nul Corp" in text(advisor.get("/catalogue/employers?q=Nul%00%20Corp"))
