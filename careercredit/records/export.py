"""Bulk export: the official records of every student with posted credit in a term, as one ZIP.

The job is a ``RecordExport`` row; its progress lives in the database, so any
web worker can answer a poll and a CLI run shows the same numbers. Each
record is prepared in this process (it reads the database and draws a fresh
code), built and signed in a pool of worker processes (the CPU-bound part),
then stored with the job's ``done`` count in one transaction. A run killed
half-way therefore leaves only whole documents, and running the job again
issues the students still missing; the unique (export, student) constraint
makes sure nobody is issued twice.

Records are issued in the name of the registrar who created the export, and
nobody issues their own record (separation of duties, ``access.is_own_record``):
a registrar with posted credit in the term is left out of their own export,
and its page says so (``left_out``); another registrar issues that record.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import zipfile
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from datetime import UTC, datetime, timedelta
from tempfile import SpooledTemporaryFile
from typing import IO

from flask import Flask, current_app
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    CreditPlan,
    ExportStatus,
    PlanState,
    RecordDocument,
    RecordExport,
    Term,
    User,
)
from careercredit.pdf import RecordData
from careercredit.records import manifest
from careercredit.records.services import RecordError, prepare, render, store
from careercredit.records.signing import SigningSettings, signing_settings
from careercredit.refusals import Refused
from careercredit.sql import aware, rows_changed

log = logging.getLogger(__name__)

#: Called with (records issued, records to issue) when a run starts and after each record.
Progress = Callable[[int, int], None]

#: Worker processes start fresh ("spawn"): the web process has threads and
#: database connections that a forked child must not inherit.
START_METHOD = "spawn"
#: Records handed to the pool ahead of the one being stored, per process.
AHEAD_PER_PROCESS = 2
#: A running job with no new record for this long has lost its process; it may be resumed.
STALE_AFTER = timedelta(minutes=10)
#: ZIPs up to this size are built in memory, larger ones in a temporary file.
ZIP_IN_MEMORY = 32 * 1024 * 1024
#: Each file in the ZIP is a regular file, rw-r--r--, on every download.
ENTRY_MODE = 0o100644


def render_in_processes(
    datas: Iterable[RecordData], signing: SigningSettings | None, processes: int
) -> Generator[bytes, None, None]:
    """Build (and sign) each record in ``processes`` worker processes; yield the PDFs in order.

    ``datas`` is read lazily, a few records ahead of the PDF last yielded.
    With one process the records are built here, without a pool.
    """
    if processes <= 1:
        for data in datas:
            yield render(data, signing)
        return
    context = multiprocessing.get_context(START_METHOD)
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_worker)
    pending: deque[Future[bytes]] = deque()
    try:
        for data in datas:
            pending.append(pool.submit(render, data, signing))
            if len(pending) >= processes * AHEAD_PER_PROCESS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker() -> None:
    """In a worker: leave Ctrl-C to the parent, and end when the parent ends.

    The parent stops the pool on Ctrl-C and marks the job failed. A worker
    would otherwise wait for work forever once its parent is killed
    (``kill -9``, out of memory), since each worker holds the work queue open.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def terms_with_posted_credit() -> list[Term]:
    """Terms with at least one posted plan, newest first: the terms worth exporting."""
    posted = select(CreditPlan.term_id).where(CreditPlan.state == PlanState.posted)
    return list(
        db.session.scalars(
            select(Term).where(Term.id.in_(posted)).order_by(Term.starts_on.desc(), Term.id.desc())
        )
    )


def _students_with_posted_credit(term_id: int) -> Select[tuple[User]]:
    posted = select(CreditPlan.student_id).where(
        CreditPlan.term_id == term_id, CreditPlan.state == PlanState.posted
    )
    return select(User).where(User.id.in_(posted))


def _students_to_issue(term_id: int, issuer_id: int) -> Select[tuple[User]]:
    """The term's students with posted credit, the issuer left out: nobody issues their own."""
    return _students_with_posted_credit(term_id).where(User.id != issuer_id)


def pending_students(export: RecordExport) -> list[User]:
    """The students of the export with no document in it yet (its creator left out)."""
    issued = select(RecordDocument.student_id).where(RecordDocument.export_id == export.id)
    query = _students_to_issue(export.term_id, export.created_by_id).where(User.id.not_in(issued))
    return list(db.session.scalars(query.order_by(User.id)))


