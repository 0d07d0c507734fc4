"""Signing in against the real test campus directory."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, PEOPLE, csrf_token, login

INVALID = "Invalid username or password."


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", sorted(PEOPLE))
def test_each_role_signs_in_and_sees_its_dashboard(client: FlaskClient, role: str) -> None:
    response = login(client, PEOPLE[role])
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    dashboard = _page(client.get("/"))
    assert "Welcome," in dashboard
    assert f'id="home-{role}"' in dashboard  # the part of the home page for that role


def test_person_in_two_role_groups_gets_both_roles(app: Flask, client: FlaskClient) -> None:
    login(client, "mwong")
    dashboard = _page(client.get("/"))
    assert "Welcome, Mei Wong" in dashboard
    assert 'id="home-advisor"' in dashboard
    assert 'id="home-faculty"' in dashboard
    assert 'id="home-student"' not in dashboard
    with app.app_context():
        user = db.session.scalar(select(User).where(User.uid == "mwong"))
        assert user.roles == {Role.advisor, Role.faculty}


def test_wrong_password_is_refused_and_keeps_the_username(app: Flask, client: FlaskClient) -> None:
    response = login(client, "alice", "wrong horse")
    page = _page(response)
    assert response.status_code == 422
    assert INVALID in page
    assert 'value="alice"' in page
    assert "wrong horse" not in page
    assert "Welcome" not in _page(client.get("/", follow_redirects=True))
    with app.app_context():
        failure = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
        )
        assert failure.details == {"username": "alice", "reason": "credentials"}
        assert failure.client_addr == "127.0.0.1"


def test_unknown_user_looks_like_a_wrong_password(client: FlaskClient) -> None:
    unknown = login(client, "nobody-here", "wrong horse")
    wrong = login(client, "alice", "wrong horse")
    assert unknown.status_code == wrong.status_code == 422
    assert INVALID in _page(unknown)
    assert INVALID in _page(wrong)


def test_empty_password_is_refused_by_the_form(client: FlaskClient) -> None:
    response = login(client, "alice", "")
    assert response.status_code == 422
    assert "Enter your password." in _page(response)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "username", ["*", "alice*", "admin)(|(uid=*", "alice)(uid=*", "*)(uid=*))(|(uid=*"]
)
def test_filter_injection_usernames_are_refused(client: FlaskClient, username: str) -> None:
    response = login(client, username)
    assert response.status_code == 422
    assert INVALID in _page(response)
    assert client.get("/").status_code == 302


def test_two_entries_with_one_uid_are_refused(client: FlaskClient) -> None:
    response = login(client, "twin")
    assert response.status_code == 422
    assert INVALID in _page(response)


def test_mixed_case_and_padded_usernames_land_on_one_user(app: Flask) -> None:
    for typed in ("alice", "  ALICE ", "Alice"):
        client = app.test_client()
        assert login(client, typed).status_code == 302
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        assert [(u.uid, len(u.directory_id)) for u in users] == [("alice", 36)]


@pytest.mark.parametrize(
    ("username", "name"), [("jnunez", "José Ñúñez"), ("zodegard", "Zoë Ødegård")]
)
def test_non_ascii_names_are_stored_and_shown(
    app: Flask, client: FlaskClient, username: str, name: str
) -> None:
    login(client, username)
    assert f"Welcome, {name}" in _page(client.get("/"))
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(User.uid == username)) == name


def test_person_without_a_mapped_group_is_refused(app: Flask, client: FlaskClient) -> None:
    response = login(client, "lib")
    assert response.status_code == 403
    assert "no CareerCredit role" in _page(response)
    assert client.get("/").status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions == ["auth.login_failed"]


def test_successful_sign_in_is_audited(app: Flask, client: FlaskClient) -> None:
    login(client, "mwong")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login"))
        assert event.details == {"roles": ["advisor", "faculty"]}
        assert event.actor_id is not None
        assert event.object_type == "user"


def test_missing_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "alice", "password": "correct horse"})
    assert response.status_code == 400
    assert "Form expired" in _page(response)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/?tab=roles", "/?tab=roles"),
    ],
)
def test_next_only_redirects_within_the_site(
    client: FlaskClient, next_url: str, landing: str
) -> None:
    response = login(client, "alice", next_url=next_url)
    assert response.headers["Location"] == landing


def test_login_page_carries_next_from_the_address(client: FlaskClient) -> None:
    response = client.get("/", follow_redirects=True)
    assert "Please sign in to continue." in _page(response)
    assert 'name="next" type="hidden" value="/"' in _page(response)


def test_signed_in_person_visiting_login_goes_to_dashboard(login_as) -> None:
    assert login_as("student").get("/login").headers["Location"] == "/"


def test_sign_out_needs_post_with_token(login_as) -> None:
    client = login_as("student")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    token = csrf_token(client, "/")
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "You are signed out." in _page(response)
    assert client.get("/").status_code == 302


def test_passwords_never_reach_the_log(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    for username, password in (("alice", "wrong horse"), ("alice", PASSWORD), ("twin", PASSWORD)):
        login(app.test_client(), username, password)
    assert caplog.records, "the sign-ins logged nothing, so the check proves nothing"
    assert "horse" not in caplog.text


def test_student_number_comes_from_the_directory(app: Flask, client: FlaskClient) -> None:
    login(client, "jnunez")
    with app.app_context():
        number = db.session.scalar(select(User.student_number).where(User.uid == "jnunez"))
    assert number == "900000002"
