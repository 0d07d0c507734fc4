"""Sessions: rotation at sign-in, lifetimes, role re-checks and rate limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from careercredit.demo.directory import SUFFIX, CampusDirectory
from careercredit.extensions import db
from careercredit.models import User
from tests.conftest import csrf_token, login

TOO_MANY = "Too many sign-in attempts. Please wait a minute and try again."


def test_session_is_new_after_sign_in(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, "alice")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_idle_session_expires(app: Flask, login_as) -> None:
    client = login_as("student")
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session["seen_at"] -= idle + 1
    response = client.get("/", follow_redirects=True)
    assert "Your session expired. Please sign in again." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_session_has_an_absolute_lifetime(app: Flask, login_as) -> None:
    client = login_as("student")
    with client.session_transaction() as session:
        session["login_at"] = int(time.time()) - app.config["SESSION_MAX_HOURS"] * 3600 - 1
    assert client.get("/").status_code == 302


def test_signing_out_ends_a_copied_session_cookie_too(app: Flask, login_as) -> None:
    laptop = login_as("student")
    cookie = laptop.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    assert thief.get("/").status_code == 200

    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/")})
    response = thief.get("/", follow_redirects=True)
    assert "You signed out, so this session has ended." in response.get_data(as_text=True)
    assert thief.get("/").status_code == 302
    # Signing in again starts a session that works.
    assert login_as("student").get("/").status_code == 200


def test_removal_from_group_takes_effect_at_the_next_recheck(
    make_app: Callable[..., Flask], private_campus: CampusDirectory
) -> None:
    app = make_app(private_campus, ROLE_RECHECK_SECONDS=600)
    client = app.test_client()
    login(client, "alice")
    private_campus.ldapmodify(
        f"dn: cn=students,ou=groups,{SUFFIX}\nchangetype: modify\n"
        f"delete: member\nmember: uid=alice,ou=people,{SUFFIX}\n"
    )
    assert client.get("/").status_code == 200  # not re-checked yet
    _age_role_check(app, "alice", seconds=601)
    response = client.get("/", follow_redirects=True)
    assert "Your CareerCredit access has been removed" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert login(app.test_client(), "alice").status_code == 403


def test_recheck_with_directory_down_is_a_503_not_a_sign_out(
    make_app: Callable[..., Flask], private_campus: CampusDirectory
) -> None:
    app = make_app(private_campus)
    client = app.test_client()
    login(client, "alice")
    private_campus.stop()
    assert client.get("/").status_code == 200  # roles were checked at sign-in
    _age_role_check(app, "alice", seconds=app.config["ROLE_RECHECK_SECONDS"] + 1)
    response = client.get("/")
    assert response.status_code == 503
    assert "campus directory is unavailable" in response.get_data(as_text=True)


def test_rate_limit_per_client_address(make_app: Callable[..., Flask]) -> None:
    client = make_app(LOGIN_RATE_LIMIT="3 per minute").test_client()
    for name in ("a1", "a2", "a3"):
        assert login(client, name, "x").status_code == 422
    response = login(client, "alice")
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    assert 'value="alice"' in response.get_data(as_text=True)


def test_rate_limit_per_username(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    for n in range(3):
        client = app.test_client()
        addr = {"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        assert login(client, "Alice ", "x", environ_base=addr).status_code == 422
    response = login(app.test_client(), "alice", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert response.status_code == 429


def _age_role_check(app: Flask, uid: str, seconds: int) -> None:
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.uid == uid)
            .values(roles_checked_at=datetime.now(UTC) - timedelta(seconds=seconds))
        )
        db.session.commit()
        assert db.session.scalar(select(User.roles_checked_at).where(User.uid == uid))
