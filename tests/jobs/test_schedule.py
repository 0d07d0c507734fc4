"""The engine's schedule, and what the periodic jobs do (run here, as a worker runs them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask

from careercredit.jobs import tasks
from careercredit.jobs.engine import bind, huey
from careercredit.models import MessageStatus
from tests.outbox.conftest import SmtpServer, add_message, row
from tests.outbox.conftest import smtp as smtp  # the SMTP server fixture, used here too


def due(moment: datetime) -> set[str]:
    """The names of the periodic jobs the engine queues at ``moment`` (UTC)."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)  # Huey's clock: UTC, without a zone
    return {task.name.rsplit(".", 1)[-1] for task in huey.read_periodic(naive)}


def test_the_outbox_and_the_sweep_run_every_minute_and_reminders_hourly(app: Flask) -> None:
    bind(app)
    assert due(datetime(2026, 12, 7, 10, 4, tzinfo=UTC)) == {"deliver_outbox", "requeue_lost_work"}
    assert due(datetime(2026, 12, 7, 10, 15, tzinfo=UTC)) == {
        "deliver_outbox",
        "requeue_lost_work",
        "send_reminders",
    }
    assert "archive_timestamps" in due(datetime(2026, 12, 7, 3, 17, tzinfo=UTC))


def test_the_digest_goes_out_at_seven_in_the_institutions_time_zone(
    make_app: Callable[..., Flask],
) -> None:
    bind(make_app(TIMEZONE="America/New_York"))
    assert "send_digests" in due(
        datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    )  # 07:00 in New York (EST)
    assert "send_digests" not in due(datetime(2026, 12, 7, 7, 0, tzinfo=UTC))


def test_the_outbox_job_delivers_waiting_mail(
    make_app: Callable[..., Flask], smtp: SmtpServer
) -> None:
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5.0)
    smtp.start()
    message_id = add_message(app)
    with app.app_context():
        tasks.deliver_outbox.call_local()
    assert row(app, message_id).status == MessageStatus.sent
    assert [each.rcpt_tos for each in smtp.received] == [["student@university.example"]]


def test_the_time_stamp_job_does_nothing_without_an_authority(app: Flask) -> None:
    with app.app_context():
        tasks.archive_timestamps.call_local()  # no TSA configured: nothing to renew, no error
