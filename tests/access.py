"""Shared checks of the access matrices: one answer per route and person, every route listed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask

#: The expected answer "sent to sign in" (anonymous visitors).
LOGIN = "login"


def assert_answer(response, expected: object) -> None:
    """Check a response against a matrix entry: an HTTP status, or LOGIN."""
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        return
    assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    if expected == 302:
        assert not response.headers["Location"].startswith("/login")


def uncovered_routes(app: Flask, endpoint_prefix: str, matrix: Iterable[tuple]) -> set:
    """The (method, path) pairs of ``endpoint_prefix`` routes that the matrix leaves out."""
    covered = {(row[0], re.sub(r"\{\w+\}", "<>", row[1])) for row in matrix}
    routes = {
        (method, re.sub(r"<[^>]+>", "<>", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(endpoint_prefix)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    return routes - covered
