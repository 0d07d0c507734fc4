"""The job engine on the machine's Redis with two `flask worker` processes.

Run when CAREERCREDIT_TEST_REDIS_URL names a Redis database (``.ci/run`` sets
it); skipped otherwise. The workers are real processes on the test's
database: one is killed (SIGKILL) half-way through an export, and one loses
its Redis for a while.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.jobs.tasks import start_export
from careercredit.models import AuditEvent, ItemState, RecordExport, RecordExportItem, Role
from tests.factories import Factory
from tests.jobs.conftest import needs_redis
from tests.jobs.running import until, worker_environment, workers
from tests.records.test_export import assert_whole_and_unique, documents, new_export

pytestmark = needs_redis

RECORDS = 200
WAIT = 100


def big_term(app: Flask, make: Factory, students: int) -> tuple[int, int]:
    """A term with ``students`` students with posted credit, and a registrar."""
    term = make.term("2026FA")
    for i in range(students):
        make.posted_plan(make.user(f"bulk{i:03d}", Role.student), term_id=term)
    return term, make.user("rlopez", Role.registrar)


def progress(app: Flask, export_id: int) -> RecordExport:
    with app.app_context():
        export = db.session.get(RecordExport, export_id)
        db.session.expunge(export)
        return export


def test_two_workers_export_200_records_and_a_killed_one_loses_nothing(
    make_app: Callable[..., Flask], redis_url: str, tmp_path: Path
) -> None:
    app = make_app(JOBS_URL=redis_url)
    make = Factory(app)
    term, registrar = big_term(app, make, RECORDS)
    export_id = new_export(app, term, registrar)
    with app.app_context():
        start_export(export_id)
    with workers(worker_environment(app, redis_url), tmp_path, 2) as (doomed, survivor):
        until(lambda: progress(app, export_id).done >= 20, WAIT, "twenty records issued")
        doomed.send_signal(signal.SIGKILL)  # mid-record, most likely: no goodbye at all
        doomed.wait()
        assert progress(app, export_id).done < RECORDS
        until(lambda: progress(app, export_id).status.value == "done", WAIT, "the export done")
        assert survivor.poll() is None
    export = progress(app, export_id)
    assert (export.done, export.total, export.error) == (RECORDS, RECORDS, None)
    docs = documents(app, export_id)
    assert len(docs) == RECORDS
    assert len({doc.student_id for doc in docs}) == RECORDS
    assert_whole_and_unique(app, docs)
    with app.app_context():
        states = db.session.scalars(select(RecordExportItem.state)).all()
        assert states == [ItemState.done] * RECORDS
        issued = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "record.issue")
        )
    assert issued == RECORDS
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    assert all("CareerCredit worker" in log for log in logs)


class Proxy:
    """A TCP relay to Redis that can be cut and restored, as a network would."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for each in (source, sink):
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self.listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone would not.
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for each in self.open:
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()
        self.open = []


@pytest.fixture
def proxy(redis_url: str) -> Iterator[Proxy]:
    relay = Proxy(("127.0.0.1", 6379))
    relay.start()
    yield relay
    relay.stop()


def test_a_worker_that_cannot_reach_redis_waits_and_resumes(
    make_app: Callable[..., Flask], redis_url: str, proxy: Proxy, tmp_path: Path
) -> None:
    app = make_app(JOBS_URL=redis_url)
    make = Factory(app)
    term, registrar = big_term(app, make, 3)
    database = redis_url.rsplit("/", 1)[1]
    through_proxy = f"redis://127.0.0.1:{proxy.port}/{database}"
    env = worker_environment(app, through_proxy)
    with workers(env, tmp_path, 1) as (worker,):
        until(lambda: "CareerCredit worker" in (tmp_path / "worker0.log").read_text(), 30, "start")
        proxy.stop()  # Redis is gone for the worker
        export_id = new_export(app, term, registrar)
        with app.app_context():
            start_export(export_id)  # queued directly in Redis, which the app still reaches
        time.sleep(4)
        assert progress(app, export_id).done == 0
        assert worker.poll() is None  # it waits, it does not die
        proxy.start()
        until(lambda: progress(app, export_id).status.value == "done", WAIT, "the export done")
    docs = documents(app, export_id)
    assert len(docs) == 3
    assert_whole_and_unique(app, docs)
    log = (tmp_path / "worker0.log").read_text()
    assert "Error reading from queue" in log  # it said why it waited
