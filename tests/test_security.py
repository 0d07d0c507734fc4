"""Headers and cookies that protect every page."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from config import ProductionConfig
from tests.conftest import PASSWORD, login


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_personal_pages_are_not_cached(login_as) -> None:
    assert login_as("student").get("/").headers["Cache-Control"] == "no-store"


def test_pages_use_no_inline_scripts_or_styles(login_as) -> None:
    page = login_as("student").get("/").get_data(as_text=True)
    assert "<script>" not in page
    assert "style=" not in page


def _set_cookie(response, prefix: str) -> str:
    """The ``Set-Cookie`` header of the cookie whose name starts with ``prefix``."""
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(prefix)]
    return cookie


def test_development_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    response = login(client, "alice")
    cookie = _set_cookie(response, "careercredit_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_device_cookie_is_httponly_strict_and_only_for_the_sign_in_page(
    client: FlaskClient,
) -> None:
    cookie = _set_cookie(login(client, "alice"), "careercredit_device_")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/login" in cookie
    assert "alice" not in cookie.split("=", 1)[0], "the cookie's name does not say whose it is"


def test_production_cookies_are_secure_with_hsts(make_app: Callable[..., Flask]) -> None:
    production = {k: getattr(ProductionConfig, k) for k in ("SESSION_COOKIE_SECURE", "HSTS")}
    app = make_app(**production)
    client = app.test_client()
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
    page = client.get("/login", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "username": "alice", "password": PASSWORD}
    response = client.post("/login", data=form, **https)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2  # the session and the device cookie
    assert _set_cookie(response, "careercredit_session=") in cookies
    assert _set_cookie(response, "careercredit_device_") in cookies
    assert all("; Secure" in cookie for cookie in cookies)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_fields_carry_aria_only_when_needed(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "None" not in page
    refused = login(client, "alice", "").get_data(as_text=True)
    assert 'aria-invalid="true"' in refused
    assert 'aria-describedby="password-error"' in refused
    assert '<p class="error" id="password-error">Enter your password.</p>' in refused
