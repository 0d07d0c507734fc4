"""Bulk export: the official records of every student with posted credit in a term, as one ZIP.

The export is a ``RecordExport`` row and each student's record in it a
``RecordExportItem``: a unit of work for the job engine (``careercredit.jobs``).
``plan`` lists the items; a worker ``claim``s one (an atomic update from
waiting to claimed, naming the worker), builds and signs the record, and
stores the document with the item marked done in one transaction; ``settle``
then counts the export's progress. A record that fails is tried again
(``MAX_ATTEMPTS`` in all), then shows its error until a registrar retries it.
A worker killed half-way leaves only whole documents; the items it held are
put back by ``requeue_lost`` once its heartbeat stops. The unique (export,
student) constraint makes sure nobody is issued twice.

Records are issued in the name of the registrar who created the export, and
nobody issues their own record (separation of duties, ``access.is_own_record``):
a registrar with posted credit in the term is left out of their own export,
and its page says so (``left_out``); another registrar issues that record.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from tempfile import SpooledTemporaryFile
from typing import IO, NamedTuple

from flask import current_app
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    ExportStatus,
    ItemState,
    JobWorker,
    PlanState,
    RecordDocument,
    RecordExport,
    RecordExportItem,
    Term,
    User,
)
from careercredit.records import manifest
from careercredit.records.services import RecordError, prepare, render, store
from careercredit.records.signing import signing_settings
from careercredit.refusals import Refused
from careercredit.sql import aware, rows_changed

log = logging.getLogger(__name__)

#: Called with (records issued, records to issue) when a run starts and after each record.
Progress = Callable[[int, int], None]

#: Runs of one record that may end in an error before it shows as failed.
MAX_ATTEMPTS = 3
#: ZIPs up to this size are built in memory, larger ones in a temporary file.
ZIP_IN_MEMORY = 32 * 1024 * 1024
#: Each file in the ZIP is a regular file, rw-r--r--, on every download.
ENTRY_MODE = 0o100644


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


def plan(export_id: int, *, runner: User | None = None) -> list[int]:
    """Give the export an item per student still to issue and mark it running; commit.

    Returns the ids of its waiting items, for the engine to queue. Safe to
    run again (a retry, a lost message): it adds only the items missing.
    """
    export = db.session.get(RecordExport, export_id, populate_existing=True)
    if export is None:
        raise RecordError(f"There is no export {export_id}.")
    if export.status == ExportStatus.done:
        return []
    listed = select(RecordExportItem.student_id).where(RecordExportItem.export_id == export_id)
    issued = select(RecordDocument.student_id).where(RecordDocument.export_id == export_id)
    missing = _students_to_issue(export.term_id, export.created_by_id).where(
        User.id.not_in(listed), User.id.not_in(issued)
    )
    for student_id in db.session.scalars(missing.with_only_columns(User.id).order_by(User.id)):
        db.session.add(RecordExportItem(export_id=export_id, student_id=student_id))
    # Records issued before items existed (an export older than the job engine) count as done.
    for student_id in db.session.scalars(issued.where(RecordDocument.student_id.not_in(listed))):
        db.session.add(
            RecordExportItem(export_id=export_id, student_id=student_id, state=ItemState.done)
        )
    db.session.flush()
    resumed = export.status != ExportStatus.queued or export.total > 0
    export.status = ExportStatus.running
    export.error = None
    export.finished_at = None
    record_event(
        "record.export.run",
        actor=runner,
        object_type="record_export",
        object_id=export.id,
        details={"resumed": resumed},
    )
    if not _count(export)[ItemState.waiting] and not export.total:
        export.status = ExportStatus.done  # nobody left to issue for (plans unposted since)
        export.finished_at = clock.now()
    db.session.commit()
    settle(export_id)
    return list(
        db.session.scalars(
            select(RecordExportItem.id)
            .where(
                RecordExportItem.export_id == export_id,
                RecordExportItem.state == ItemState.waiting,
            )
            .order_by(RecordExportItem.id)
        )
    )


def claim(item_id: int, worker: str) -> bool:
    """Take a waiting item for ``worker``; False if another worker has it or it is finished."""
    claimed = rows_changed(
        update(RecordExportItem)
        .where(RecordExportItem.id == item_id, RecordExportItem.state == ItemState.waiting)
        .values(state=ItemState.claimed, claimed_by=worker, claimed_at=clock.now())
    )
    db.session.commit()
    return claimed == 1


def issue_item(item_id: int, worker: str) -> ItemState | None:
    """Claim the item and issue its record; its state afterwards, or None if not claimed.

    The document and the item's ``done`` are one transaction: a worker killed
    before it commits leaves the item claimed (put back by ``requeue_lost``),
    never a document without its item or an item without its document. An
    error puts the item back to waiting (the caller retries it later) until
    ``MAX_ATTEMPTS``, then marks it failed with the reason.
    """
    if not claim(item_id, worker):
        return None
    item = db.session.get(RecordExportItem, item_id, populate_existing=True)
    assert item is not None  # claimed a moment ago; items are never deleted
    export_id = item.export_id
    try:
        _issue(item)
        item.state = ItemState.done
    except IntegrityError:
        # Another run stored this student's record in this export first: it is issued.
        db.session.rollback()
        item.state = ItemState.done
    except Exception as exc:
        db.session.rollback()
        log.warning("record export %s: record of user %s failed", export_id, item.student_id)
        item.attempts += 1
        item.error = _reason(exc)
        item.state = ItemState.waiting if item.attempts < MAX_ATTEMPTS else ItemState.failed
    item.claimed_by = None
    db.session.commit()
    settle(export_id)
    return item.state


def _issue(item: RecordExportItem) -> None:
    export = db.session.get(RecordExport, item.export_id)
    student = db.session.get(User, item.student_id)
    assert export is not None
    assert student is not None
    already = select(RecordDocument.id).where(
        RecordDocument.export_id == export.id, RecordDocument.student_id == student.id
    )
    if db.session.scalar(already) is not None:
        return
    signing = signing_settings(current_app.config)
    data = prepare(student, by=export.created_by)
    pdf = render(data, signing)
    store(student, data, pdf, by=export.created_by, signed=signing is not None, export=export)


def _count(export: RecordExport) -> dict[ItemState, int]:
    rows = db.session.execute(
        select(RecordExportItem.state, func.count(RecordExportItem.id))
        .where(RecordExportItem.export_id == export.id)
        .group_by(RecordExportItem.state)
    ).all()
    counts: dict[ItemState, int] = {state: count for state, count in rows}
    states = {state: counts.get(state, 0) for state in ItemState}
    export.total = sum(states.values())
    export.done = states[ItemState.done]
    return states


def settle(export_id: int) -> RecordExport | None:
    """Count the export's progress; once no item waits or runs, mark it done or failed. Commits.

    Run after each item's own commit, so the last worker to finish sees every item finished.
    """
    export = db.session.get(RecordExport, export_id, populate_existing=True)
    if export is None or export.status in (ExportStatus.queued, ExportStatus.done):
        return export
    states = _count(export)
    if export.total == 0:
        # Not listed yet: an export older than the job engine, planned by the sweep.
        db.session.commit()
        return export
    if not states[ItemState.waiting] and not states[ItemState.claimed]:
        failed = states[ItemState.failed]
        export.status = ExportStatus.failed if failed else ExportStatus.done
        export.finished_at = clock.now()
        export.error = (
            f"{failed} of {export.total} records could not be issued; each shows its error "
            "below. Retry them once the cause is fixed; records issued stay as they are."
            if failed
            else None
        )
    db.session.commit()
    return export


class FailedRecord(NamedTuple):
    student: User
    error: str
    attempts: int


def failed_records(export: RecordExport) -> list[FailedRecord]:
    """The export's records that failed for good, with their last error."""
    rows = db.session.execute(
        select(User, RecordExportItem.error, RecordExportItem.attempts)
        .join(RecordExportItem, RecordExportItem.student_id == User.id)
        .where(RecordExportItem.export_id == export.id, RecordExportItem.state == ItemState.failed)
        .order_by(User.display_name, User.id)
    ).all()
    return [FailedRecord(user, error or "", attempts) for user, error, attempts in rows]


