"""Sign-in with hostile usernames and passwords: a message, never a 500, never a wildcard match."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from careercredit.auth.services import INVALID
from careercredit.forms import NULL_MESSAGE
from tests.conftest import PASSWORD, csrf_token, login
from tests.hostile.checks import html_of, inert, not_a_server_error, refused_with_message
from tests.hostile.conftest import HOSTILE
from tests.hostile.strings import IMG, SCRIPT, hostile_text


@pytest.fixture
def visitor(app: Flask) -> FlaskClient:
    return app.test_client()


def _sign_in(client: FlaskClient, username: str, password: str):
    data = {"csrf_token": csrf_token(client), "username": username, "password": password}
    return client.post("/login", data=data)


@HOSTILE
@given(
    username=st.one_of(hostile_text(), st.just("alice")),
    password=st.one_of(hostile_text(), st.just(PASSWORD)),
)
def test_hostile_credentials_get_the_form_back_with_a_message(
    visitor: FlaskClient, username: str, password: str
) -> None:
    if (username, password) == ("alice", PASSWORD):
        return  # the one real pair
    response = _sign_in(visitor, username, password)
    not_a_server_error(response)
    refused_with_message(response)
    page = html_of(response)
    inert(page, username)
    inert(page, password)
    assert INVALID in page or 'class="error"' in page
    field = re.search(r'<input[^>]*name="password"[^>]*>', page)
    assert field
    assert 'value="' not in field.group(0).replace('value=""', "")


@pytest.mark.parametrize(
    "username",
    ["*", "al*", "*lice", "a*e", "alice)(uid=*", "*)(uid=*))(|(uid=*", "alice\x00", "(uid=alice)"],
)
def test_ldap_metacharacters_never_widen_the_search(visitor: FlaskClient, username: str) -> None:
    """With alice's real password, a wildcard or a filter fragment still signs no one in."""
    response = login(visitor, username)
    assert response.status_code == 422, response.status_code
    # A null character is refused by the form before the directory is asked.
    assert (NULL_MESSAGE if "\x00" in username else INVALID) in html_of(response)
    assert visitor.get("/plans/").status_code == 302  # still signed out


def test_failed_sign_ins_are_inert_in_the_audit_log(app: Flask, login_as) -> None:
    registrar = login_as("registrar")
    for username in (SCRIPT, IMG):
        assert login(app.test_client(), username).status_code == 422
    page = html_of(registrar.get("/admin/audit?action=auth.login_failed"))
    inert(page, SCRIPT)
    inert(page, IMG)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
