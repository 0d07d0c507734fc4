"""What a file someone holds is, compared with the record we issued: one verdict, in plain words.

A record is issued as certified PAdES PDF (``records/signing.py``) and kept
byte for byte, with the SHA-256 of every version the registry produced
(``records.services.digests_of``). A file is judged in this order:

1. its SHA-256 is one of those versions': the issued file;
2. a version of ours is a prefix of it (a PDF is changed by appending an
   incremental update, which leaves the signed bytes alone): the issued
   file with content added after certification — unless all that was
   appended is document time-stamps (pyHanko's ``LTA_UPDATES``), which keep
   the signature checkable and change nothing a reader sees;
3. a signature that no longer matches its bytes, or another signature over
   bytes we signed: a broken signature;
4. no signature at all: an unofficial copy, or one whose signature was stripped;
5. an intact signature over a record we issued under another code: another record;
6. an intact signature over anything else: not signed by us.

The page and ``flask records validate`` both ask ``verdict``, so they say
the same thing. Nothing here trusts the file: pyHanko reads it with its
limits for untrusted input, and a file it cannot read is judged by what
can still be seen of it.
"""

from __future__ import annotations

import enum
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from careercredit.models import RecordDocument
from careercredit.records.services import digests_of, document_with_digest

#: Signatures looked at in one file: a record has one, and one per re-time-stamping.
MAX_SIGNATURES = 16
SIGNATURE = "/Sig"
DOC_TIMESTAMP = "/DocTimeStamp"
#: What every signed PDF carries, readable even when the file is damaged.
BYTE_RANGE = b"/ByteRange"


class Verdict(enum.StrEnum):
    """What a file is, compared with the record issued under a code (as logged)."""

    issued = "the issued file"
    added_after = "the issued file with content added after certification"
    broken = "a broken signature"
    unsigned = "no signature"
    other_record = "another record"
    not_ours = "not signed by us"


@dataclass(frozen=True)
class Finding:
    """A verdict on a file, said in words for the person who holds it."""

    verdict: Verdict
    headline: str
    explanation: str
    #: For the issued file: it was re-time-stamped since (time-stamps only were appended).
    timestamped: bool = False

    @property
    def is_issued(self) -> bool:
        return self.verdict == Verdict.issued


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class _Signature:
    """A signature found in the file, with where the file was when it was made."""

    embedded: Any  # pyhanko.sign.validation.pdf_embedded.EmbeddedPdfSignature
    kind: str
    #: The signed bytes: ``[0, before)`` and ``[after, end)``; the signature sits between.
    before: int
    after: int
    #: The length of the file as signed: a signature covers everything before it.
    end: int


def _signatures(data: bytes) -> list[_Signature]:
    """The file's signatures and document time-stamps, oldest first; raises if unreadable."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    found = []
    for embedded in reader.embedded_signatures[:MAX_SIGNATURES]:
        _, before, after, rest = (int(n) for n in embedded.byte_range)
        kind = str(embedded.sig_object_type)
        found.append(_Signature(embedded, kind, before, after, after + rest))
    return sorted(found, key=lambda signature: signature.end)


def _read(data: bytes) -> list[_Signature] | None:
    """The file's signatures, or None when pyHanko cannot read the file at all."""
    try:
        return _signatures(data)
    # A damaged or hostile file can fail anywhere in the parser, in any way:
    # whatever it raises, the file could not be read.
    except Exception:
        return None


def _context() -> ValidationContext:
    """Trust the certificates we sign with; nothing is fetched from the network.

    Whether a file is ours is decided by the registry's digests, not by
    trust; trusting our own chain only spares the log a warning per check.
    """
    config = current_app.config
    roots = []
    for path in (*(config.get("SIGNING_CHAIN") or ()), config.get("SIGNING_CERT")):
        if path:
            try:
                roots.append(load_cert_from_pemder(path))  # type: ignore[no-untyped-call]
            except (OSError, ValueError):  # a certificate moved away: trust is not our verdict
                continue
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def _sound(signature: _Signature, *, diff: bool = False) -> Any:
    """pyHanko's status of one signature or time-stamp (None if it cannot be checked)."""
    try:
        if signature.kind == DOC_TIMESTAMP:
            return validate_pdf_timestamp(signature.embedded, _context(), skip_diff=True)
        return validate_pdf_signature(signature.embedded, _context(), skip_diff=not diff)
    # As in ``_read``: a hostile signature can break the validator in any way.
    except Exception:
        return None


def _intact(signature: _Signature) -> bool:
    """Whether the signed bytes are unchanged and the signature over them holds."""
    status = _sound(signature)
    return status is not None and bool(status.intact and status.valid)


def _only_timestamped(signatures: list[_Signature], issued_end: int, size: int) -> bool:
    """Whether all that follows the issued bytes is intact document time-stamps.

    pyHanko's difference analysis, run from the certification, must find
    nothing but long-term validation updates (time-stamps, validation data).
    """
    later = [signature for signature in signatures if signature.end > issued_end]
    if not later or later[-1].end != size:
        return False
    if any(s.kind != DOC_TIMESTAMP or not _intact(s) for s in later):
        return False
    certification = next((s for s in signatures if s.kind == SIGNATURE), None)
    if certification is None:
        return False
    status = _sound(certification, diff=True)
    return (
        status is not None
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
        and bool(status.docmdp_ok)
    )


