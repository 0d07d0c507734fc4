"""The job engine's health, for the admin's home page: workers seen, work waiting, failures."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select

from careercredit import clock
from careercredit.extensions import db
from careercredit.jobs.engine import queue_of
from careercredit.models import ItemState, JobWorker, RecordExportItem
from careercredit.sql import aware

log = logging.getLogger(__name__)


class Health(NamedTuple):
    #: Worker processes that beat within ``JOBS_WORKER_LOST_SECONDS``.
    workers: int
    #: Messages in the engine's queue; ``None`` when the queue does not answer.
    queued: int | None
    #: Records of exports waiting or in hand, and since when the oldest waits.
    waiting: int
    oldest: datetime | None
    #: Records of exports that failed for good.
    failed: int


def health() -> Health:
    """Where the background work stands: bounded queries and one question to the queue."""
    cutoff = clock.now() - timedelta(seconds=current_app.config["JOBS_WORKER_LOST_SECONDS"])
    workers = db.session.scalar(
        select(func.count(JobWorker.name)).where(JobWorker.seen_at >= cutoff)
    )
    open_ = RecordExportItem.state.in_((ItemState.waiting, ItemState.claimed))
    waiting, oldest, failed = db.session.execute(
        select(
            func.count(RecordExportItem.id).filter(open_),
            func.min(RecordExportItem.updated_at).filter(open_),
            func.count(RecordExportItem.id).filter(RecordExportItem.state == ItemState.failed),
        )
    ).one()
    try:
        queued: int | None = queue_of(current_app).queue_size()
    except Exception as exc:  # Redis away: the page still answers and says so
        log.warning("job queue unavailable: %s", exc.__class__.__name__)
        queued = None
    since = aware(oldest) if oldest else None
    return Health(workers or 0, queued, waiting or 0, since, failed or 0)
