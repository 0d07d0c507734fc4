"""Verifying an issued record: find it by its code, read a visitor's file, log the disclosure.

A visitor learns only whether the code belongs to a valid record and, if it
does, the four facts printed on it that identify it. Every answer about a
known code is a ``Disclosure`` (FERPA §99.32); functions here add to the
session and the view commits once.
"""

from __future__ import annotations

from datetime import date
from typing import IO, cast

from flask import has_request_context, request
from sqlalchemy import Table, bindparam, insert, select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import Disclosure, RecordDocument
from careercredit.records.services import (
    CODE_ALPHABET,
    CODE_GROUPS,
    issuing_institution,
    normalise_code,
)
from careercredit.refusals import Refused
from careercredit.verify.validation import Verdict

#: Who receives what the page shows: anyone holding the code.
RECIPIENT = "visitor of the verification page"
PURPOSE = "record verification"
#: What a valid record's page shows, and a revoked one's.
SHOWN_VALID = (
    "record valid; student name, issue date, issuing institution, terms with courses, "
    "grades and credits, total credits"
)
SHOWN_REVOKED = "record revoked; revocation date"
SHOWN_SUPERSEDED = "record superseded; revocation date, code of the current record"
SHOWN_OUT_OF_DATE = (
    "record out of date; student name, issue date, issuing institution, date of the change"
)

#: Larger than any record we issue: a bigger upload is refused before it is read.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
#: Bytes read at a time while hashing an upload.
CHUNK = 64 * 1024
#: A PDF file starts with this marker within its first kilobyte.
PDF_MARKER = b"%PDF-"
PDF_MARKER_WITHIN = 1024

NO_FILE = "Choose the PDF file of the record you received."
EMPTY_FILE = "This file is empty. Choose the PDF file of the record you received."
TOO_LARGE = (
    "This file is larger than any record we issue, so it cannot be the one we issued. "
    "Choose the PDF of the record exactly as you received it."
)
NOT_PDF = (
    "This is not a PDF file. Choose the PDF of the record exactly as you received it; "
    "a scan, a photo or a printout cannot be checked."
)


class UploadProblem(Refused):
    """The uploaded file cannot be checked; the message says what to do."""


def canonical_code(text: str) -> str | None:
    """``text`` as a stored code (``CC-XXXX-XXXX-XXXX-XXXX``), or None if it cannot be one.

    Case, spaces, dashes, a missing ``CC`` and the letters misread as digits
    (O, I, L) do not matter.
    """
    letters = normalise_code(text).replace("-", "")
    if len(letters) == 2 + 4 * CODE_GROUPS and letters.startswith("CC"):
        letters = letters[2:]
    if len(letters) != 4 * CODE_GROUPS or any(c not in CODE_ALPHABET for c in letters):
        return None
    return "CC-" + "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def find_document(code: str) -> RecordDocument | None:
    """The issued record with ``code`` (revoked or not), or None; its bytes are not loaded."""
    canonical = canonical_code(code)
    if canonical is None:
        return None
    return db.session.scalar(_BY_CODE, {"code": canonical})


#: The record issued under a code (bound as ``code``), built once.
_BY_CODE = select(RecordDocument).where(RecordDocument.code == bindparam("code"))


def issue_date(document: RecordDocument) -> date:
    """The day the record was issued, as printed on it (the institution's date)."""
    return clock.local(document.issued_at).date()


def revocation_date(document: RecordDocument) -> date | None:
    """The day the record was revoked (the institution's date), or None."""
    if document.revoked_at is None:
        return None
    return clock.local(document.revoked_at).date()


def institution_name(document: RecordDocument) -> str:
    """The institution that issued ``document``, as printed on it (older records: as configured)."""
    return issuing_institution(document).name


def read_upload(stream: IO[bytes]) -> bytes:
    """The bytes of a PDF upload, read in chunks; ``UploadProblem`` if it is no PDF.

    The request's size limit already stopped anything much larger than a record.
    """
    head = stream.read(CHUNK)
    if not head:
        raise UploadProblem(EMPTY_FILE)
    if PDF_MARKER not in head[: PDF_MARKER_WITHIN + len(PDF_MARKER)]:
        raise UploadProblem(NOT_PDF)
    data = bytearray(head)
    while chunk := stream.read(CHUNK):
        data += chunk
        if len(data) > UPLOAD_MAX_BYTES:
            raise UploadProblem(TOO_LARGE)
    return bytes(data)


def record_verification(
    document: RecordDocument, *, checked: Verdict | None = None, out_of_date: bool = False
) -> None:
    """Log that a visitor was just shown ``document``'s status (and what their file is)."""
    if document.revoked:
        disclosed = SHOWN_SUPERSEDED if document.superseded_by_id else SHOWN_REVOKED
    else:
        disclosed = SHOWN_OUT_OF_DATE if out_of_date else SHOWN_VALID
    if checked is not None:
        disclosed += f"; file check: {checked.value}"
    # A row written, never read back in this request: no object for the session to track.
    db.session.execute(
        _DISCLOSE,
        {
            "student_id": document.student_id,
            "document_id": document.id,
            "recipient": RECIPIENT,
            "purpose": PURPOSE,
            "disclosed": disclosed,
            "client_addr": request.remote_addr if has_request_context() else None,
        },
    )


#: The insert of a verification's disclosure, built once.
_DISCLOSE = insert(cast(Table, Disclosure.__table__))
