"""Issuing official records: what they print, what is stored, and what cannot change."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    OutboxMessage,
    RecordDocument,
    RecordRequest,
    RequestStatus,
    Role,
    User,
)
from careercredit.records.services import (
    CODE_ALPHABET,
    RecordError,
    issue_record,
    new_code,
    normalise_code,
    request_record,
    revoke,
    unofficial_copy,
)
from tests.factories import Factory


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_codes_are_random_and_long_enough_not_to_be_guessed() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert re.fullmatch(rf"CC(-[{CODE_ALPHABET}]{{4}}){{4}}", code)


def test_a_typed_code_is_read_as_printed() -> None:
    assert normalise_code(" cc-7q4m-2xkd-9pma-h3tw ") == "CC-7Q4M-2XKD-9PMA-H3TW"
    assert normalise_code("CC-O0IL-0000-0000-0000") == "CC-0011-0000-0000-0000"


def test_issued_record_is_stored_as_built_with_its_hash(app: Flask, make: Factory) -> None:
    student_id = make.user("zoe", Role.student, name="Zoë Ødegård")
    make.posted_plan(student_id, feedback="Fine <b>notes</b>.")
    registrar_id = make.user("registrar1", Role.registrar, name="Rita López")
    with app.test_request_context():
        student = db.session.get(User, student_id)
        registrar = db.session.get(User, registrar_id)
        document = issue_record(student, by=registrar)
        db.session.commit()
        stored = db.session.get(RecordDocument, document.id)
        assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
        assert stored.student_name == "Zoë Ødegård"
        assert stored.total_credits == 1
        text = text_of(stored.content)
        assert "Zoë Ødegård" in text
        assert stored.code in text
        assert "Fine <b>notes</b>." in text
        assert "Rita López" in text
        events = db.session.scalars(select(AuditEvent.action)).all()
        assert "record.issue" in events
        mail = db.session.scalars(select(OutboxMessage)).all()
        assert [m.subject for m in mail] == [f"Your official record is ready: {stored.code}"]


def test_issued_record_never_changes_but_can_be_revoked(app: Flask, make: Factory) -> None:
    student_id = make.user("zoe", Role.student)
    make.posted_plan(student_id)
    registrar_id = make.user("registrar1", Role.registrar)
    with app.test_request_context():
        registrar = db.session.get(User, registrar_id)
        document = issue_record(db.session.get(User, student_id), by=registrar)
        db.session.commit()
        with pytest.raises(RecordError, match="Say why"):
            revoke(document, by=registrar, reason="  ")
        revoke(document, by=registrar, reason="Issued with the wrong name.")
        db.session.commit()
        assert document.revoked
        document.content = b"%PDF-1.4 forged"
        with pytest.raises(RuntimeError, match="never changes"):
            db.session.commit()
        db.session.rollback()


def test_no_posted_credit_means_no_record(app: Flask, make: Factory) -> None:
    student_id = make.user("zoe", Role.student)
    registrar_id = make.user("registrar1", Role.registrar)
    with app.test_request_context(), pytest.raises(RecordError, match="no posted credit"):
        issue_record(db.session.get(User, student_id), by=db.session.get(User, registrar_id))


def test_unofficial_copy_is_marked_and_carries_no_code(app: Flask, make: Factory) -> None:
    student_id = make.user("zoe", Role.student, name="Zoë Ødegård")
    make.posted_plan(student_id)
    with app.test_request_context():
        pdf = unofficial_copy(db.session.get(User, student_id))
        text = text_of(pdf)
        assert "UNOFFICIAL" in text
        assert "Zoë Ødegård" in text
        assert "CC-" not in text
        assert db.session.scalars(select(RecordDocument)).all() == []


def test_two_requests_at_once_leave_one_waiting(app: Flask, make: Factory) -> None:
    student_id = make.user("zoe", Role.student)
    make.posted_plan(student_id)
    with app.test_request_context():
        student = db.session.get(User, student_id)
        request_record(student, "Graduate school")
        db.session.commit()
        # The other request's check ran before this one was stored: only the index stops it.
        other = RecordRequest(student_id=student_id, purpose="Employer")
        db.session.add(other)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(RecordError, match="already have a request waiting"):
            request_record(student, "Employer")
        waiting = db.session.scalars(select(RecordRequest.status)).all()
        assert waiting == [RequestStatus.pending]