def left_out(export: RecordExport) -> User | None:
    """The export's creator if they have posted credit in its term: another registrar issues it."""
    query = _students_with_posted_credit(export.term_id).where(User.id == export.created_by_id)
    return db.session.scalar(query)


def left_out_text(person: User) -> str:
    """Why ``person``'s record is not in the export they started, for every registrar."""
    return (
        f"Left out: the record of {person.display_name}, who started this export. "
        "Nobody issues their own record; another registrar must issue it."
    )


def issued_count(export_id: int) -> int:
    """How many documents this export has issued."""
    query = select(func.count(RecordDocument.id)).where(RecordDocument.export_id == export_id)
    return db.session.scalar(query) or 0


def create_export(term: Term, *, by: User) -> RecordExport:
    """A new, queued export of the term's records, issued by ``by``; the caller commits."""
    if not db.session.scalar(_students_to_issue(term.id, by.id).limit(1)):
        nothing = f"No student has posted credit in {term.code}; there is nothing to export."
        if db.session.scalar(_students_with_posted_credit(term.id).limit(1)):
            nothing = (
                f"The only record with posted credit in {term.code} is your own; "
                "another registrar must issue it."
            )
        raise RecordError(problems={"term": nothing})
    export = RecordExport(term_id=term.id, created_by_id=by.id, status=ExportStatus.queued)
    db.session.add(export)
    db.session.flush()
    record_event(
        "record.export.create",
        actor=by,
        object_type="record_export",
        object_id=export.id,
        details={"term": term.code},
    )
    return export


def create_export_of(term_id: int, *, by: User) -> RecordExport:
    """``create_export`` of the term a registrar chose by id; refused if there is none."""
    term = db.session.get(Term, term_id)
    if term is None:
        raise RecordError(problems={"term": "Choose a term from the list."})
    return create_export(term, by=by)


def last_activity(export: RecordExport) -> datetime:
    """When the job last showed life: created, (re)started, or a record issued."""
    started = db.session.scalar(
        select(func.max(AuditEvent.created_at)).where(
            AuditEvent.object_type == "record_export",
            AuditEvent.object_id == str(export.id),
        )
    )
    issued = db.session.scalar(
        select(func.max(RecordDocument.issued_at)).where(RecordDocument.export_id == export.id)
    )
    moments = [aware(moment) for moment in (export.created_at, started, issued) if moment]
    return max(moments)


def resumable(export: RecordExport, *, now: datetime | None = None) -> bool:
    """Whether the job may be run again: it failed, or its process is gone (no life for a while)."""
    if export.status == ExportStatus.done:
        return False
    if export.status == ExportStatus.failed:
        return True
    return last_activity(export) < (now or clock.now()) - STALE_AFTER


def requeue(export: RecordExport, *, by: User) -> bool:
    """Queue a resumable job again so its page polls at once; False if another run took it.

    Commits. The caller then starts the run (``start_in_background``).
    """
    if not resumable(export):
        return False
    queued = rows_changed(
        update(RecordExport)
        .where(
            RecordExport.id == export.id,
            RecordExport.status == export.status,
            RecordExport.done == export.done,
        )
        .values(status=ExportStatus.queued, error=None, finished_at=None)
    )
    if queued != 1:
        db.session.rollback()
        return False
    record_event("record.export.resume", actor=by, object_type="record_export", object_id=export.id)
    db.session.commit()
    return True


def _claim(export: RecordExport, runner: User | None) -> bool:
    """Mark the job running unless another run changed it since it was read; commit."""
    resumed = export.status != ExportStatus.queued
    claimed = rows_changed(
        update(RecordExport)
        .where(
            RecordExport.id == export.id,
            RecordExport.status == export.status,
            RecordExport.done == export.done,
        )
        .values(status=ExportStatus.running, error=None, finished_at=None)
    )
    if claimed != 1:
        db.session.rollback()
        return False
    record_event(
        "record.export.run",
        actor=runner,
        object_type="record_export",
        object_id=export.id,
        details={"resumed": resumed},
    )
    db.session.commit()
    return True


