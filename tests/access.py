"""The access matrices' shared parts: cases, sign-in, requests, answers and coverage.

A blueprint's ``test_access.py`` writes only what is its own: ``MATRIX`` (one
row per route: method, path with ``{placeholders}``, the answer per person),
who the people are, and the objects the paths point at. ``matrix_cases``
turns the rows into one pytest case per route and person, ``browser_of``
signs the person in, ``send`` makes the request with a valid form token, and
``assert_answer`` checks the answer; ``uncovered_routes`` keeps a new route
from slipping past its blueprint's matrix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token, login

#: The expected answer "sent to sign in" (anonymous visitors).
LOGIN = "login"
#: The person who is not signed in.
ANONYMOUS = "anonymous"

#: One row of a matrix: method, path with ``{placeholders}``, the answer per person.
Row = tuple[str, str, Mapping[str, object]]

#: The parameter names of ``matrix_cases``' cases, for ``pytest.mark.parametrize``.
CASE = ("method", "path", "person", "expected")


def matrix_cases(matrix: Iterable[Row], people: Iterable[str]) -> list[ParameterSet]:
    """One case per route and person: ``(method, path, person, expected)``, named after them."""
    everyone = tuple(people)
    return [
        pytest.param(method, path, person, expected[person], id=f"{method} {path} {person}")
        for method, path, expected in matrix
        for person in everyone
    ]


def browser_of(app: Flask, uid: str | None) -> FlaskClient:
    """A browser signed in as ``uid`` through the real directory; ``None`` stays anonymous."""
    client = app.test_client()
    if uid is not None:
        assert login(client, uid).status_code == 302
    return client


def send(
    client: FlaskClient,
    method: str,
    url: str,
    data: Mapping[str, Any] | None = None,
    *,
    form_page: str = "/",
) -> TestResponse:
    """GET ``url``, or POST ``data`` to it with a valid form token read from ``form_page``.

    A signed-in person's token comes from any page (the sign-out form); an
    anonymous visitor's from the sign-in page: pass ``form_page="/login"``.
    """
    if method == "GET":
        return client.get(url)
    token = csrf_token(client, form_page)
    return client.post(url, data={**(data or {}), "csrf_token": token})


def form_page_for(person: str) -> str:
    """The page whose form token ``person`` can read: the sign-in page for anonymous visitors."""
    return "/login" if person == ANONYMOUS else "/"


def assert_answer(response: TestResponse, expected: object) -> None:
    """Check a response against a matrix entry: an HTTP status, or LOGIN."""
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        return
    assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    if expected == 302:
        assert not response.headers["Location"].startswith("/login")


def uncovered_routes(app: Flask, endpoint_prefix: str, matrix: Iterable[Row]) -> set:
    """The (method, path) pairs of ``endpoint_prefix`` routes that the matrix leaves out."""
    covered = {(row[0], re.sub(r"\{\w+\}", "<>", row[1])) for row in matrix}
    routes = {
        (method, re.sub(r"<[^>]+>", "<>", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(endpoint_prefix)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    return routes - covered
