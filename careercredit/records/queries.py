"""What the records pages read: one document or request, a student's record, the registrar's lists.

Reads only; what changes a record is in ``services`` (one at a time) and
``export`` (a term's in bulk). A loader that feeds a write takes ``lock``:
it reads the row ``FOR UPDATE``, so two registrars deciding the same request
at once take turns (PostgreSQL; SQLite has one writer anyway).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from careercredit.csvexport import in_batches
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    RecordDocument,
    RecordExport,
    RecordRequest,
    RequestStatus,
    Role,
    User,
)
from careercredit.models.people import UserRole
from careercredit.pagination import paginate_ids
from careercredit.records.services import documents_query, has_posted_credit, posted_plans
from careercredit.sql import aware

#: A student's page lists this many of their latest requests.
REQUESTS_SHOWN = 20

_WAITING = RecordRequest.status == RequestStatus.pending


def document(document_id: int, *, lock: bool = False) -> RecordDocument | None:
    """The issued document with ``document_id``, or None."""
    return db.session.get(RecordDocument, document_id, with_for_update=lock)


def record_request(request_id: int, *, lock: bool = False) -> RecordRequest | None:
    """The request with ``request_id``, or None."""
    return db.session.get(RecordRequest, request_id, with_for_update=lock)


def record_holder(user_id: int) -> User | None:
    """The person ``user_id`` if they have a record to show: a student, or anyone with credit."""
    person = db.session.get(User, user_id)
    if person is None:
        return None
    if not person.has_role(Role.student) and not has_posted_credit(person):
        return None
    return person


def pending_request(student: User, *, lock: bool = False) -> RecordRequest | None:
    """The student's request waiting for the registrar, if any (there is at most one)."""
    query = select(RecordRequest).where(RecordRequest.student_id == student.id, _WAITING)
    return db.session.scalar(query.with_for_update() if lock else query)


class StudentRecord(NamedTuple):
    """What a records page shows of a student: posted credit, requests, documents."""

    student: User
    plans: list[CreditPlan]
    total_credits: int
    #: The latest ``REQUESTS_SHOWN`` requests, newest first, and the waiting one among them.
    requests: list[RecordRequest]
    pending: RecordRequest | None
    #: Every document issued to the student, newest first.
    documents: list[RecordDocument]


def student_record(student: User) -> StudentRecord:
    """Everything a records page shows of ``student``."""
    plans = posted_plans(student)
    requests = list(
        db.session.scalars(
            select(RecordRequest)
            .where(RecordRequest.student_id == student.id)
            .options(joinedload(RecordRequest.document))
            .order_by(RecordRequest.created_at.desc(), RecordRequest.id.desc())
            .limit(REQUESTS_SHOWN)
        )
    )
    documents = list(
        db.session.scalars(
            select(RecordDocument)
            .where(RecordDocument.student_id == student.id)
            .order_by(RecordDocument.issued_at.desc(), RecordDocument.id.desc())
        )
    )
    return StudentRecord(
        student=student,
        plans=plans,
        total_credits=sum(plan.final_credits or 0 for plan in plans),
        requests=requests,
        pending=next((r for r in requests if r.status == RequestStatus.pending), None),
        documents=documents,
    )


def waiting_requests(limit: int) -> list[RecordRequest]:
    """The oldest ``limit`` requests waiting for a decision, with their students."""
    return list(
        db.session.scalars(
            select(RecordRequest)
            .where(_WAITING)
            .options(joinedload(RecordRequest.student))
            .order_by(RecordRequest.created_at, RecordRequest.id)
            .limit(limit)
        )
    )


def waiting_count() -> int:
    """How many requests wait for a decision."""
    return db.session.scalar(select(func.count(RecordRequest.id)).where(_WAITING)) or 0


def issued_documents(text: str, *, page: int, per_page: int) -> Pagination:
    """One page of the issued documents matching ``text``, newest first."""
    return db.paginate(documents_query(text), page=page, per_page=per_page, error_out=False)


def students_page(text: str, *, page: int, per_page: int) -> Pagination:
    """Students whose name or username holds ``text``, or whose student number it is, by name.

    A text search scans, so only what the page read is counted.
    """
    ids = (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.student, User.found_by(text))
        .order_by(User.display_name, User.id)
    )
    load = select(User).options(lazyload(User.role_rows))
    return paginate_ids(ids, load, page=page, per_page=per_page, count_seen=True)


def document_rows(text: str) -> Iterator[Sequence[object]]:
    """The issued documents matching ``text`` as CSV rows (``DOCUMENT_HEADER``), newest first."""
    ids = documents_query(text).with_only_columns(RecordDocument.id)
    load = select(RecordDocument).options(joinedload(RecordDocument.student))
    for document in in_batches(ids, load):
        yield (
            document.code,
            document.student_name,
            document.student.uid,
            document.student.student_number or "",
            aware(document.issued_at).isoformat(),
            "revoked" if document.revoked else "issued",
            document.sha256,
        )


DOCUMENT_HEADER = (
    "code",
    "student",
    "username",
    "student_number",
    "issued_at_utc",
    "status",
    "sha256",
)


def exports(*, page: int, per_page: int) -> Pagination:
    """One page of the bulk exports, newest first, with their terms and registrars."""
    query = (
        select(RecordExport)
        .options(joinedload(RecordExport.term), joinedload(RecordExport.created_by))
        .order_by(RecordExport.created_at.desc(), RecordExport.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
