"""Load without loss: S students log hours and V supervisors verify them for D seconds.

``run_load`` adds the students to a running campus directory, seeds a
migrated database, serves the app with gunicorn on 127.0.0.1, runs the
clients in threads until the deadline, stops gunicorn and counts the
database against every answer (``tests.load.tally``). The full-size run is
``scripts/load_hours.py``; ``tests/load/test_hours_load.py`` runs it small.
"""

from __future__ import annotations

import secrets
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from careercredit import create_app
from careercredit.demo.directory import CampusDirectory
from careercredit.extensions import db
from config import load_config
from tests.load.browser import Browser, Hit
from tests.load.clients import Client, StudentClient, SupervisorClient
from tests.load.scenario import Scenario, add_students, seed, student_uids
from tests.load.server import Served, gunicorn
from tests.load.tally import Tally, tally

#: Seconds a client may still take after the deadline (one slow answer) before it counts as hung.
GRACE = 90
#: Error-log lines worth reporting.
LOG_WORDS = ("Traceback", "Error", "ERROR", "CRITICAL", "database unavailable")


@dataclass(frozen=True)
class Size:
    """How much load: people, seconds, and the gunicorn that serves them."""

    students: int
    supervisors: int
    seconds: float
    workers: int = 2
    threads: int = 4


@dataclass
class Report:
    """Everything the run saw, and whether anything was lost."""

    size: Size
    database: str
    seconds: float
    hits: list[Hit]
    tally: Tally
    crashes: list[str] = field(default_factory=list)
    hung: int = 0
    unexpected: Counter[str] = field(default_factory=Counter)
    log_lines: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> list[Hit]:
        """Answers with a 5xx status."""
        return [h for h in self.hits if h.status >= 500]

    @property
    def no_answer(self) -> list[Hit]:
        """Requests that got no answer at all."""
        return [h for h in self.hits if h.status == 0]

    @property
    def failures(self) -> list[str]:
        """Why the run failed, in words; empty when nothing was lost or broken."""
        found = list(self.tally.problems)
        if self.server_errors:
            found.append(f"{len(self.server_errors)} answers with a 5xx status")
        if self.no_answer:
            found.append(f"{len(self.no_answer)} requests without an answer")
        if self.crashes:
            found.append(f"{len(self.crashes)} clients crashed")
        if self.hung:
            found.append(f"{self.hung} clients still waiting {GRACE} s after the deadline")
        if self.unexpected:
            found.append(f"unexpected answers: {dict(self.unexpected)}")
        if not self.tally.logged:
            found.append("no entry was logged")
        if not self.tally.verified_in_db:
            found.append("no entry was verified")
        return found

    def summary(self) -> str:
        """The report printed after a run."""
        size, t = self.size, self.tally
        worker = (
            f"gthread workers of {size.threads} threads" if size.threads > 1 else "sync workers"
        )
        answered = [h.seconds for h in self.hits if h.status]
        quantiles = statistics.quantiles(answered, n=20) if len(answered) > 1 else [0.0] * 19
        lines = [
            f"load: {size.students} students, {size.supervisors} supervisors, "
            f"{size.seconds:g} s; gunicorn {size.workers} {worker}; {self.database}",
            f"requests: {len(self.hits)} in {self.seconds:.1f} s "
            f"({len(self.hits) / self.seconds:.0f} req/s); "
            f"median {quantiles[9] * 1000:.0f} ms, 95th percentile {quantiles[18] * 1000:.0f} ms",
            "  by page and status: "
            + ", ".join(
                f"{kind} {status}: {n}"
                for (kind, status), n in sorted(
                    Counter((h.kind, h.status) for h in self.hits).items()
                )
            ),
            f"entries: {t.logged} logged, {t.refused} refused (422; "
            f"{t.refused_valid} of them valid), "
            f"{t.unknown} without an answer; lost {len(t.lost)}, "
            f"duplicated {len(t.duplicated)}, refused but stored {len(t.refused_but_stored)}",
            f"verifications: {t.verify_answers} answers; supervisors told {t.verified_told} "
            f"entries verified, database {t.verified_in_db} verified, {t.verify_events} events",
            f"5xx: {len(self.server_errors)}; no answer: {len(self.no_answer)}",
        ]
        lines += [
            f"  {h.method} {h.path} -> {h.status} {h.excerpt[:120]!r}"
            for h in self.server_errors[:5]
        ]
        lines += [f"  {h.method} {h.path}: {h.error}" for h in self.no_answer[:5]]
        if self.log_lines:
            lines.append(f"gunicorn error log ({len(self.log_lines)} lines of note):")
            lines += [f"  {line}" for line in self.log_lines[:10]]
        lines += [f"crash: {crash}" for crash in self.crashes[:3]]
        failures = self.failures
        lines.append("result: OK, nothing lost" if not failures else "result: FAILED")
        lines += [f"  {failure}" for failure in failures]
        return "\n".join(lines)


