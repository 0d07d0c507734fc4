"""The sign-in POST keeps the person it loaded: nothing is read again after its commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from careercredit.extensions import db
from tests.conftest import PEOPLE, csrf_token, login


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run inside the block, in order."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_returning_person_signs_in_with_four_statements(app: Flask) -> None:
    login(app.test_client(), PEOPLE["advisor"])  # the first sign-in creates the person
    client: FlaskClient = app.test_client()
    token = csrf_token(client)
    form = {"csrf_token": token, "username": PEOPLE["advisor"], "password": "correct horse"}

    with statements(app) as seen:
        response = client.post("/login", data=form)

    assert response.status_code == 302
    # The person, their roles, the audit event, the sign-in time: the cookie needs no more.
    assert seen == ["SELECT", "SELECT", "INSERT", "UPDATE"]
    assert client.get("/").status_code == 200
