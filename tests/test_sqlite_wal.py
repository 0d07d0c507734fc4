"""SQLite in WAL mode: processes sharing one database file see each other's commits.

Each process here is a real one (a subprocess with the app's own engine and
its pooled connections), as gunicorn's workers and ``flask`` commands are.
SQLite runs whatever database the suite was given: these tests make a file of
their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

import config
from careercredit import create_app
from careercredit.extensions import db

ROOT = Path(__file__).resolve().parent.parent

#: A process that answers commands on stdin, one JSON line each, through the app's engine.
WORKER = """
import json, sys
from sqlalchemy import text
from careercredit import create_app
from careercredit.extensions import db

app = create_app()
with app.app_context():
    conn = db.engine.connect()
    for line in sys.stdin:
        command, _, value = line.strip().partition(" ")
        if command == "write":
            with conn.begin():
                conn.execute(text("INSERT INTO note (body) VALUES (:v)"), {"v": value})
            answer = "ok"
        elif command == "begin":
            transaction = conn.begin()
            conn.execute(text("INSERT INTO note (body) VALUES (:v)"), {"v": value})
            answer = "ok"
        elif command == "commit":
            transaction.commit()
            answer = "ok"
        elif command == "read":
            with conn.begin():
                answer = [r[0] for r in conn.execute(text("SELECT body FROM note ORDER BY id"))]
        elif command == "modes":
            with conn.begin():
                answer = [
                    conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                    conn.exec_driver_sql("PRAGMA synchronous").scalar(),
                ]
        print(json.dumps(answer), flush=True)
"""


class Process:
    """One app process holding one connection to the database."""

    def __init__(self, database: Path) -> None:
        environ = {
            **os.environ,
            "CAREERCREDIT_ENV": "testing",
            "CAREERCREDIT_SECRET_KEY": "test secret key",
            "CAREERCREDIT_DATABASE_URL": f"sqlite:///{database}",
        }
        self.popen = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=environ,
        )

    def ask(self, command: str) -> object:
        """Send ``command`` and return the process's answer."""
        assert self.popen.stdin
        assert self.popen.stdout
        self.popen.stdin.write(command + "\n")
        self.popen.stdin.flush()
        line = self.popen.stdout.readline()
        assert line, f"the process ended at {command!r}"
        return json.loads(line)

    def stop(self) -> int:
        """End the process (its input ends) and return its exit status."""
        with self.popen:
            assert self.popen.stdin
            self.popen.stdin.close()
            try:
                return self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                raise


def app_on(url: str) -> Flask:
    """The app on the SQLite database at ``url``."""
    settings = config.TestingConfig(environ={})
    settings.SECRET_KEY = "test secret key"
    settings.SQLALCHEMY_DATABASE_URI = url
    return create_app(settings)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[tuple[Process, Process]]:
    """Two app processes on one new database file with a table ``note``."""
    path = tmp_path / "shared.db"
    app = app_on(f"sqlite:///{path}")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
        db.engine.dispose()
    first = Process(path)
    second = Process(path)
    yield first, second
    assert (first.stop(), second.stop()) == (0, 0)


def test_processes_see_each_others_commits(processes: tuple[Process, Process]) -> None:
    first, second = processes
    assert first.ask("modes") == ["wal", 1]  # write-ahead log, synchronous=NORMAL
    assert first.ask("read") == second.ask("read") == []

    assert first.ask("write from-first") == "ok"
    assert second.ask("read") == ["from-first"]
    assert second.ask("write from-second") == "ok"
    assert first.ask("read") == ["from-first", "from-second"]

    # A reader does not wait for a writer's open transaction, and sees only its commit.
    assert first.ask("begin pending") == "ok"
    assert second.ask("read") == ["from-first", "from-second"]
    assert first.ask("commit") == "ok"
    assert second.ask("read") == ["from-first", "from-second", "pending"]


def test_an_in_memory_database_keeps_its_own_journal() -> None:
    app = app_on("sqlite://")
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