def app_settings(database_url: str, ldap: dict[str, str]) -> dict[str, str]:
    """The CAREERCREDIT_* environment of the served app (and of the seeding)."""
    return {
        "CAREERCREDIT_ENV": "development",
        "CAREERCREDIT_SECRET_KEY": secrets.token_hex(32),
        "CAREERCREDIT_DATABASE_URL": database_url,
        "CAREERCREDIT_LOGIN_RATE_LIMIT": "100000 per minute",
        "CAREERCREDIT_SUPERVISOR_LINK_RATE_LIMIT": "100000 per minute",
        "CAREERCREDIT_RATELIMIT_STORAGE_URI": "memory://",
        **ldap,
    }


def run_load(
    size: Size,
    settings: dict[str, str],
    campus: CampusDirectory,
    log_dir: Path,
    echo: Callable[[str], None] = lambda line: None,
) -> Report:
    """Seed, serve, load and count; ``settings`` name a migrated, empty database."""
    with local_app(settings) as app:
        password = secrets.token_urlsafe(12)
        uids = student_uids(size.students)
        add_students(campus, uids, password)
        scenario = seed(app, uids, size.supervisors, password)
        echo(f"seeded {len(uids)} students and {size.supervisors} supervisors; starting gunicorn")
        with gunicorn(settings, log_dir, workers=size.workers, threads=size.threads) as served:
            echo(f"gunicorn on http://{served.host}:{served.port}; load for {size.seconds:g} s")
            clients, seconds, hung = _drive(served, scenario, size.seconds)
        return Report(
            size=size,
            database=_database_version(app),
            seconds=seconds,
            hits=[hit for client in clients for hit in client.browser.hits],
            tally=tally(
                app,
                [c for c in clients if isinstance(c, StudentClient)],
                [c for c in clients if isinstance(c, SupervisorClient)],
            ),
            crashes=[c.crash for c in clients if c.crash],
            hung=hung,
            unexpected=Counter(message for c in clients for message in c.unexpected),
            log_lines=served.log_lines(*LOG_WORDS),
        )


@contextmanager
def local_app(settings: dict[str, str]) -> Iterator[Flask]:
    """The app of ``settings`` in this process (to seed and count); its connections closed after."""
    app = create_app(load_config(settings))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _drive(served: Served, scenario: Scenario, seconds: float) -> tuple[list[Client], float, int]:
    """Run every client in a thread until the deadline; return them, the time taken, hung ones."""
    clients: list[Client] = [
        StudentClient(Browser(served.host, served.port), student=s, password=scenario.password)
        for s in scenario.students
    ]
    clients += [
        SupervisorClient(Browser(served.host, served.port), links=links, seed=n)
        for n, links in enumerate(scenario.supervisors)
        if links
    ]
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=c.run, args=(deadline,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline + GRACE - time.monotonic()))
    hung = sum(thread.is_alive() for thread in threads)
    return clients, time.monotonic() - started, hung


def _database_version(app: Flask) -> str:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            version = "SQLite " + db.session.scalar(text("SELECT sqlite_version()"))
        else:
            version = "PostgreSQL " + db.session.scalar(text("SHOW server_version"))
        db.session.remove()
        return version
