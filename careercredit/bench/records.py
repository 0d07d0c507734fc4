"""Issued official records of the synthetic university.

Building 100,000 real PDF records would take longer than the rest of the seed;
every bench record holds the same small, valid PDF instead, with its real
SHA-256, so the verification page and downloads work as for any record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from random import Random
from typing import Any

from careercredit.bench.campus import Campus
from careercredit.bench.plans import Plan
from careercredit.bench.shape import Skewed
from careercredit.bench.work import awarded
from careercredit.models import PlanState
from careercredit.records.services import CODE_ALPHABET, CODE_GROUPS

RECORD_COLUMNS = (
    "id", "code", "student_id", "student_name", "total_credits", "issued_by_id", "issued_at",
    "content", "sha256", "size_bytes", "signed", "export_id", "revoked_at", "revoked_by_id",
    "revoke_reason",
)  # fmt: skip


def tiny_pdf(text: str = "CareerCredit benchmark record") -> bytes:
    """A one-page PDF showing ``text``, with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF = tiny_pdf()
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()


def record_rows(plans: list[Plan], campus: Campus) -> list[tuple[Any, ...]]:
    """Rows of ``record_document``: records of students with posted credit, some revoked."""
    return list(_records(plans, campus))


def _records(plans: list[Plan], campus: Campus) -> Iterator[tuple[Any, ...]]:
    rng = campus.rng
    credits: dict[int, int] = {}
    first_posted: dict[int, datetime] = {}
    for plan in plans:
        if plan.state == PlanState.posted:
            credits[plan.student_id] = credits.get(plan.student_id, 0) + awarded(plan)
            first_posted.setdefault(plan.student_id, plan.updated)
    holders = Skewed(sorted(credits, key=lambda s: -credits[s]), rng, head=0.05)
    codes: set[str] = set()
    for number, student in enumerate(holders.picks(campus.sizes["records"]), 1):
        code = _code(rng)
        while code in codes:
            code = _code(rng)
        codes.add(code)
        start = first_posted[student]
        issued = start + (campus.now - start) * rng.random()
        revoked = issued + timedelta(days=rng.uniform(1, 30)) if rng.random() < 0.02 else None
        yield (
            number, code, student, campus.names[student], min(credits[student], 999),
            campus.registrars[number % len(campus.registrars)], issued, PDF, PDF_SHA256,
            len(PDF), False, None, min(revoked, campus.now) if revoked else None,
            campus.registrars[0] if revoked else None,
            "Issued with the wrong term; reissued." if revoked else None,
        )  # fmt: skip


def _code(rng: Random) -> str:
    groups = ("".join(rng.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS))
    return "CC-" + "-".join(groups)
