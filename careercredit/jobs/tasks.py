"""The jobs, and the schedule the engine runs them on (the cron lines become optional).

Every job is safe to run twice, or on two machines at once: each record of
an export is claimed by one worker, each outbox message, reminder, digest
and time-stamp is claimed in the database by the service that sends it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from huey import crontab
from huey.exceptions import RetryTask

from careercredit.extensions import db
from careercredit.jobs.engine import huey, in_app
from careercredit.models import ExportStatus, ItemState, RecordExport
from careercredit.records import export

log = logging.getLogger(__name__)

#: Seconds before a failed record is tried again, times the attempts so far.
RETRY_DELAY = 5
#: Messages the outbox job sends per batch; it sends batches until one is not full.
OUTBOX_BATCH = 100
#: When the daily digest of notices goes out, in the institution's time zone.
DIGEST_HOUR = 7


def worker_name() -> str:
    """This process as the workers' table and an export's claims name it: ``host:pid``."""
    from careercredit.jobs.worker import worker_name as name

    return name()


# -- bulk export ------------------------------------------------------------------------


@huey.task()
@in_app
def plan_export(export_id: int) -> None:
    """List the export's records and queue one job per record still to issue."""
    for item_id in export.plan(export_id):
        issue_record(item_id)


@huey.task()
@in_app
def issue_record(item_id: int) -> None:
    """Issue one record of an export; a failure is retried later, up to ``MAX_ATTEMPTS``."""
    state = export.issue_item(item_id, worker_name())
    if state == ItemState.waiting:
        attempts = _attempts(item_id)
        issue_record_later = RetryTask(delay=RETRY_DELAY * max(1, attempts))
        raise issue_record_later


def _attempts(item_id: int) -> int:
    from careercredit.models import RecordExportItem

    item = db.session.get(RecordExportItem, item_id)
    return item.attempts if item is not None else 0


def start_export(export_id: int) -> None:
    """Queue the export's first job (from a web request: it runs on a worker)."""
    plan_export(export_id)


# -- the sweep ------------------------------------------------------------------------------


def sweep() -> export.Lost:
    """Queue again the work of workers that stopped, and settle exports whose last record is in.

    Run by every worker's heartbeat and by the engine every minute; safe at
    once on many machines (each lost item is taken by one sweep).
    """
    lost_after = timedelta(seconds=current_app.config["JOBS_WORKER_LOST_SECONDS"])
    lost = export.requeue_lost(lost_after, queue_empty=huey.pending_count() == 0)
    for item_id in lost.items:
        issue_record(item_id)
    for export_id in lost.exports:
        plan_export(export_id)
    running = db.session.scalars(
        db.select(RecordExport.id).where(RecordExport.status == ExportStatus.running)
    ).all()
    for export_id in running:
        export.settle(export_id)
    return lost


@huey.periodic_task(crontab(minute="*"))
@in_app
def requeue_lost_work() -> None:
    """Every minute: the sweep, also when no worker beats (e.g. one worker, restarted)."""
    sweep()


# -- periodic jobs ------------------------------------------------------------------------


@huey.periodic_task(crontab(minute="*"))
@in_app
def deliver_outbox() -> None:
    """Every minute: send the outbox's due messages (``flask outbox send``)."""
    from careercredit.outbox.services import send_pending

    while True:
        result = send_pending(OUTBOX_BATCH)
        if result.sent or result.failed:
            log.info("outbox: sent %d, failed %d", result.sent, result.failed)
        if result.server_down or result.sent + result.failed < OUTBOX_BATCH:
            return


@huey.periodic_task(crontab(minute="15"))
@in_app
def send_reminders() -> None:
    """Every hour: remind supervisors, tell expired links (``flask reminders send``)."""
    from careercredit.reminders.services import send_reminders as remind

    run = remind()
    log.info("reminders: %d reminded, %d expired", len(run.reminded), len(run.expired))


def _local_hour(hour: int, minute: int = 0) -> object:
    """A schedule test: ``hour:minute`` in the institution's time zone (``TIMEZONE``)."""

    def due(moment: datetime) -> bool:
        zone = ZoneInfo(huey.app.config["TIMEZONE"] if huey.app is not None else "UTC")
        local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
        return (local.hour, local.minute) == (hour, minute)

    return due


@huey.periodic_task(_local_hour(DIGEST_HOUR))
@in_app
def send_digests() -> None:
    """Every day at 07:00 local time: the notices digest (``flask notices digest``)."""
    from careercredit.notices.services import send_digests as digests

    run = digests()
    log.info("notices: %d digest(s) queued", len(run.sent))


@huey.periodic_task(crontab(minute="17", hour="3"))
@in_app
def archive_timestamps() -> None:
    """Every day at 03:17 UTC: renew expiring time-stamps, if a TSA is configured."""
    from careercredit.records import archive
    from careercredit.records.signing import signing_settings
    from careercredit.refusals import Refused

    settings = signing_settings(current_app.config)
    if settings is None or settings.tsa is None:
        return
    try:
        outcome = archive.archive_time_stamps(settings, days=archive.DEFAULT_DAYS)
    except Refused as refused:
        log.error("archive time-stamps: %s", " ".join(refused.messages))
        return
    log.info("archive time-stamps: %d checked, %d renewed", outcome.checked, outcome.renewed)
