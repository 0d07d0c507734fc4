"""Who may reach the terms pages: admins only; others get 404, visitors the sign-in page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import AuditEvent, Term
from tests.conftest import csrf_token
from tests.factories import Factory
from tests.terms.test_pages import term_data

ROLES = ("student", "advisor", "faculty", "registrar", "admin")
PAGES = ("/admin/terms", "/admin/terms/new", "/admin/terms/{id}/edit", "/admin/terms/{id}/delete")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", [*ROLES, None])
def test_only_admins_see_the_terms_pages(
    login_as: Callable[[str], FlaskClient],
    client: FlaskClient,
    make: Factory,
    role: str | None,
    path: str,
) -> None:
    url = path.format(id=make.term("2026FA"))
    browser = login_as(role) if role else client
    response = browser.get(url)
    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    elif role == "admin":
        assert response.status_code == 200
        expected = "Add a term" if path.endswith("/new") else "2026FA"
        assert expected in response.get_data(as_text=True)
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ["student", "advisor", "faculty", "registrar"])
def test_others_cannot_write_terms(
    app: Flask, login_as: Callable[[str], FlaskClient], make: Factory, role: str
) -> None:
    term_id = make.term("2026FA", name="Fall 2026")
    browser = login_as(role)
    token = csrf_token(browser, "/")  # the sign-out form carries the session's token
    posts = {
        "/admin/terms/new": term_data(),
        f"/admin/terms/{term_id}/edit": term_data(code="2026FA", name="Renamed"),
        f"/admin/terms/{term_id}/delete": {},
    }
    for url, data in posts.items():
        assert browser.post(url, data={**data, "csrf_token": token}).status_code == 404
    with app.app_context():
        assert [t.name for t in db.session.scalars(select(Term))] == ["Fall 2026"]
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "term")
            )
            == 0
        )


def test_visitors_are_sent_to_sign_in_before_writing(client: FlaskClient, make: Factory) -> None:
    term_id = make.term("2026FA")
    token = csrf_token(client, "/login")
    response = client.post(f"/admin/terms/{term_id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_missing_term_is_not_found(login_as: Callable[[str], FlaskClient]) -> None:
    admin = login_as("admin")
    assert admin.get("/admin/terms/999/edit").status_code == 404
    assert admin.get("/admin/terms/999/delete").status_code == 404


def test_only_admins_have_terms_in_the_menu(login_as: Callable[[str], FlaskClient]) -> None:
    for role in ROLES:
        page = login_as(role).get("/").get_data(as_text=True)
        assert ('href="/admin/terms"' in page) == (role == "admin"), role
