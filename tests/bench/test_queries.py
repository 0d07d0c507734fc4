"""The bench's query counter: on in the benchmark only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.conftest import login, user_id


def test_the_bench_counts_the_queries_of_each_request(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERCREDIT_BENCH_COUNT_QUERIES", "1")
    client = make_app().test_client()
    login(client, "alice")
    response = client.get("/")
    assert response.status_code == 200
    assert int(response.headers["X-Query-Count"]) >= 2  # the person and their roles at least


def test_queries_are_not_counted_outside_the_bench(app: Flask, login_as) -> None:
    response = login_as("student").get("/")
    assert "X-Query-Count" not in response.headers
    assert user_id(app, "alice")
