"""Admins import courses from a CSV file: a preview first, then the import, audited."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, Course
from tests.conftest import csrf_token
from tests.courses.schemes import course, scheme
from tests.terms.test_pages import text

HEADER = "subject,number,title,department,credits_min,credits_max,scheme\n"
FILE = (
    HEADER
    + "BUS,3990,Internship in business,School of Business,1,3,Letter grades A to F\n"
    + "cs,3990,Computing practicum,Computer Science,1,4,Satisfactory / unsatisfactory\n"
    + "NURS,3950,Community health,Nursing,3,2,Pass / fail\n"
    + "ART,3990,Studio practicum,Art,1,3,Grades by mood\n"
)


def upload(client: FlaskClient, content: str) -> str:
    token = csrf_token(client, "/admin/courses/import")
    data = {"csrf_token": token, "file": (io.BytesIO(content.encode()), "courses.csv")}
    response = client.post("/admin/courses/import", data=data, content_type="multipart/form-data")
    return response.get_data(as_text=True)


def test_preview_then_import(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    for name in ("Letter grades A to F", "Satisfactory / unsatisfactory", "Pass / fail"):
        scheme(app, name)
    course(app, "BUS 3990")  # its title and department change
    admin = login_as("admin")
    preview = upload(admin, FILE)
    words = text(preview)
    assert "New 1" in words
    assert "Updated 1" in words
    assert "Rejected 2" in words
    assert "Most credits: The most credits must be at least the fewest credits." in words
    assert "No grading scheme is named “Grades by mood”." in words
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.subject == "CS")) is None

    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', preview)
    assert payload
    token = csrf_token(admin, "/admin/courses/import")
    done = admin.post(
        "/admin/courses/import/confirm", data={"csrf_token": token, "payload": payload.group(1)}
    )
    assert done.status_code == 302
    with app.app_context():
        courses = {c.code: c for c in db.session.scalars(select(Course))}
        assert set(courses) == {"BUS 3990", "CS 3990"}
        assert courses["CS 3990"].scheme.grades == ("S", "U")
        assert courses["BUS 3990"].title == "Internship in business"
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-3:] == ["course.update", "course.create", "course.import"]


def test_a_tampered_preview_is_refused(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    admin = login_as("admin")
    token = csrf_token(admin, "/admin/courses/import")
    done = admin.post("/admin/courses/import/confirm", data={"csrf_token": token, "payload": "x"})
    assert done.status_code == 400
    assert "could not be verified" in done.get_data(as_text=True)


def test_a_file_with_other_columns_is_refused(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    page = upload(login_as("admin"), "code,title\nBUS 3990,x\n")
    assert "The first line must name the columns subject, number" in page