def retryable(export: RecordExport) -> bool:
    """Whether a registrar may retry the export: it stopped with records not issued."""
    return export.status == ExportStatus.failed


def retry(export: RecordExport, *, by: User) -> bool:
    """Put the export's failed records back in the queue; False if it has none. Commits.

    The caller then queues ``plan`` for it, which queues every waiting record.
    """
    if not retryable(export):
        return False
    queued = rows_changed(
        update(RecordExport)
        .where(RecordExport.id == export.id, RecordExport.status == ExportStatus.failed)
        .values(status=ExportStatus.queued, error=None, finished_at=None)
    )
    if queued != 1:
        db.session.rollback()
        return False
    db.session.execute(
        update(RecordExportItem)
        .where(RecordExportItem.export_id == export.id, RecordExportItem.state == ItemState.failed)
        .values(state=ItemState.waiting, attempts=0, error=None)
    )
    record_event("record.export.resume", actor=by, object_type="record_export", object_id=export.id)
    db.session.commit()
    return True


class Lost(NamedTuple):
    """Work whose message is gone, put back for the engine to queue again."""

    items: list[int]
    exports: list[int]


def requeue_lost(lost_after: timedelta, *, queue_empty: bool) -> Lost:
    """Put back the items of workers not seen for ``lost_after``; list the work to queue again.

    An item claimed by such a worker goes back to waiting. While the queue is
    empty, items left waiting that long and exports still queued that long
    have lost their message (a worker killed between taking it and claiming
    the item) and are listed too, with exports still running that have no
    items (started before the job engine, by the web process's thread).
    Each item is taken by one sweep only (an atomic update), however many
    workers sweep at once. Commits.
    """
    now = clock.now()
    cutoff = now - lost_after
    alive = select(JobWorker.name).where(JobWorker.seen_at >= cutoff)
    dead = db.session.scalars(
        select(RecordExportItem.id).where(
            RecordExportItem.state == ItemState.claimed,
            RecordExportItem.claimed_at < cutoff,
            RecordExportItem.claimed_by.not_in(alive),
        )
    ).all()
    items = []
    for item_id in dead:
        if rows_changed(
            update(RecordExportItem)
            .where(RecordExportItem.id == item_id, RecordExportItem.state == ItemState.claimed)
            .values(state=ItemState.waiting, claimed_by=None, claimed_at=None)
        ):
            items.append(item_id)
    exports: list[int] = []
    if queue_empty:
        for item_id in db.session.scalars(
            select(RecordExportItem.id).where(
                RecordExportItem.state == ItemState.waiting, RecordExportItem.updated_at < cutoff
            )
        ).all():
            if item_id not in items and rows_changed(
                update(RecordExportItem)
                .where(RecordExportItem.id == item_id, RecordExportItem.updated_at < cutoff)
                .values(updated_at=now)
            ):
                items.append(item_id)
        listed = select(RecordExportItem.export_id).distinct()
        exports = list(
            db.session.scalars(
                select(RecordExport.id).where(
                    RecordExport.created_at < cutoff,
                    (RecordExport.status == ExportStatus.queued)
                    | (
                        (RecordExport.status == ExportStatus.running)
                        & RecordExport.id.not_in(listed)
                    ),
                )
            )
        )
    db.session.commit()
    if items:
        log.warning("record exports: %d record(s) of stopped workers queued again", len(items))
    return Lost(items, exports)


def run_export(
    export_id: int, *, progress: Progress | None = None, runner: User | None = None
) -> RecordExport:
    """Issue the export's records here, in this process, as a worker would; then settle it.

    For the command line and tests: the same claims as the workers', so a
    worker running beside it never issues a record twice. A failing record
    is tried ``MAX_ATTEMPTS`` times; the export then ends failed, its error
    saying how many records failed.
    """
    report = progress or (lambda done, total: None)
    worker = f"cli:{export_id}:{id(report)}"
    item_ids = plan(export_id, runner=runner)
    export = _reload(export_id)
    report(export.done, export.total)
    for item_id in item_ids:
        while issue_item(item_id, worker) == ItemState.waiting:
            pass
        export = _reload(export_id)
        report(export.done, export.total)
    settled = settle(export_id)
    assert settled is not None
    return settled


def _reload(export_id: int) -> RecordExport:
    export = db.session.get(RecordExport, export_id, populate_existing=True)
    assert export is not None
    return export


def _reason(exc: BaseException) -> str:
    if isinstance(exc, Refused):
        return " ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}".rstrip(": ") + "."


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
