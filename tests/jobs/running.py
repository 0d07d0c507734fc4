"""Running the job engine's queue in a test: in this process, or in `flask worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from careercredit.jobs.engine import huey

ROOT = Path(__file__).resolve().parent.parent.parent


def drain(app: Flask) -> int:
    """Run every message in the app's queue here, as a worker would; how many ran."""
    ran = 0
    with app.app_context():
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            ran += 1
    return ran


def worker_environment(app: Flask, jobs_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `flask worker` on the test app's database and ``jobs_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERCREDIT_")}
    env.update(
        CAREERCREDIT_ENV="testing",
        CAREERCREDIT_SECRET_KEY="test secret key",
        CAREERCREDIT_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        CAREERCREDIT_JOBS_URL=jobs_url,
        CAREERCREDIT_JOBS_HEARTBEAT_SECONDS="1",
        CAREERCREDIT_JOBS_WORKER_LOST_SECONDS="4",
        PYTHONUNBUFFERED="1",
    )
    for key in ("SIGNING_CERT", "SIGNING_KEY"):
        if app.config.get(key):
            env[f"CAREERCREDIT_{key}"] = str(app.config[key])
    env.update(extra)
    return env


def start_worker(env: Mapping[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """A `flask --app wsgi worker` process writing to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args],
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@contextmanager
def workers(
    env: Mapping[str, str], tmp: Path, count: int
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` worker processes, stopped (SIGINT, then SIGKILL) at the end."""
    procs = [start_worker(env, tmp / f"worker{i}.log") for i in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def until(check: Callable[[], object], seconds: float, what: str) -> object:
    """Wait until ``check()`` is true; fail with ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting: {what}")
