"""The job engine: one Huey instance whose storage each app names with ``JOBS_URL``.

``CAREERCREDIT_JOBS_URL`` unset gives a SQLite file next to the app's
instance (``instance/jobs.db``): one machine, nothing to install.
``redis://host:6379/0`` gives Redis, for workers on any number of machines.
``memory://`` keeps the queue in this process (the test suite's default,
where nothing runs unless a test runs it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import BaseStorage, MemoryStorage, RedisStorage, SqliteStorage

from careercredit.extensions import db

NAME = "careercredit"
EXTENSION = "careercredit.jobs"
#: The schemes ``JOBS_URL`` may use.
SCHEMES = ("sqlite:///", "redis://", "rediss://", "unix://", "memory://")

P = ParamSpec("P")
R = TypeVar("R")


class Engine(Huey):
    """Huey whose queue is the current app's; outside an app, the last app's (a worker's)."""

    _default: BaseStorage
    #: The app whose context a task runs in when none is pushed (``bind``).
    app: Flask | None = None

    @property
    def storage(self) -> BaseStorage:
        if not self._immediate and has_app_context():
            found = current_app.extensions.get(EXTENSION)
            if found is not None:
                return found
        return self._default

    @storage.setter
    def storage(self, value: BaseStorage) -> None:
        self._default = value


#: Results are not kept: what a job did is in the database (e.g. an export's items).
huey = Engine(NAME, results=False, storage_class=MemoryStorage)


def storage_for(url: str | None, instance_path: str) -> BaseStorage:
    """The queue ``url`` names; unset, a SQLite file ``jobs.db`` in ``instance_path``."""
    if not url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        return SqliteStorage(NAME, filename=os.path.join(instance_path, "jobs.db"))
    if url.startswith("sqlite:///"):
        return SqliteStorage(NAME, filename=url.removeprefix("sqlite:///"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Short waits on the socket: a worker whose Redis is away logs it and tries again.
        return RedisStorage(NAME, url=url, read_timeout=1)
    if url == "memory://":
        return MemoryStorage(NAME)
    raise ValueError(f"CAREERCREDIT_JOBS_URL must start with one of {', '.join(SCHEMES)}")


def init_app(app: Flask) -> None:
    """Give the app its queue; context-less callers (a worker's threads) use the last one."""
    storage = storage_for(app.config.get("JOBS_URL"), app.instance_path)
    app.extensions[EXTENSION] = storage
    huey.storage = storage


def bind(app: Flask) -> None:
    """Run tasks in ``app``'s context when none is pushed: the worker's app."""
    huey.app = app
    huey.storage = app.extensions[EXTENSION]


def queue_of(app: Flask) -> BaseStorage:
    """The app's queue."""
    storage: BaseStorage = app.extensions[EXTENSION]
    return storage


def in_app(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` in an app context: the one pushed, else the bound app's (then cleaned up)."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():
            return fn(*args, **kwargs)
        if huey.app is None:
            raise RuntimeError("No app: run jobs with `flask --app wsgi worker`.")
        with huey.app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def enqueue(task: Any, *args: Any) -> None:
    """Queue ``task(*args)``; a queue that does not answer raises (the caller decides)."""
    task(*args)
