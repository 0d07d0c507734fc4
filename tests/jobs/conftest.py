"""The job tests: the embedded SQLite queue, and Redis when CAREERCREDIT_TEST_REDIS_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from huey.storage import RedisStorage

from careercredit.jobs.engine import NAME

#: The machine's Redis for the tests marked ``redis`` (a database of their own, flushed).
REDIS_URL = os.environ.get("CAREERCREDIT_TEST_REDIS_URL")

needs_redis = pytest.mark.skipif(
    not REDIS_URL,
    reason="Redis isn't configured: set CAREERCREDIT_TEST_REDIS_URL=redis://127.0.0.1:6379/15",
)


@pytest.fixture(scope="session")
def jobs_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This session's embedded queue: a SQLite file of its own."""
    return tmp_path_factory.mktemp("jobs") / "jobs.db"


@pytest.fixture
def sqlite_jobs_url(jobs_file: Path) -> str:
    return f"sqlite:///{jobs_file}"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test Redis database, emptied of this app's queue before and after the test."""
    assert REDIS_URL
    storage = RedisStorage(NAME, url=REDIS_URL)
    storage.flush_all()
    yield REDIS_URL
    storage.flush_all()
