"""Records per second of a bulk export through the job engine (two `flask worker`
processes) against a process pool of two (concurrent.futures, as the export ran before
the job engine), on the same machine and the same database; and their ratio.

Run from the repository root: .venv/bin/python scripts/bench_jobs.py [N]

Both issue the same N students' records (unsigned, as ``make bench-pdf`` times them)
into a fresh SQLite database, each in an export of its own: the pool prepares each record
here, builds it in the pool and stores it here; the engine's workers claim, build and
store each record themselves. The first records of each (process start-up) are not
timed. ``render_in_processes`` is also what scripts/bench_pdf.py times.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from careercredit import create_app  # noqa: E402
from careercredit.extensions import db  # noqa: E402
from careercredit.jobs.tasks import start_export  # noqa: E402
from careercredit.models import JobWorker, RecordExport, Role, Term, User  # noqa: E402
from careercredit.pdf import RecordData  # noqa: E402
from careercredit.records import export as jobs  # noqa: E402
from careercredit.records.services import prepare, render, store  # noqa: E402
from careercredit.records.signing import SigningSettings  # noqa: E402
from tests.factories import Factory  # noqa: E402

PROCESSES = 2
#: Records handed to the pool ahead of the one being stored, per process.
AHEAD_PER_PROCESS = 2
#: Records issued before the clock starts (start-up of the processes).
WARM_UP = 8


def render_in_processes(
    datas: Iterable[RecordData], signing: SigningSettings | None, processes: int
) -> Generator[bytes, None, None]:
    """Build (and sign) each record in a pool of ``processes``; yield the PDFs in order.

    The bulk export's pool before the job engine (spawned processes, a few records ahead).
    """
    context = multiprocessing.get_context("spawn")
    pending: deque[Future[bytes]] = deque()
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        for data in datas:
            pending.append(pool.submit(render, data, signing))
            if len(pending) >= processes * AHEAD_PER_PROCESS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERCREDIT_")}
    env.update(
        CAREERCREDIT_ENV="testing",
        CAREERCREDIT_SECRET_KEY="bench jobs secret key",  # noqa: S106
        CAREERCREDIT_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        CAREERCREDIT_JOBS_URL=f"sqlite:///{folder / 'jobs.db'}",
        CAREERCREDIT_JOBS_HEARTBEAT_SECONDS="2",
    )
    return env


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        folder = Path(tmp)
        env = _environment(folder)
        os.environ.update(env)
        app = create_app()
        with app.app_context():
            upgrade()
        make = Factory(app)
        term = make.term("2026FA")
        for i in range(n):
            make.posted_plan(make.user(f"bench{i:04d}", Role.student), term_id=term)
        first, second = make.user("reg1", Role.registrar), make.user("reg2", Role.registrar)
        print(f"{n} students with posted credit; {PROCESSES} processes each way, unsigned")
        with app.app_context():
            pool_rate = _pool(term, first)
            engine_rate = _engine(env, term, second)
    print(f"process pool:  {pool_rate:7.1f} records per second (prepare and store here)")
    print(f"job engine:    {engine_rate:7.1f} records per second (2 x flask worker, SQLite queue)")
    print(f"ratio:         {engine_rate / pool_rate:7.2f}x (engine / pool)")


def _new_export(term_id: int, registrar_id: int) -> RecordExport:
    term, registrar = db.session.get(Term, term_id), db.session.get(User, registrar_id)
    assert term is not None
    assert registrar is not None
    export = jobs.create_export(term, by=registrar)
    db.session.commit()
    return export


def _pool(term_id: int, registrar_id: int) -> float:
    export = _new_export(term_id, registrar_id)
    students = jobs.pending_students(export)
    prepared: deque[tuple[User, RecordData]] = deque()

    def datas() -> Generator[RecordData, None, None]:
        for student in students:
            data = prepare(student, by=export.created_by)
            prepared.append((student, data))
            yield data

    start = 0.0
    with closing(render_in_processes(datas(), None, PROCESSES)) as pdfs:
        for done, pdf in enumerate(pdfs, 1):
            student, data = prepared.popleft()
            store(student, data, pdf, by=export.created_by, signed=False, export=export)
            db.session.commit()
            if done == WARM_UP:
                start = time.perf_counter()
    return (len(students) - WARM_UP) / (time.perf_counter() - start)


def _engine(env: dict[str, str], term_id: int, registrar_id: int) -> float:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(PROCESSES)
    ]
    try:
        while (db.session.scalar(db.select(db.func.count(JobWorker.name))) or 0) < PROCESSES:
            db.session.rollback()
            time.sleep(0.2)
        export_id = _new_export(term_id, registrar_id).id
        start_export(export_id)
        start, at = 0.0, 0
        while True:
            db.session.rollback()
            row = db.session.get(RecordExport, export_id, populate_existing=True)
            assert row is not None
            if not start and row.done >= WARM_UP:
                start, at = time.perf_counter(), row.done
            if row.status.value in ("done", "failed"):
                break
            time.sleep(0.05)
        return (row.done - at) / (time.perf_counter() - start)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            worker.wait(30)


if __name__ == "__main__":
    main()
