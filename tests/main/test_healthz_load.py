"""A flood of health checks neither binds the directory once per request nor goes unanswered.

Binds are counted by the directory itself: slapd's cn=Monitor counters.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from careercredit.demo.directory import CampusDirectory
from careercredit.main import services
from tests.conftest import CAMPUS_LDIF


@pytest.fixture
def counted_campus() -> Iterator[CampusDirectory]:
    """A campus of this test's own whose binds can be counted."""
    directory = CampusDirectory(CAMPUS_LDIF, allow_unauthenticated_bind=True, monitor=True)
    directory.start()
    yield directory
    directory.stop()


def _get(app: Flask, address: str = "203.0.113.1"):
    return app.test_client().get("/healthz", environ_base={"REMOTE_ADDR": address})


def test_many_health_checks_bind_the_directory_once(
    make_app: Callable[..., Flask], counted_campus: CampusDirectory
) -> None:
    app = make_app(counted_campus)
    before = counted_campus.binds()
    for _ in range(40):
        response = _get(app)
        assert response.status_code == 200
        assert response.json == {"status": "ok", "database": "ok", "directory": "ok"}
    assert counted_campus.binds() - before == 1


def test_simultaneous_health_checks_share_one_bind(
    make_app: Callable[..., Flask], counted_campus: CampusDirectory
) -> None:
    app = make_app(counted_campus)
    before = counted_campus.binds()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: _get(app).status_code, range(24)))
    assert statuses == [200] * 24
    assert counted_campus.binds() - before == 1


def test_the_directory_is_asked_again_once_the_answer_is_old(
    make_app: Callable[..., Flask],
    counted_campus: CampusDirectory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "DIRECTORY_CHECK_SECONDS", 0.3)
    app = make_app(counted_campus)
    before = counted_campus.binds()
    assert _get(app).status_code == 200
    assert _get(app).status_code == 200
    time.sleep(0.4)
    assert _get(app).status_code == 200
    assert counted_campus.binds() - before == 2
    counted_campus.stop()
    assert _get(app).status_code == 200  # the answer is still a recent one
    time.sleep(0.4)
    response = _get(app)
    assert response.status_code == 503
    assert response.json["directory"] == "unavailable"


def test_health_checks_are_rate_limited_per_address(make_app: Callable[..., Flask]) -> None:
    app = make_app(HEALTHZ_RATE_LIMIT="5 per minute")
    for _ in range(5):
        assert _get(app).status_code == 200
    refused = _get(app)
    assert refused.status_code == 429
    assert refused.json == {"status": "too many requests"}
    assert _get(app, address="203.0.113.2").status_code == 200
