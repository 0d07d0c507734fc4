"""Admins keep credit courses and the sections terms offer; the schemes show with their grades."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, Course, CourseSection, Role
from tests.conftest import csrf_token
from tests.courses.schemes import course, scheme, section
from tests.factories import Factory
from tests.terms.test_pages import field_error, text

Login = Callable[[str], FlaskClient]


def course_data(app: Flask, **overrides: str) -> dict[str, str]:
    """Form fields of a valid course, BUS 3990, graded A to F."""
    data = {
        "subject": "bus",
        "number": "3990",
        "title": "Internship in business",
        "department": "School of Business",
        "credits_min": "1",
        "credits_max": "3",
        "scheme_id": str(scheme(app, "Letter grades A to F")),
    }
    data.update(overrides)
    return data


def events(app: Flask, action: str) -> list[dict]:
    with app.app_context():
        query = select(AuditEvent.details).where(AuditEvent.action == action)
        return list(db.session.scalars(query))


def test_admin_adds_a_course_and_sees_it_with_the_schemes(app: Flask, login_as: Login) -> None:
    admin = login_as("admin")
    data = course_data(app, csrf_token=csrf_token(admin, "/admin/courses/new"))
    response = admin.post("/admin/courses/new", data=data)
    assert response.status_code == 302
    page = text(admin.get("/admin/courses").get_data(as_text=True))
    assert (
        "BUS 3990 Internship in business School of Business 1\N{EN DASH}3 Letter grades A to F"
        in page
    )
    assert "A excellent 4.00 Yes" in page
    assert "F fail 0.00 No" in page
    assert events(app, "course.create")[0]["after"]["subject"] == "BUS"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject": "B1"}, "subject", "Enter a subject of 2 to 8 letters, like BUS."),
        ({"title": " "}, "title", "Enter the course title"),
        ({"credits_min": "3", "credits_max": "2"}, "credits_max", "at least the fewest"),
        ({"credits_max": "13"}, "credits_max", "from 1 to 12"),
    ],
)
def test_bad_courses_come_back_with_the_message(
    app: Flask, login_as: Login, changes: dict[str, str], field: str, message: str
) -> None:
    admin = login_as("admin")
    data = course_data(app, csrf_token=csrf_token(admin, "/admin/courses/new"), **changes)
    response = admin.post("/admin/courses/new", data=data)
    assert response.status_code == 422
    assert message in (field_error(response.get_data(as_text=True), field) or "")
    assert 'value="Internship in business"' in response.get_data(as_text=True) or field == "title"


def test_a_course_code_is_taken_once(app: Flask, login_as: Login) -> None:
    course(app, "BUS 3990")
    admin = login_as("admin")
    data = course_data(app, csrf_token=csrf_token(admin, "/admin/courses/new"))
    response = admin.post("/admin/courses/new", data=data)
    assert response.status_code == 422
    assert "already exists" in (field_error(response.get_data(as_text=True), "number") or "")


def test_admin_changes_a_course_and_the_change_is_audited(app: Flask, login_as: Login) -> None:
    course_id = course(app, "BUS 3990")
    admin = login_as("admin")
    url = f"/admin/courses/{course_id}/edit"
    su = str(scheme(app))
    data = course_data(app, csrf_token=csrf_token(admin, url), scheme_id=su, credits_max="4")
    assert admin.post(url, data=data).status_code == 302
    with app.app_context():
        saved = db.session.get(Course, course_id)
        assert saved is not None
        assert (saved.scheme.grades, saved.credits_max) == (("S", "U"), 4)
    changed = events(app, "course.update")[0]
    assert changed["after"] == {
        "credits_max": 4,
        "scheme_id": int(su),
        "department": "School of Business",
        "title": "Internship in business",
    }


def test_admin_offers_sections_in_a_term(app: Flask, login_as: Login, make: Factory) -> None:
    term_id = make.term("2027SP")
    course_id = course(app, "BUS 3990")
    teacher = make.user("tprof", Role.faculty, name="Tess Prof")
    admin = login_as("admin")
    url = f"/admin/terms/{term_id}/sections/new"
    data = {
        "csrf_token": csrf_token(admin, url),
        "course_id": str(course_id),
        "section": "002",
        "class_number": "40123",
        "instructor_id": str(teacher),
    }
    assert admin.post(url, data=data).status_code == 302
    page = text(admin.get(f"/admin/terms/{term_id}/sections").get_data(as_text=True))
    assert "BUS 3990 Internship in bus 002 40123 Tess Prof Letter grades A to F" in page
    assert events(app, "course_section.create")[0]["term"] == "2027SP"
    again = admin.post(url, data=data)
    assert again.status_code == 422
    again_page = again.get_data(as_text=True)
    assert "already has this section" in (field_error(again_page, "section") or "")
    assert "has this class number" in (field_error(again_page, "class_number") or "")


def test_admin_edits_a_section(app: Flask, login_as: Login, make: Factory) -> None:
    term_id = make.term("2027SP")
    course_id = course(app, "BUS 3990")
    section_id = section(app, term_id, course_id)
    admin = login_as("admin")
    url = f"/admin/sections/{section_id}/edit"
    data = {
        "csrf_token": csrf_token(admin, url),
        "course_id": str(course_id),
        "section": "001",
        "class_number": "77",
        "instructor_id": "",
    }
    assert admin.post(url, data=data).status_code == 302
    with app.app_context():
        saved = db.session.get(CourseSection, section_id)
        assert saved is not None
        assert (saved.class_number, saved.instructor_id) == ("77", None)
    assert events(app, "course_section.update")[0]["after"] == {"class_number": "77"}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/courses",
        "/admin/courses/new",
        "/admin/courses/import",
        "/admin/courses/{course}/edit",
        "/admin/terms/{term}/sections",
        "/admin/terms/{term}/sections/new",
        "/admin/sections/{section}/edit",
    ],
)
@pytest.mark.parametrize("role", ["student", "advisor", "faculty", "registrar", "admin"])
def test_only_admins_reach_the_courses_pages(
    app: Flask, login_as: Login, make: Factory, role: str, path: str
) -> None:
    term_id = make.term()
    course_id = course(app)
    ids = {"term": term_id, "course": course_id, "section": section(app, term_id, course_id)}
    browser = login_as(role)
    assert browser.get(path.format(**ids)).status_code == (200 if role == "admin" else 404)
    if path.endswith(("new", "edit", "import")):
        token = csrf_token(browser, path.format(**ids) if role == "admin" else "/")
        response = browser.post(path.format(**ids), data={"csrf_token": token})
        assert response.status_code == (422 if role == "admin" else 404)
