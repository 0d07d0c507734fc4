"""Admins keep the terms: list, add, change and delete them through the pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import AuditEvent, Role, Term
from tests.conftest import csrf_token, user_id
from tests.factories import Factory


def term_data(**overrides: str) -> dict[str, str]:
    """Form fields of a valid term, Spring 2027."""
    data = {
        "code": "2027SP",
        "name": "Spring 2027",
        "starts_on": "2027-01-11",
        "ends_on": "2027-05-07",
        "census_on": "2027-02-01",
        "grading_deadline": "2027-05-17",
        "hours_per_credit": "45",
        "max_credits": "3",
    }
    data.update(overrides)
    return data


def field_error(page: str, field: str) -> str | None:
    """The message shown next to ``field``, as a person reads it."""
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.DOTALL)
    return html.unescape(match.group(1)) if match else None


def input_value(page: str, name: str) -> str | None:
    """The value an input of the page holds."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return html.unescape(value.group(1)) if value else None


def text(page: str) -> str:
    """The words of the page, without tags, as a person reads them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def row(page: str, code: str) -> list[str]:
    """The cells of the list's row for ``code``, as text."""
    match = re.search(rf"<tr>\s*<th scope=\"row\">{code}</th>.*?</tr>", page, re.DOTALL)
    assert match, f"no row for {code}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(0), re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells]


def term_events(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.object_type == "term")
        return list(db.session.scalars(query.order_by(AuditEvent.id)))


def load_term(app: Flask, code: str) -> Term | None:
    with app.app_context():
        return db.session.scalar(select(Term).where(Term.code == code))


@pytest.fixture
def admin(login_as: Callable[[str], FlaskClient]) -> FlaskClient:
    return login_as("admin")


