"""The sign-in POST keeps the person it loaded: nothing is read again after its commit."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PEOPLE, csrf_token, login
from tests.statements import statements


def test_a_returning_person_signs_in_with_four_statements(app: Flask) -> None:
    login(app.test_client(), PEOPLE["advisor"])  # the first sign-in creates the person
    client: FlaskClient = app.test_client()
    token = csrf_token(client)
    form = {"csrf_token": token, "username": PEOPLE["advisor"], "password": "correct horse"}

    with statements(app) as seen:
        response = client.post("/login", data=form)

    kinds = [statement.split(None, 1)[0].upper() for statement in seen]
    assert response.status_code == 302
    # The person, their roles, the audit event, the sign-in time: the cookie needs no more.
    assert kinds == ["SELECT", "SELECT", "INSERT", "UPDATE"]
    assert client.get("/").status_code == 200
