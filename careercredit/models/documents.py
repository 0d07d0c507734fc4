"""Official records issued as PDF documents, students' requests for them, and bulk exports.

An issued document is kept byte for byte as it was handed out; only its
revocation can be added later. Verification compares a visitor's file with
the stored SHA-256.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careercredit.extensions import Model, db
from careercredit.models.people import Role

if TYPE_CHECKING:
    from careercredit.models.people import User
    from careercredit.models.terms import Term


def _own(user: User, student_id: int) -> bool:
    """Separation of duties: ``access.is_own_record``, the one rule every capability asks."""
    # Imported here: access loads the models.
    from careercredit.access import is_own_record

    return is_own_record(user, student_id)


class RecordDocument(Model):
    """An issued official record: its bytes, their SHA-256, issuer and time; maybe revoked."""

    __tablename__ = "record_document"
    __table_args__ = (
        # A bulk export issues at most one record per student; running it again resumes.
        UniqueConstraint("export_id", "student_id", name="uq_record_document_export_student"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random verification code printed on every page (``CC-XXXX-XXXX-XXXX-XXXX``).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: The student's name and total credits as printed: what the verification page shows.
    student_name: Mapped[str] = mapped_column(String(255))
    total_credits: Mapped[int] = mapped_column(SmallInteger)
    #: The issuing institution's name and address lines as printed on the record, so a
    #: later change of the configuration does not rewrite what was issued. Empty on records
    #: issued before they were kept: those show the configured ones.
    institution_name: Mapped[str | None] = mapped_column(String(255))
    institution_address: Mapped[list[str] | None] = mapped_column(JSON)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: SHA-256 of ``content``, hex.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    #: Whether ``content`` carries a PAdES signature.
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the certificate of the issued file's last document time-stamp expires (PAdES
    #: B-LTA): a new one is due before then. Empty without one (``records/archive.py``).
    stamp_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    export_id: Mapped[int | None] = mapped_column(ForeignKey("record_export.id"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    #: The plans printed on the record as issued: one dict per plan with ``plan`` (its id),
    #: ``term``, ``term_name``, ``course``, ``grade`` and ``credits``. Empty on records
    #: issued before it was kept; those are compared by their plans' amendment dates.
    shows: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    #: The current record a registrar reissued in place of this out-of-date one.
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("record_document.id"), index=True
    )

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    superseded_by: Mapped[RecordDocument | None] = relationship(
        foreign_keys=[superseded_by_id], remote_side=[id]
    )

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def filename(self) -> str:
        return f"official-record-{self.code}.pdf"

    def can_view(self, user: User) -> bool:
        """The student it was issued to, and the registrar."""
        return user.id == self.student_id or user.has_role(Role.registrar)

    def can_revoke(self, user: User) -> bool:
        """A registrar revokes a valid record, never their own (separation of duties)."""
        return (
            user.has_role(Role.registrar) and not self.revoked and not _own(user, self.student_id)
        )

    def can_reissue(self, user: User) -> bool:
        """A registrar reissues a record that is not revoked, never their own.

        Whether it is out of date is asked of the registry (``records.services``).
        """
        return self.can_revoke(user)


class RequestStatus(enum.StrEnum):
    """Where a student's request for an official record stands."""

    pending = "pending"
    issued = "issued"
    declined = "declined"
    cancelled = "cancelled"


class RecordRequest(Model):
    """A student's request for an official record, which a registrar approves or declines."""

    __tablename__ = "record_request"
    __table_args__ = (
        # At most one waiting request per student, even when two arrive at once.
        Index(
            "uq_record_request_pending",
            "student_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    #: What the student needs it for, in their words ("graduate school application").
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, name="record_request_status", native_enum=False, length=16),
        default=RequestStatus.pending,
        index=True,
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("record_document.id"), index=True)

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    document: Mapped[RecordDocument | None] = relationship(foreign_keys=[document_id])

    def can_view(self, user: User) -> bool:
        return user.id == self.student_id or user.has_role(Role.registrar)

    def can_decide(self, user: User) -> bool:
        """A registrar decides a waiting request, never their own (separation of duties)."""
        return (
            user.has_role(Role.registrar)
            and self.status == RequestStatus.pending
            and not _own(user, self.student_id)
        )

    def can_cancel(self, user: User) -> bool:
        return user.id == self.student_id and self.status == RequestStatus.pending


class ExportStatus(enum.StrEnum):
    """Where a bulk export of a term's records stands."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class RecordExport(Model):
    """A registrar's bulk export of the official records of a term's students."""

    __tablename__ = "record_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    status: Mapped[ExportStatus] = mapped_column(
        Enum(ExportStatus, name="record_export_status", native_enum=False, length=16),
        default=ExportStatus.queued,
    )
    #: Students to issue for, and how many are issued so far.
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: What went wrong, in words, when ``status`` is failed.
    error: Mapped[str | None] = mapped_column(Text)

    term: Mapped[Term] = relationship()
    created_by: Mapped[User] = relationship()

    def can_view(self, user: User) -> bool:
        return user.has_role(Role.registrar)


class RecordDocumentVersion(Model):
    """A later version of an issued record: the same signed record with a new time-stamp.

    Long-term validation (PAdES B-LTA) appends a document time-stamp and the
    revocation data it relies on before the last time-stamp's certificate
    expires (``records/archive.py``). The record never changes, so each such
    file is a new version: the issued bytes stay on ``RecordDocument`` as
    version 1, and downloads serve the newest version.
    """

    __tablename__ = "record_document_version"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_record_document_version_number"),
        CheckConstraint("number >= 2", name="after_issue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("record_document.id"), index=True)
    #: 2 for the first version after the issued one, and so on.
    number: Mapped[int] = mapped_column(SmallInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: SHA-256 of ``content``, hex: verification accepts it as the issued file.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: Why this version was made ("document time-stamp ...").
    reason: Mapped[str] = mapped_column(Text)
    #: When the certificate of its last document time-stamp expires: the next one is due
    #: before then.
    stamp_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    document: Mapped[RecordDocument] = relationship()


#: The only columns of an issued document that may change: its revocation.
REVOCATION = frozenset(
    {
        "revoked_at",
        "revoked_by_id",
        "revoked_by",
        "revoke_reason",
        "superseded_by_id",
        "superseded_by",
    }
)


@event.listens_for(RecordDocumentVersion, "before_update")
def _refuse_version_change(mapper: object, connection: object, target: object) -> None:
    raise RuntimeError("A version of an issued record never changes; make a new one")


@event.listens_for(RecordDocument, "before_update")
def _refuse_change(mapper: object, connection: object, target: RecordDocument) -> None:
    changed = {attr.key for attr in db.inspect(target).attrs if attr.history.has_changes()}
    if not changed <= REVOCATION:
        raise RuntimeError("An issued record never changes; revoke it and issue a new one")