def _resigned(data: bytes, signature: _Signature, document: RecordDocument) -> bool:
    """Whether the bytes ``signature`` covers are the issued file's, under another signature.

    The signature container was altered or replaced: what it vouches for is
    ours, but the signature is not the one we made.
    """
    if not document.signed or len(document.content) != signature.end:
        return False
    issued, before, after = document.content, signature.before, signature.after
    return data[:before] == issued[:before] and data[after : signature.end] == issued[after:]


def _ends(data: bytes, signatures: list[_Signature] | None, *sizes: int) -> list[int]:
    """Where a version of a record could end in ``data``: after each signature, or a size."""
    ends = {signature.end for signature in signatures or ()} | set(sizes)
    return sorted(end for end in ends if 0 < end < len(data))


def _other(data: bytes, ends: Iterable[int], document: RecordDocument | None) -> bool:
    """Whether ``data`` is (or begins with) a record we issued under another code."""
    for end in (len(data), *ends):
        found = document_with_digest(_sha256(data[:end]))
        if found is not None and (document is None or found.id != document.id):
            return True
    return False


def verdict(data: bytes, document: RecordDocument | None) -> Finding:
    """Judge ``data`` against the record ``document`` (None: judge the file alone)."""
    ours = digests_of(document) if document is not None else set()
    if _sha256(data) in ours:
        return _finding(Verdict.issued, document)
    signatures = _read(data)
    size = document.size_bytes if document is not None else 0
    ends = _ends(data, signatures, size)
    issued = [end for end in ends if _sha256(data[:end]) in ours]
    if issued:
        if signatures and _only_timestamped(signatures, max(issued), len(data)):
            return _finding(Verdict.issued, document, timestamped=True)
        return _finding(Verdict.added_after, document)
    if signatures is None:  # unreadable: a signature dictionary says it was signed
        return _finding(Verdict.broken if BYTE_RANGE in data else Verdict.unsigned, document)
    if not signatures:
        other = document is not None and _other(data, ends, document)
        return _finding(Verdict.other_record if other else Verdict.unsigned, document)
    if not all(_intact(signature) for signature in signatures):
        return _finding(Verdict.broken, document)
    if document is not None and _resigned(data, signatures[0], document):
        return _finding(Verdict.broken, document)
    if document is not None and _other(data, ends, document):
        return _finding(Verdict.other_record, document)
    return _finding(Verdict.not_ours, document)


def locate(data: bytes) -> RecordDocument | None:
    """The record ``data`` is, or begins with (the code printed on it), found by its bytes."""
    for end in (len(data), *reversed(_ends(data, _read(data)))):
        found = document_with_digest(_sha256(data[:end]))
        if found is not None:
            return found
    return None


# -- the words -------------------------------------------------------------------------

_RELY = "Rely only on what the verification page says about the record."
_CERTIFIED = (
    " The certification forbids any change, so a PDF reader that checks signatures should "
    "say the document was modified after it was certified, although it may still call the "
    "signature itself valid."
)


def _finding(
    which: Verdict, document: RecordDocument | None, *, timestamped: bool = False
) -> Finding:
    under = f" under {document.code}" if document is not None else ""
    certified = document is None or document.signed
    words = {
        Verdict.issued: (
            "This file is exactly the one we issued.",
            f"It is the record we issued{under}, and not a single byte of it was changed.",
        ),
        Verdict.added_after: (
            "This file is the one we issued, with content added after we certified it."
            if certified
            else "This file is the one we issued, with content added after we issued it.",
            f"The original part is ours: it is the record we issued{under}, unchanged. "
            "Something was appended to the file afterwards — text or drawings over a page, "
            "or other changes — and what was drawn or added after is not ours."
            + (_CERTIFIED if certified else "")
            + f" {_RELY}",
        ),
        Verdict.broken: (
            "This file's signature is broken.",
            "The file was changed after it left us in a way that breaks its signature: bytes "
            "inside the part we signed, or the signature itself, no longer match. Whatever "
            f"the file shows, we do not vouch for it. {_RELY}",
        ),
        Verdict.unsigned: (
            "This file carries no signature.",
            "It is not the file we issued: it may be an unofficial copy, a record printed or "
            "saved again as a new PDF, or a copy whose signature was stripped. It proves "
            f"nothing about the record. {_RELY}",
        ),
        Verdict.other_record: (
            "This file is another record.",
            f"It is an official record we issued, but not the one{under}: it was issued under "
            "another code. Nothing is said here about that record; check it with the code "
            "printed on it.",
        ),
        Verdict.not_ours: (
            "This file was not signed by us.",
            "It carries a signature, but not over any record we issued. "
            f"It proves nothing about the record. {_RELY}",
        ),
    }
    if timestamped:
        words[Verdict.issued] = (
            "This file is the one we issued, time-stamped since.",
            f"It is the record we issued{under}, unchanged. Only document time-stamps were "
            "added to it since, to keep its signature checkable for decades; they change "
            "nothing in the record.",
        )
    headline, explanation = words[which]
    return Finding(which, headline, explanation, timestamped)
