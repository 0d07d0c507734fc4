"""Who may reach the registrar's pages: every route, every role, and anonymous visitors."""

from __future__ import annotations

import pytest
from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan
from tests.access import (
    ANONYMOUS,
    CASE,
    LOGIN,
    assert_answer,
    browser_of,
    form_page_for,
    matrix_cases,
    send,
    uncovered_routes,
)
from tests.conftest import PEOPLE
from tests.registrar.conftest import Desk

ROLES = (ANONYMOUS, "student", "advisor", "faculty", "registrar", "admin")


def only(registrar: object, admin: object = 404) -> dict[str, object]:
    """Answers when only the registrar (and maybe the admin) gets in."""
    others = dict.fromkeys(("student", "advisor", "faculty"), 404)
    return {"anonymous": LOGIN, **others, "registrar": registrar, "admin": admin}


MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/registrar/", only(200)),
    ("GET", "/registrar/terms/{term}", only(200)),
    ("GET", "/registrar/terms/{term}/plans.csv", only(200)),
    ("POST", "/registrar/terms/{term}/exports", only(302)),
    ("GET", "/registrar/exports/{export}", only(200)),
    ("GET", "/registrar/exports/{export}/download", only(200)),
    ("POST", "/registrar/exports/{export}/post", only(302)),
    # No row ticked, no file: the registrar gets the page back (422), everyone else 404.
    ("POST", "/registrar/exports/{export}/reject", only(422)),
    ("POST", "/registrar/exports/{export}/report", only(422)),
    ("GET", "/registrar/plans/{posted}/amend", only(200)),
    ("POST", "/registrar/plans/{posted}/amend", only(302)),
    ("GET", "/admin/audit", only(200, admin=200)),
    ("GET", "/admin/audit.csv", only(200, admin=200)),
]


@pytest.mark.parametrize(CASE, matrix_cases(MATRIX, ROLES))
def test_access(desk: Desk, method: str, path: str, person: str, expected: object) -> None:
    plan_id = desk.signed_off()
    posted = desk.signed_off(desk.other_student("Posted Student"))
    desk.export()
    export = desk.latest_export()
    desk.post(export.id, "selected", [posted])
    desk.signed_off(desk.other_student("Another Student"))  # something left to export
    client = browser_of(desk.app, PEOPLE.get(person))
    with desk.app.app_context():
        version = db.session.get(CreditPlan, posted).version
    url = path.format(term=desk.term_id, export=export.id, posted=posted)
    data = {
        "scope": "all",
        "sis_took": "y",
        "version": str(version),
        "grade": "A",
        "credits": "1",
        "reason": "Committee decision.",
    }
    response = send(client, method, url, data, form_page=form_page_for(person))
    assert_answer(response, expected)
    if expected == 404 and method == "POST":
        assert desk.state(plan_id).value == "signed_off"


@pytest.mark.parametrize(
    "path",
    [
        "/registrar/terms/999",
        "/registrar/exports/999",
        "/registrar/exports/999/download",
        "/registrar/plans/999/amend",
    ],
)
def test_missing_objects_answer_404(desk: Desk, path: str) -> None:
    assert desk.registrar.get(path).status_code == 404


def test_every_registrar_route_is_in_the_matrix(app: Flask) -> None:
    assert uncovered_routes(app, "registrar.", MATRIX) == set()