def run_export(
    export_id: int,
    *,
    processes: int | None = None,
    progress: Progress | None = None,
    runner: User | None = None,
) -> RecordExport:
    """Issue the records the export still lacks, then mark it done.

    Starts a queued job or resumes a failed or stale one. On an error the job
    is marked failed with a message and the error raised again; what was
    issued stays issued. ``runner`` is who started this run (for the audit
    log); the records are issued in the name of the export's creator.
    """
    export = db.session.get(RecordExport, export_id, populate_existing=True)
    if export is None:
        raise RecordError(f"There is no export {export_id}.")
    if export.status == ExportStatus.done:
        return export
    if not _claim(export, runner):
        raise RecordError(f"Export {export_id} was started by someone else a moment ago.")
    processes = max(1, processes or current_app.config["RECORDS_EXPORT_PROCESSES"])
    try:
        _issue_pending(export, processes, progress or (lambda done, total: None))
    except _LostRace:
        log.warning("record export %s: another run issues these records; this one stops", export_id)
        db.session.rollback()
    except BaseException as exc:
        db.session.rollback()
        _mark_failed(export_id, exc)
        raise
    return export


class _LostRace(Exception):
    """Another run of the same export issued a record first."""


def _issue_pending(export: RecordExport, processes: int, progress: Progress) -> None:
    students = pending_students(export)
    export.done = issued_count(export.id)
    export.total = export.done + len(students)
    db.session.commit()
    progress(export.done, export.total)
    issuer = export.created_by
    signing = signing_settings(current_app.config)
    prepared: deque[tuple[User, RecordData]] = deque()

    def datas() -> Iterator[RecordData]:
        for student in students:
            data = prepare(student, by=issuer)
            prepared.append((student, data))
            yield data

    with closing(render_in_processes(datas(), signing, processes)) as pdfs:
        for pdf in pdfs:
            student, data = prepared.popleft()
            try:
                store(student, data, pdf, by=issuer, signed=signing is not None, export=export)
            except IntegrityError:
                raise _LostRace from None
            # The document and the count are one transaction: never one without the other.
            export.done = issued_count(export.id)
            db.session.commit()
            progress(export.done, export.total)
    export.status = ExportStatus.done
    export.finished_at = clock.now()
    db.session.commit()


def _mark_failed(export_id: int, exc: BaseException) -> None:
    export = db.session.get(RecordExport, export_id)
    if export is None:
        return
    export.status = ExportStatus.failed
    export.finished_at = clock.now()
    export.error = (
        f"Stopped after {export.done} of {export.total} records: {_reason(exc)} "
        "Resume the export to issue the rest; records already issued stay as they are."
    )
    db.session.commit()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, Refused):
        return " ".join(exc.messages)
    if isinstance(exc, KeyboardInterrupt):
        return "the run was interrupted."
    if isinstance(exc, BrokenProcessPool):
        return "a worker process ended unexpectedly (out of memory?)."
    return f"{type(exc).__name__}: {exc}".rstrip(": ") + "."


def start_in_background(export_id: int, *, runner_id: int | None = None) -> threading.Thread:
    """Run the export in a thread of this process with its own app context; return at once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=_run_in_thread,
        args=(app, export_id, runner_id),
        name=f"record-export-{export_id}",
        daemon=True,  # a run cut short by shutdown is resumed later
    )
    thread.start()
    return thread


def _run_in_thread(app: Flask, export_id: int, runner_id: int | None) -> None:
    with app.app_context():
        try:
            runner = db.session.get(User, runner_id) if runner_id else None
            run_export(export_id, runner=runner)
        except Exception:
            log.exception("record export %s failed", export_id)
        finally:
            db.session.remove()


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    """A ZIP entry stamped with ``moment`` (UTC), not the time of the download."""
    info = zipfile.ZipInfo(name, date_time=aware(moment).astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ENTRY_MODE << 16
    return info


def write_zip(export: RecordExport) -> IO[bytes]:
    """A ZIP of the export's stored documents and its manifest, rewound; the caller closes it.

    Deterministic: each PDF is stamped with its issue time and the manifest
    with the export's last issue, so the same records in the same standing
    give the same bytes, whenever they are downloaded.
    """
    documents = manifest.export_documents(export)
    lines = [manifest.line_of(document) for document in documents]
    finished = max((document.issued_at for document in documents), default=export.created_at)
    # Handed to the response, which closes it once sent.
    spool: IO[bytes] = SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)  # noqa: SIM115
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for document, line in zip(documents, lines, strict=True):
                content = db.session.scalars(
                    select(RecordDocument.content).where(RecordDocument.id == document.id)
                ).one()
                archive.writestr(_entry(line.file, document.issued_at), content)
            archive.writestr(_entry(manifest.CSV_NAME, finished), manifest.manifest_csv(lines))
            archive.writestr(
                _entry(manifest.JSON_NAME, finished), manifest.manifest_json(export, lines)
            )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
