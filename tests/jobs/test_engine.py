"""The engine's backends, and an export run by a real `flask worker` on the embedded queue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import func, select

import config as settings_module
from careercredit.extensions import db
from careercredit.jobs.engine import queue_of, storage_for
from careercredit.models import ItemState, JobWorker, RecordExportItem, Role
from config import ConfigError
from tests.conftest import PEOPLE, login
from tests.factories import Factory
from tests.jobs.running import until, worker_environment, workers
from tests.plans.conftest import post_form
from tests.records.test_export import (
    TERM,
    assert_whole_and_unique,
    cohort,
    documents,
)

WAIT = 90


def test_unset_the_queue_is_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    storage = storage_for(None, str(tmp_path / "instance"))
    assert isinstance(storage, SqliteStorage)
    assert storage.filename == str(tmp_path / "instance" / "jobs.db")
    assert (tmp_path / "instance" / "jobs.db").is_file()


def test_a_redis_url_gives_redis_and_memory_a_queue_in_the_process(tmp_path: Path) -> None:
    assert isinstance(storage_for("redis://127.0.0.1:6379/0", str(tmp_path)), RedisStorage)
    assert isinstance(storage_for("memory://", str(tmp_path)), MemoryStorage)
    sqlite = storage_for(f"sqlite:///{tmp_path / 'q.db'}", str(tmp_path))
    assert isinstance(sqlite, SqliteStorage)
    assert sqlite.filename == str(tmp_path / "q.db")


@pytest.mark.parametrize("env", ["testing", "production"])
def test_an_unknown_queue_is_refused_at_start(env: str) -> None:
    settings = settings_module.load_config(
        {"CAREERCREDIT_ENV": env, "CAREERCREDIT_JOBS_URL": "amqp://broker/"}
    )
    with pytest.raises(ConfigError, match="CAREERCREDIT_JOBS_URL"):
        settings.check_jobs_url()


def test_tests_queue_in_memory_unless_told_otherwise(app: Flask) -> None:
    assert isinstance(queue_of(app), MemoryStorage)


def signed_in(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, PEOPLE[role]).status_code == 302
    return client


def test_a_worker_process_runs_the_export_started_on_the_page(
    make_app: Callable[..., Flask], sqlite_jobs_url: str, tmp_path: Path
) -> None:
    app = make_app(JOBS_URL=sqlite_jobs_url)
    make = Factory(app)
    people = cohort(app, make)
    registrar = signed_in(app, "registrar")
    response = post_form(registrar, "/records/exports/", "/records/exports/", term=people["term"])
    show = response.headers["Location"]
    export_id = int(show.rsplit("/", 1)[1])
    # Queued in the SQLite file: nothing ran in the web request.
    assert queue_of(app).queue_size() == 1
    assert registrar.get(f"{show}/progress").get_json()["status"] == "queued"

    admin = signed_in(app, "admin")
    home = admin.get("/").get_data(as_text=True)
    assert "Background work: 0 workers seen, 1 job queued" in home
    assert "no worker is running" in home

    env = worker_environment(app, sqlite_jobs_url)
    with workers(env, tmp_path, 1) as (proc,):

        def finished() -> dict | None:
            seen = registrar.get(f"{show}/progress").get_json()
            return seen if seen["status"] == "done" else None

        seen = until(finished, WAIT, "the worker to finish the export")
        assert (seen["done"], seen["total"]) == (3, 3)
        home = admin.get("/").get_data(as_text=True)
        assert "Background work: 1 worker seen, 0 jobs queued, 0 records waiting, 0 failed" in home
        assert proc.poll() is None
    assert proc.returncode is not None
    log = (tmp_path / "worker0.log").read_text()
    assert "CareerCredit worker" in log
    docs = documents(app, export_id)
    assert sorted(doc.student_id for doc in docs) == sorted(people["students"])
    assert_whole_and_unique(app, docs)
    with app.app_context():
        assert db.session.scalar(select(func.count(JobWorker.name))) == 0  # left on a clean stop
        states = db.session.scalars(select(RecordExportItem.state)).all()
        assert states == [ItemState.done] * 3
    with registrar.get(f"{show}/download") as download:
        name = f"official-records-{TERM}-{export_id}.zip"
        assert name in download.headers["Content-Disposition"]


def test_the_worker_command_explains_itself(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["worker", "--help"])
    assert result.exit_code == 0
    assert "--workers" in result.output
    assert "bulk exports, e-mail, reminders, digests, time-stamps" in result.output


def test_a_registrar_with_no_queue_still_gets_an_answer(make_app: Callable[..., Flask]) -> None:
    # A Redis that does not answer (nothing listens on port 1): the export waits, no 500.
    app = make_app(JOBS_URL="redis://127.0.0.1:1/0")
    make = Factory(app)
    people = cohort(app, make)
    registrar = signed_in(app, "registrar")
    response = post_form(registrar, "/records/exports/", "/records/exports/", term=people["term"])
    assert response.status_code == 302
    page = registrar.get(response.headers["Location"]).get_data(as_text=True)
    assert "the job queue does not answer" in page
    admin = signed_in(app, "admin").get("/").get_data(as_text=True)
    assert "queue unavailable" in admin
    assert "The job queue does not answer" in admin
    assert make.user("spare", Role.student)  # the database is unharmed
