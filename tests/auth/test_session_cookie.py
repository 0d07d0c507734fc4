"""The session cookie is sent only when the session changes, and idle sessions still end."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PEOPLE, login


def session_cookies(app: Flask, response: TestResponse) -> list[str]:
    """The Set-Cookie headers of ``response`` that carry the session."""
    name = app.config["SESSION_COOKIE_NAME"]
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]


def test_sign_in_sets_the_cookie(app: Flask, client: FlaskClient) -> None:
    response = login(client, PEOPLE["student"])
    assert response.status_code == 302
    assert session_cookies(app, response)


def test_pages_in_a_row_send_no_cookie(app: Flask, login_as) -> None:
    client: FlaskClient = login_as("advisor")
    client.get("/")  # the first page adds the sign-out form's CSRF secret to the session
    for path in ("/", "/plans/all", "/notices", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert session_cookies(app, response) == [], path


def test_the_last_seen_stamp_moves_once_a_minute(app: Flask, login_as) -> None:
    client: FlaskClient = login_as("student")
    client.get("/")
    with client.session_transaction() as session:
        session["seen_at"] -= 61
        stale = session["seen_at"]

    response = client.get("/")
    assert session_cookies(app, response)  # the stamp moved, so the cookie changed
    with client.session_transaction() as session:
        assert session["seen_at"] > stale
    assert session_cookies(app, client.get("/")) == []


def test_an_idle_session_still_ends(app: Flask, login_as) -> None:
    client: FlaskClient = login_as("student")
    for _ in range(3):
        assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 1

    response = client.get("/", follow_redirects=True)
    assert "Your session expired. Please sign in again." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_short_idle_time_is_stamped_more_often(make_app) -> None:
    """With two idle minutes, a page after 13 seconds moves the stamp (a tenth of it)."""
    app = make_app(SESSION_IDLE_MINUTES=2)
    client = app.test_client()
    login(client, PEOPLE["student"])
    client.get("/")
    with client.session_transaction() as session:
        session["seen_at"] -= 13
        stale = session["seen_at"]
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert session["seen_at"] > stale
