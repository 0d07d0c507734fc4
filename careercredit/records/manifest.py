"""The manifest of a bulk export's ZIP: one line per record, and which ones no longer stand.

Each line names the PDF in the ZIP, the student number, the verification
code, the SHA-256 the registry stored at issue and when it was issued (ISO
8601, UTC). The manifest is built when the ZIP is downloaded, from the
documents as they stand then: a record revoked after the export (or
superseded by a reissued one, a revocation whose reason reads "superseded by
CC-…") carries its status, when, and why, in the next download. Nothing in it
depends on the moment of the download, so the same records give the same
bytes.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.utils import secure_filename

from careercredit.extensions import db
from careercredit.models import RecordDocument, RecordExport
from careercredit.registrar.csvexport import ENCODING, write_table
from careercredit.sql import aware

CSV_NAME = "manifest.csv"
JSON_NAME = "manifest.json"
#: A revocation that replaced the record with a reissued one names the new record's code.
SUPERSEDED = re.compile(r"^\s*superseded by\s+(CC-[0-9A-Z-]+)", re.IGNORECASE)


class Standing(enum.StrEnum):
    """Whether a record of the export still stands."""

    valid = "valid"
    revoked = "revoked"
    #: Revoked because a current record was issued in its place.
    superseded = "superseded"


@dataclass(frozen=True)
class ManifestLine:
    """One record of the export, in manifest column order."""

    file: str
    student_number: str
    code: str
    sha256: str
    issued_at: str
    status: Standing
    revoked_at: str = ""
    superseded_by: str = ""
    revoke_reason: str = ""

    @property
    def flagged(self) -> bool:
        """Revoked or superseded since the export."""
        return self.status != Standing.valid


COLUMNS = tuple(f.name for f in fields(ManifestLine))


def iso_utc(moment: datetime) -> str:
    """``2026-10-12T14:03:07Z``: the moment in UTC, to the second."""
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zip_entry_name(document: RecordDocument) -> str:
    """``<student number or uid>-<code>.pdf``: sorts by student, names the record."""
    student = document.student
    return secure_filename(f"{student.student_number or student.uid}-{document.code}.pdf")


def standing(document: RecordDocument) -> tuple[Standing, str]:
    """The record's standing and, when superseded, the code of the record that replaced it."""
    if document.revoked_at is None:
        return Standing.valid, ""
    superseded = SUPERSEDED.match(document.revoke_reason or "")
    if superseded:
        return Standing.superseded, superseded.group(1).upper()
    return Standing.revoked, ""


def line_of(document: RecordDocument) -> ManifestLine:
    """The manifest line of one document as it stands now."""
    status, superseded_by = standing(document)
    revoked = document.revoked_at is not None
    return ManifestLine(
        file=zip_entry_name(document),
        student_number=document.student.student_number or "",
        code=document.code,
        sha256=document.sha256,
        issued_at=iso_utc(document.issued_at),
        status=status,
        revoked_at=iso_utc(document.revoked_at) if document.revoked_at else "",
        superseded_by=superseded_by,
        revoke_reason=(document.revoke_reason or "") if revoked else "",
    )


def export_documents(export: RecordExport) -> list[RecordDocument]:
    """The export's documents (without their bytes) with their students, in issue order."""
    return list(
        db.session.scalars(
            select(RecordDocument)
            .where(RecordDocument.export_id == export.id)
            .options(joinedload(RecordDocument.student))
            .order_by(RecordDocument.id)
        )
    )


class Flagged(NamedTuple):
    """A record of the export that no longer stands, and its manifest line."""

    document: RecordDocument
    line: ManifestLine


def flagged(export: RecordExport) -> list[Flagged]:
    """The export's records revoked or superseded since it issued them: its page lists them."""
    revoked = (
        select(RecordDocument)
        .where(RecordDocument.export_id == export.id, RecordDocument.revoked_at.is_not(None))
        .options(joinedload(RecordDocument.student))
        .order_by(RecordDocument.id)
    )
    return [Flagged(document, line_of(document)) for document in db.session.scalars(revoked)]


def manifest_csv(lines: list[ManifestLine]) -> bytes:
    """The CSV manifest: UTF-8 with a byte-order mark, CRLF, no cell run as a formula."""
    rows = ([getattr(line, column) for column in COLUMNS] for line in lines)
    return write_table(COLUMNS, rows).encode(ENCODING)


def manifest_json(export: RecordExport, lines: list[ManifestLine]) -> bytes:
    """The JSON manifest: the export, its counts and one object per record, keys sorted."""
    document = {
        "export": export.id,
        "term": export.term.code,
        "records": len(lines),
        "flagged": sum(line.flagged for line in lines),
        "files": [asdict(line) for line in lines],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")
