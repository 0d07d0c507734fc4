"""``flask worker``: Huey's consumer with the app, a heartbeat, and the sweep.

Each worker process writes its ``job_worker`` row every
``JOBS_HEARTBEAT_SECONDS`` and then sweeps: the records claimed by a worker
not seen for ``JOBS_WORKER_LOST_SECONDS`` (killed, out of memory, its
machine gone) go back to the queue. A worker that cannot reach its queue
(Redis away) logs it, waits and carries on when the queue answers.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey.consumer import WORKER_PROCESS, WORKER_THREAD
from sqlalchemy import delete

from careercredit import clock
from careercredit.extensions import db
from careercredit.jobs import tasks
from careercredit.jobs.engine import bind, huey
from careercredit.models import JobWorker

log = logging.getLogger(__name__)

_started: dict[int, threading.Event] = {}
_lock = threading.Lock()


def worker_name() -> str:
    """This process: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(app: Flask) -> None:
    """Say this process is alive (its ``job_worker`` row), then sweep. Commits."""
    with app.app_context():
        try:
            name = worker_name()
            now = clock.now()
            row = db.session.get(JobWorker, name)
            if row is None:
                db.session.add(JobWorker(name=name, started_at=now, seen_at=now))
            else:
                row.seen_at = now
            db.session.commit()
            tasks.sweep()
        except Exception:
            # The database or the queue is away for a moment: the next beat tries again.
            db.session.rollback()
            log.exception("worker heartbeat failed; trying again")
        finally:
            db.session.remove()


def start_heartbeat(app: Flask) -> threading.Event:
    """Beat now and every ``JOBS_HEARTBEAT_SECONDS`` in a thread; once per process."""
    with _lock:
        pid = os.getpid()
        if pid in _started:
            return _started[pid]
        stop = _started[pid] = threading.Event()
    interval = app.config["JOBS_HEARTBEAT_SECONDS"]

    def run() -> None:
        while True:
            beat(app)
            if stop.wait(interval):
                return

    beat(app)  # seen before the first record is claimed
    threading.Thread(target=run, name="careercredit-heartbeat", daemon=True).start()
    return stop


def stop_heartbeat(app: Flask) -> None:
    """Stop beating and leave the workers' table (a clean stop)."""
    stop = _started.pop(os.getpid(), None)
    if stop is None:
        return
    stop.set()
    with app.app_context():
        db.session.execute(delete(JobWorker).where(JobWorker.name == worker_name()))
        db.session.commit()
        db.session.remove()


@click.command("worker")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Jobs run at once: threads for 1, processes for more (building PDFs is CPU-bound).",
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also queue the scheduled jobs (outbox, reminders, digests, time-stamps).",
)
@with_appcontext
def worker_command(workers: int, periodic: bool) -> None:
    """Run background jobs: bulk exports, e-mail, reminders, digests, time-stamps.

    Start one on each machine that should do the work (systemd, or `make run`
    beside the demo). Ctrl-C or SIGINT finishes the jobs in hand, then stops;
    a worker killed outright loses nothing: its records are queued again.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    bind(app)
    kind = WORKER_PROCESS if workers > 1 else WORKER_THREAD
    # Connections opened so far belong to this process; forked workers open their own.
    db.engine.dispose()

    huey.storage.close()  # a SQLite queue's connection: each worker opens its own

    @huey.on_startup()
    def _open() -> None:
        if kind == WORKER_PROCESS:
            db.engine.dispose(close=False)
            huey.storage.close()
        start_heartbeat(app)

    @huey.on_shutdown()
    def _close() -> None:
        stop_heartbeat(app)

    consumer = huey.create_consumer(
        workers=workers, worker_type=kind, periodic=periodic, max_delay=2.0
    )
    click.echo(f"CareerCredit worker {worker_name()}: {workers} {kind}(s); Ctrl-C stops")
    consumer.run()
