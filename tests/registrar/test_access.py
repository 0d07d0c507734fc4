"""Who may reach the registrar's pages: every route, every role, and anonymous visitors."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan
from tests.access import LOGIN, assert_answer
from tests.conftest import PEOPLE, csrf_token, login
from tests.registrar.conftest import Desk

ROLES = ("anonymous", "student", "advisor", "faculty", "registrar", "admin")


def only(registrar: object, admin: object = 404) -> dict[str, object]:
    """Answers when only the registrar (and maybe the admin) gets in."""
    others = dict.fromkeys(("student", "advisor", "faculty"), 404)
    return {"anonymous": LOGIN, **others, "registrar": registrar, "admin": admin}


MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/registrar/", only(200)),
    ("GET", "/registrar/terms/{term}", only(200)),
    ("POST", "/registrar/terms/{term}/exports", only(302)),
    ("GET", "/registrar/exports/{export}", only(200)),
    ("GET", "/registrar/exports/{export}/download", only(200)),
    ("POST", "/registrar/exports/{export}/post", only(302)),
    ("GET", "/registrar/plans/{posted}/amend", only(200)),
    ("POST", "/registrar/plans/{posted}/amend", only(302)),
    ("GET", "/admin/audit", only(200, admin=200)),
]


def _cases():
    for method, path, expected in MATRIX:
        for role in ROLES:
            yield pytest.param(method, path, role, expected[role], id=f"{method} {path} {role}")


@pytest.mark.parametrize(("method", "path", "role", "expected"), list(_cases()))
def test_access(desk: Desk, method: str, path: str, role: str, expected: object) -> None:
    plan_id = desk.signed_off()
    posted = desk.signed_off(desk.other_student("Posted Student"))
    desk.export()
    export = desk.latest_export()
    desk.post(export.id, "selected", [posted])
    desk.signed_off(desk.other_student("Another Student"))  # something left to export
    client = desk.app.test_client()
    if role != "anonymous":
        assert login(client, PEOPLE[role]).status_code == 302
    with desk.app.app_context():
        version = db.session.get(CreditPlan, posted).version
    url = path.format(term=desk.term_id, export=export.id, posted=posted)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/login" if role == "anonymous" else "/")
        data = {
            "csrf_token": token,
            "scope": "all",
            "version": str(version),
            "grade": "A",
            "credits": "1",
            "reason": "Committee decision.",
        }
        response = client.post(url, data=data)
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
    covered = {(m, re.sub(r"\{\w+\}", "<int>", p)) for m, p, _ in MATRIX}
    routes = {
        (method, re.sub(r"<int:\w+>", "<int>", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("registrar.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - covered == set()