def post(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


# -- list ----------------------------------------------------------------------


def test_terms_are_listed_newest_first_with_their_plans(admin: FlaskClient, make: Factory) -> None:
    today = clock.today()
    make.term("2026SP", name="Spring 2026", starts_on=today - timedelta(days=300))
    fall = make.term("2026FA", name="Fall 2026", starts_on=today - timedelta(days=60))
    make.term("2027SP", name="Spring 2027", starts_on=today + timedelta(days=60))
    make.plan(make.user("student1", Role.student), term_id=fall)
    page = admin.get("/admin/terms").get_data(as_text=True)
    assert page.index("2027SP") < page.index("2026FA") < page.index("2026SP")
    assert row(page, "2026FA")[1:] == [
        "Fall 2026",
        f"{today - timedelta(days=60)} \N{EN DASH} {today + timedelta(days=52)}",
        str(today - timedelta(days=39)),
        str(today + timedelta(days=66)),
        "45",
        "3",
        "1",
        "Edit 2026FA · Delete 2026FA",
    ]
    assert row(page, "2027SP")[7] == "0"


def test_the_list_is_paginated(admin: FlaskClient, make: Factory) -> None:
    start = date(2000, 1, 10)
    for n in range(23):
        make.term(f"{2000 + n}SP", starts_on=start.replace(year=2000 + n))
    first = admin.get("/admin/terms").get_data(as_text=True)
    assert "Page 1 of 2 (23 in all)" in first
    assert "2022SP" in first
    assert "2002SP" not in first
    second = admin.get("/admin/terms?page=2").get_data(as_text=True)
    assert "2002SP" in second
    assert "2000SP" in second
    assert "2022SP" not in second


def test_an_empty_list_says_so(admin: FlaskClient) -> None:
    page = admin.get("/admin/terms").get_data(as_text=True)
    assert "Nothing to show." in page
    assert 'href="/admin/terms/new"' in page


# -- create --------------------------------------------------------------------


def test_admin_adds_a_term(app: Flask, admin: FlaskClient) -> None:
    form = admin.get("/admin/terms/new").get_data(as_text=True)
    assert (input_value(form, "hours_per_credit"), input_value(form, "max_credits")) == ("45", "3")

    response = post(admin, "/admin/terms/new", term_data(code=" 2027sp ", max_credits="4"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/terms"
    term = load_term(app, "2027SP")
    assert term is not None
    assert (term.name, term.starts_on, term.census_on) == (
        "Spring 2027",
        date(2027, 1, 11),
        date(2027, 2, 1),
    )
    assert (term.hours_per_credit, term.max_credits) == (45, 4)
    assert "Term 2027SP added." in admin.get("/admin/terms").get_data(as_text=True)

    [event] = term_events(app)
    assert event.action == "term.create"
    assert event.object_id == str(term.id)
    assert event.actor_id == user_id(app, "root1")
    assert event.details["after"]["code"] == "2027SP"
    assert event.details["after"]["grading_deadline"] == "2027-05-17"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "Spring27"}, "code", "Enter a code like 2027SP"),
        ({"code": "2027XX"}, "code", "Enter a code like 2027SP"),
        ({"code": ""}, "code", "Enter the term's code."),
        ({"name": "  "}, "name", "Enter the term's name"),
        ({"name": "x" * 121}, "name", "Keep the name under 120 characters."),
        ({"starts_on": ""}, "starts_on", "Enter the first day."),
        ({"starts_on": "2027-02-30"}, "starts_on", "Not a valid date value."),
        ({"ends_on": "2027-01-11"}, "ends_on", "The last day must come after the first day."),
        ({"ends_on": "2026-12-01"}, "ends_on", "The last day must come after the first day."),
        ({"census_on": "2027-01-10"}, "census_on", "The census date must fall within the term"),
        ({"census_on": "2027-05-08"}, "census_on", "The census date must fall within the term"),
        ({"grading_deadline": "2027-05-06"}, "grading_deadline", "on or after the last day"),
        ({"hours_per_credit": "0"}, "hours_per_credit", "from 1 to 200"),
        ({"hours_per_credit": "201"}, "hours_per_credit", "from 1 to 200"),
        ({"hours_per_credit": "4.5"}, "hours_per_credit", "Not a valid integer value."),
        ({"max_credits": "0"}, "max_credits", "from 1 to 12"),
        ({"max_credits": "13"}, "max_credits", "from 1 to 12"),
    ],
)
def test_a_bad_term_is_sent_back_with_a_message_by_the_field(
    app: Flask, admin: FlaskClient, overrides: dict[str, str], field: str, message: str
) -> None:
    data = term_data(**{"name": "Spring semester 2027", **overrides})
    response = post(admin, "/admin/terms/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in (field_error(page, field) or "")
    assert 'aria-invalid="true"' in page
    assert [name for name in data if field_error(page, name)] == [field]
    for name, value in data.items():  # the entries are kept, as the filters tidied them
        kept = value.strip().upper() if name == "code" else value
        assert input_value(page, name) == (kept.strip() if name == "name" else kept)
    with app.app_context():
        assert db.session.scalar(select(Term)) is None
    assert term_events(app) == []


def test_a_taken_code_is_refused_by_the_field(
    app: Flask, admin: FlaskClient, make: Factory
) -> None:
    make.term("2027SP", name="Spring 2027 (first)")
    response = post(admin, "/admin/terms/new", term_data(code="2027sp", name="Another"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "already exists" in (field_error(page, "code") or "")
    assert 'value="Another"' in page
    with app.app_context():
        assert [t.name for t in db.session.scalars(select(Term))] == ["Spring 2027 (first)"]
    assert term_events(app) == []


# -- edit ----------------------------------------------------------------------


def test_admin_changes_a_term(app: Flask, admin: FlaskClient, make: Factory) -> None:
    term_id = make.term("2027SP", **_dates("2027-01-11", "2027-05-07", "2027-02-01", "2027-05-17"))
    form = admin.get(f"/admin/terms/{term_id}/edit").get_data(as_text=True)
    assert 'value="2027SP"' in form
    assert 'value="2027-02-01"' in form

    data = term_data(name="Spring 2027", hours_per_credit="40", census_on="2027-02-08")
    response = post(admin, f"/admin/terms/{term_id}/edit", data)
    assert response.status_code == 302
    term = load_term(app, "2027SP")
    assert (term.name, term.hours_per_credit, term.census_on) == (
        "Spring 2027",
        40,
        date(2027, 2, 8),
    )
    [event] = term_events(app)
    assert event.action == "term.update"
    assert event.object_id == str(term_id)
    assert event.actor_id == user_id(app, "root1")
    assert event.details == {
        "before": {"name": "Test term", "census_on": "2027-02-01", "hours_per_credit": 45},
        "after": {"name": "Spring 2027", "census_on": "2027-02-08", "hours_per_credit": 40},
    }


def test_saving_an_unchanged_term_records_nothing(
    app: Flask, admin: FlaskClient, make: Factory
) -> None:
    term_id = make.term(
        "2027SP",
        name="Spring 2027",
        **_dates("2027-01-11", "2027-05-07", "2027-02-01", "2027-05-17"),
    )
    response = post(admin, f"/admin/terms/{term_id}/edit", term_data())
    assert response.status_code == 302
    assert "Nothing changed." in admin.get("/admin/terms").get_data(as_text=True)
    assert term_events(app) == []


def test_an_edit_with_dates_out_of_order_keeps_the_entries(
    app: Flask, admin: FlaskClient, make: Factory
) -> None:
    term_id = make.term("2027SP", name="Spring 2027")
    data = term_data(name="Spring 2027 renamed", grading_deadline="2027-04-01")
    response = post(admin, f"/admin/terms/{term_id}/edit", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "on or after the last day" in field_error(page, "grading_deadline")
    assert 'value="Spring 2027 renamed"' in page
    assert 'value="2027-04-01"' in page
    assert load_term(app, "2027SP").name == "Spring 2027"
    assert term_events(app) == []


def test_an_edit_cannot_take_another_terms_code(
    app: Flask, admin: FlaskClient, make: Factory
) -> None:
    make.term("2027SP", name="Spring 2027")
    fall = make.term("2027FA", name="Fall 2027")
    response = post(admin, f"/admin/terms/{fall}/edit", term_data(code="2027SP", name="Fall"))
    assert response.status_code == 422
    assert "already exists" in field_error(response.get_data(as_text=True), "code")
    assert load_term(app, "2027FA").name == "Fall 2027"
    assert term_events(app) == []


def test_the_edit_page_warns_when_plans_use_the_term(admin: FlaskClient, make: Factory) -> None:
    term_id = make.term("2026FA")
    make.plan(make.user("student1", Role.student), term_id=term_id)
    page = admin.get(f"/admin/terms/{term_id}/edit").get_data(as_text=True)
    assert "1 credit plan belongs to this term." in text(page)


# -- delete --------------------------------------------------------------------


def test_admin_deletes_an_unused_term_after_confirming(
    app: Flask, admin: FlaskClient, make: Factory
) -> None:
    term_id = make.term("2027SP", name="Spring 2027")
    page = admin.get(f"/admin/terms/{term_id}/delete").get_data(as_text=True)
    assert "Deleting it cannot be undone." in page
    assert f'action="/admin/terms/{term_id}/delete"' in page
    assert 'name="csrf_token"' in page
    assert load_term(app, "2027SP") is not None  # asking deletes nothing

    response = post(admin, f"/admin/terms/{term_id}/delete", {})
    assert response.status_code == 302
    assert load_term(app, "2027SP") is None
    assert "Term 2027SP deleted." in admin.get("/admin/terms").get_data(as_text=True)
    [event] = term_events(app)
    assert (event.action, event.object_id) == ("term.delete", str(term_id))
    assert event.details["before"]["name"] == "Spring 2027"


def test_deleting_needs_the_csrf_token(app: Flask, admin: FlaskClient, make: Factory) -> None:
    term_id = make.term("2027SP")
    assert admin.post(f"/admin/terms/{term_id}/delete").status_code == 400
    assert load_term(app, "2027SP") is not None


def test_a_term_in_use_is_not_deleted(app: Flask, admin: FlaskClient, make: Factory) -> None:
    term_id = make.term("2026FA")
    student = make.user("student1", Role.student)
    make.plan(student, term_id=term_id)
    make.plan(make.user("student2", Role.student), term_id=term_id)

    page = admin.get(f"/admin/terms/{term_id}/delete").get_data(as_text=True)
    assert "2026FA cannot be deleted: 2 credit plans belong to it" in text(page)
    assert f'action="/admin/terms/{term_id}/delete"' not in page  # no button to press

    token = csrf_token(admin, "/admin/terms")
    response = admin.post(f"/admin/terms/{term_id}/delete", data={"csrf_token": token})
    assert response.status_code == 409
    assert "2026FA cannot be deleted: 2 credit plans belong to it" in text(
        response.get_data(as_text=True)
    )
    assert load_term(app, "2026FA") is not None
    assert term_events(app) == []


def _dates(start: str, end: str, census: str, grading: str) -> dict[str, date]:
    return {
        "starts_on": date.fromisoformat(start),
        "ends_on": date.fromisoformat(end),
        "census_on": date.fromisoformat(census),
        "grading_deadline": date.fromisoformat(grading),
    }
