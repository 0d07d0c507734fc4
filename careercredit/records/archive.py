"""Document time-stamps that keep issued records verifiable for decades (PAdES B-LTA).

A record's signature is trusted as long as its certificate is; a document
time-stamp proves the signed file, with the revocation data embedded at
signing, existed unchanged while that certificate was valid. The proof lasts
as long as the time-stamp's own certificate, so before it expires another
document time-stamp goes on top, with the revocation data of the last one
(ETSI EN 319 142-1's archival chain). ``flask records archive-timestamps``
runs this from cron: it is idempotent and does only the records that need it.

Issued records never change: each re-time-stamped file is a new
``RecordDocumentVersion``; downloads serve the newest, verification accepts
every one. A record signed before a time-stamping authority was configured
(B-B) gets its revocation data and its first document time-stamp the same way.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.validation import add_validation_info
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import RecordDocument, RecordDocumentVersion
from careercredit.records.signing import (
    NETWORK_FAILURES,
    SigningSettings,
    SigningUnavailable,
    last_stamp_expiry,
    timestamper,
    validation_context,
)
from careercredit.refusals import Refused, unit_of_work
from careercredit.sql import aware

log = logging.getLogger(__name__)

#: Renew a record's last time-stamp this long before its certificate expires, by default.
DEFAULT_DAYS = 365
REASON = "Document time-stamp renewed for long-term validation"
FIRST_REASON = "Revocation data and a first document time-stamp added for long-term validation"
NOT_ANSWERED = (
    "The time-stamping service or a certificate status service did not answer, so "
    "this record was left as it was; the next run tries again. If it keeps failing, "
    "ask IT to check CAREERCREDIT_SIGNING_TSA_URL."
)


class ArchiveError(Refused):
    """Time-stamps cannot be renewed as things are; the message says what to do."""


def add_document_time_stamp(pdf: bytes, settings: SigningSettings) -> bytes:
    """``pdf`` with the revocation data of its last time-stamp and a new document time-stamp.

    A file without a document time-stamp first gets the revocation data of its
    signature. ``SigningUnavailable`` when a service does not answer.
    """
    assert settings.tsa is not None
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        if not reader.embedded_timestamp_signatures:
            signature = reader.embedded_regular_signatures[0]
            pdf = add_validation_info(signature, validation_context(settings)).getvalue()
            reader = PdfFileReader(io.BytesIO(pdf))
        stamper = PdfTimeStamper(timestamper(settings.tsa))
        output = stamper.update_archival_timestamp_chain(
            reader, validation_context(settings), in_place=False
        )
    except NETWORK_FAILURES as exc:
        log.warning("Renewing a document time-stamp failed; nothing was changed", exc_info=True)
        raise SigningUnavailable(NOT_ANSWERED) from exc
    data: bytes = output.getvalue()
    return data


@dataclass(frozen=True)
class Current:
    """The newest version of an issued record: its number and its last time-stamp's expiry."""

    document: RecordDocument
    number: int
    stamp_expires_at: datetime | None


def latest_content(document: RecordDocument) -> bytes:
    """The bytes a download serves: the newest version of ``document``."""
    content = db.session.scalar(
        select(RecordDocumentVersion.content)
        .where(RecordDocumentVersion.document_id == document.id)
        .order_by(RecordDocumentVersion.number.desc())
        .limit(1)
    )
    return content if content is not None else document.content


def latest_versions() -> Iterator[Current]:
    """The newest version of every signed, unrevoked record, oldest record first."""
    newest = (
        select(
            RecordDocumentVersion.document_id,
            func.max(RecordDocumentVersion.number).label("number"),
        )
        .group_by(RecordDocumentVersion.document_id)
        .subquery()
    )
    rows = db.session.execute(
        select(RecordDocument.id, newest.c.number, RecordDocumentVersion.stamp_expires_at)
        .outerjoin(newest, newest.c.document_id == RecordDocument.id)
        .outerjoin(
            RecordDocumentVersion,
            (RecordDocumentVersion.document_id == RecordDocument.id)
            & (RecordDocumentVersion.number == newest.c.number),
        )
        .where(RecordDocument.signed.is_(True), RecordDocument.revoked_at.is_(None))
        .order_by(RecordDocument.id)
    ).all()
    for document_id, number, expires in rows:
        document = db.session.get(RecordDocument, document_id)
        assert document is not None
        if number is None:
            expires = document.stamp_expires_at
        yield Current(document, number or 1, aware(expires) if expires else None)


def due(current: Current, horizon: datetime) -> bool:
    """Whether ``current`` has no document time-stamp or its last one expires by ``horizon``."""
    return current.stamp_expires_at is None or current.stamp_expires_at <= horizon


def store_version(current: Current, pdf: bytes) -> RecordDocumentVersion:
    """Keep ``pdf`` as the next version of the record; the caller commits."""
    version = RecordDocumentVersion(
        document_id=current.document.id,
        number=current.number + 1,
        content=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size_bytes=len(pdf),
        created_at=clock.now(),
        reason=REASON if current.stamp_expires_at is not None else FIRST_REASON,
        stamp_expires_at=last_stamp_expiry(pdf),
    )
    db.session.add(version)
    db.session.flush()
    record_event(
        "record.timestamp",
        object_type="record_document",
        object_id=current.document.id,
        details={
            "code": current.document.code,
            "version": version.number,
            "sha256": version.sha256,
        },
    )
    return version


def renew(current: Current, settings: SigningSettings) -> RecordDocumentVersion:
    """Time-stamp the newest version of a record again and store the result as a new version.

    Refused when the new time-stamp would expire no later than the last one:
    the authority's certificate must be renewed first, and so it is for every
    record alike.
    """
    pdf = add_document_time_stamp(latest_content(current.document), settings)
    expires = last_stamp_expiry(pdf)
    if current.stamp_expires_at is not None and (
        expires is None or expires <= current.stamp_expires_at
    ):
        raise ArchiveError(
            f"The time-stamping authority's certificate expires on {clock.datetime_text(expires)}, "
            f"no later than the last time-stamp on {current.document.code}: a new time-stamp "
            "would not keep records valid any longer. Nothing was changed; ask the authority "
            "for its renewed certificate, or configure another one."
            if expires is not None
            else "The time-stamping authority added no time-stamp; nothing was changed."
        )
    return store_version(current, pdf)


@dataclass
class Outcome:
    """What a run did: records checked and versions made."""

    checked: int = 0
    renewed: int = 0


def archive_time_stamps(
    settings: SigningSettings,
    *,
    days: int = DEFAULT_DAYS,
    progress: Callable[[RecordDocumentVersion], None] | None = None,
) -> Outcome:
    """Renew the document time-stamp of every record whose last one expires within ``days``.

    Records without a document time-stamp get their first. Each new version
    is committed on its own, so a run stopped half-way keeps what it did and
    the next run goes on from there; two runs at once store each version once.
    """
    if settings.tsa is None:
        raise ArchiveError(
            "No time-stamping authority is configured: set CAREERCREDIT_SIGNING_TSA_URL."
        )
    horizon = clock.now() + timedelta(days=days)
    outcome = Outcome()
    for current in latest_versions():
        outcome.checked += 1
        if not due(current, horizon):
            continue
        try:
            with unit_of_work():
                version = renew(current, settings)
        except IntegrityError:
            continue  # a run started meanwhile stored this version first: it is done
        outcome.renewed += 1
        if progress is not None:
            progress(version)
    return outcome
