"""Guessing supervisor tokens runs into a limit; a supervisor with a good link never does."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import csrf_token
from tests.supervisors.conftest import Case, add_entries


@pytest.fixture
def app(make_app) -> Flask:
    return make_app(SUPERVISOR_LINK_RATE_LIMIT="3 per minute")


def test_refused_tokens_are_limited_per_address(case: Case) -> None:
    guesser = case.app.test_client()
    answers = [guesser.get(f"/s/guess-{n}").status_code for n in range(3)]
    assert answers == [404, 404, 404]
    blocked = guesser.get("/s/guess-4")
    assert blocked.status_code == 429
    assert "Too many" in blocked.get_data(as_text=True)
    # The budget is shared by every /s/ page, posts included.
    token = csrf_token(guesser, "/login")
    assert guesser.post("/s/guess-5/hours", data={"csrf_token": token}).status_code == 429


def test_a_good_link_opened_many_times_is_never_limited(case: Case) -> None:
    add_entries(case.app, case.placement_id, "2")
    path = case.link("hours")
    supervisor = case.app.test_client()
    assert {supervisor.get(path).status_code for _ in range(8)} == {200}
