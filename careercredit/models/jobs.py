"""Background work: each record of a bulk export as a unit of work, and the workers seen.

The job engine (Huey, ``careercredit/jobs``) carries messages; what a message
is about lives here, in the database, so a message lost with a killed worker
is found again (a record ``claimed`` by a worker that stopped beating is put
back to ``waiting`` and queued again) and no record is issued twice (the
unique (export, student) pair, here and on ``record_document``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from careercredit.extensions import Model


class ItemState(enum.StrEnum):
    waiting = "waiting"
    claimed = "claimed"
    done = "done"
    failed = "failed"


class RecordExportItem(Model):
    """One student's record in a bulk export: waiting, claimed by a worker, done or failed."""

    __tablename__ = "record_export_item"
    __table_args__ = (UniqueConstraint("export_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("record_export.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    state: Mapped[ItemState] = mapped_column(
        Enum(ItemState, name="record_export_item_state", native_enum=False, length=16),
        default=ItemState.waiting,
        index=True,
    )
    #: Runs that ended in an error; the record fails for good after ``jobs.MAX_ATTEMPTS``.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The last error, in words.
    error: Mapped[str | None] = mapped_column(Text)
    #: The worker (``host:pid``) issuing it now, and since when.
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class JobWorker(Model):
    """A worker process of the job engine, and when it last said it is alive."""

    __tablename__ = "job_worker"

    #: ``host:pid``: what a record claimed by this worker names.
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
