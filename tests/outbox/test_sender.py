"""``flask outbox send`` and ``retry-failed`` against a real SMTP server."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    CreditPlan,
    MessageStatus,
    OutboxMessage,
    PlanState,
    Role,
)
from careercredit.outbox.services import (
    MAX_ATTEMPTS,
    claim_next,
    queue_email,
    retry_delay,
    send_pending,
)
from tests.factories import Factory
from tests.outbox.conftest import SMTP_FROM, SmtpServer, add_message, make_due, row, rows, send

BODY = "Hello,\n\nSee your plan: http://careercredit.test/plans/7\n\n— CareerCredit"


def test_delivers_pending_message(mail_app: Flask, smtp: SmtpServer) -> None:
    smtp.start()
    message_id = add_message(
        mail_app, to="zoe@university.example", subject="Plan approved", body=BODY
    )

    output = send(mail_app)

    assert "sent 1, failed 0" in output
    [received] = smtp.received
    assert received.rcpt_tos == ["zoe@university.example"]
    assert received.mail_from == "careercredit@university.example"
    assert received.email["To"] == "zoe@university.example"
    assert received.email["From"] == SMTP_FROM
    assert received.email["Subject"] == "Plan approved"
    assert received.email["Message-ID"] == f"<outbox-{message_id}@university.example>"
    assert received.email["Auto-Submitted"] == "auto-generated"
    assert received.body.strip() == BODY
    sent = row(mail_app, message_id)
    assert sent.status == MessageStatus.sent
    assert sent.attempts == 1
    assert sent.sent_at is not None

    assert "sent 0, failed 0" in send(mail_app)
    assert len(smtp.received) == 1


def test_queued_notification_goes_out_with_unicode_intact(
    mail_app: Flask, make: Factory, smtp: SmtpServer
) -> None:
    smtp.start()
    student = make.user("jnunez", Role.student, name="José Ñúñez")
    sponsor = make.user("zodegard", Role.faculty, name="Zoë Ødegård")
    plan_id = make.plan(student, PlanState.approved, sponsor_id=sponsor)
    with mail_app.test_request_context():
        plan = db.session.get(CreditPlan, plan_id)
        link = f"{mail_app.config['BASE_URL']}/plans/{plan_id}"
        queued = queue_email(
            [plan.sponsor.email, plan.sponsor.email.upper(), None, " "],
            "plan_approved_sponsor",
            plan=plan,
            link=link,
        )
        db.session.commit()
    assert queued == 1

    send(mail_app)

    [received] = smtp.received
    assert received.rcpt_tos == ["zodegard@university.example"]
    assert received.email["Subject"].startswith("Credit plan you sponsor was approved: José Ñúñez")
    body = received.body
    assert "The credit plan of José Ñúñez" in body
    assert link in body


def test_rolled_back_action_sends_nothing(mail_app: Flask, make: Factory, smtp: SmtpServer) -> None:
    smtp.start()
    student = make.user("alice2", Role.student)
    plan_id = make.plan(student, PlanState.approved)
    with mail_app.test_request_context():
        plan = db.session.get(CreditPlan, plan_id)
        queue_email([plan.sponsor.email], "plan_approved_sponsor", plan=plan, link="http://x/")
        db.session.flush()  # the row exists inside the transaction...
        db.session.rollback()  # ...and is gone with it
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

    assert "sent 0, failed 0" in send(mail_app)
    assert smtp.received == []


def test_server_down_keeps_message_and_retries_later(mail_app: Flask, smtp: SmtpServer) -> None:
    message_id = add_message(mail_app)  # the server is not started: connection refused

    before = datetime.now(UTC)
    output = send(mail_app)
    after = datetime.now(UTC)

    assert "sent 0, failed 1; SMTP server unavailable" in output
    waiting = row(mail_app, message_id)
    assert waiting.status == MessageStatus.pending
    assert waiting.attempts == 1
    assert waiting.last_error
    assert "ConnectionRefusedError" in waiting.last_error
    assert before + retry_delay(1) <= waiting.next_attempt_at <= after + retry_delay(1)

    smtp.start()
    assert "sent 0, failed 0" in send(mail_app)  # not due yet
    assert smtp.received == []

    make_due(mail_app, message_id)
    assert "sent 1, failed 0" in send(mail_app)
    assert "sent 0, failed 0" in send(mail_app)
    assert len(smtp.received) == 1
    sent = row(mail_app, message_id)
    assert (sent.status, sent.attempts, sent.next_attempt_at) == (MessageStatus.sent, 2, None)


def test_server_down_stops_the_batch_and_loses_nothing(mail_app: Flask, smtp: SmtpServer) -> None:
    ids = [add_message(mail_app, to=f"s{n}@university.example") for n in range(3)]

    send(mail_app)

    assert [(r.status, r.attempts) for r in rows(mail_app)] == [
        (MessageStatus.pending, 1),
        (MessageStatus.pending, 0),
        (MessageStatus.pending, 0),
    ]
    smtp.start()
    make_due(mail_app, ids[0])
    assert "sent 3, failed 0" in send(mail_app)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        f"s{n}@university.example" for n in range(3)
    ]


def test_gives_up_after_max_attempts_then_retry_failed_requeues(
    mail_app: Flask, smtp: SmtpServer
) -> None:
    message_id = add_message(mail_app)
    delays = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        make_due(mail_app, message_id)
        before = datetime.now(UTC)
        send(mail_app)
        current = row(mail_app, message_id)
        assert current.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert current.status == MessageStatus.pending
            delays.append(current.next_attempt_at - before)
    assert delays == sorted(delays), "the delay grows with every failure"
    failed = row(mail_app, message_id)
    assert (failed.status, failed.next_attempt_at) == (MessageStatus.failed, None)
    assert failed.last_error

    make_due(mail_app, message_id)
    smtp.start()
    assert "sent 0, failed 0" in send(mail_app), "failed messages are left alone"

    result = mail_app.test_cli_runner().invoke(args=["outbox", "retry-failed"])
    assert result.exit_code == 0, result.output
    assert "1 failed message(s) queued again" in result.output
    again = row(mail_app, message_id)
    assert (again.status, again.attempts, again.next_attempt_at) == (
        MessageStatus.pending,
        0,
        None,
    )
    with mail_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retry"))
        assert event is not None
        assert event.actor_id is None
        assert event.details == {"messages": [message_id]}

    assert "sent 1, failed 0" in send(mail_app)
    assert len(smtp.received) == 1


def test_refused_recipient_fails_at_once_and_others_still_go(
    mail_app: Flask, smtp: SmtpServer
) -> None:
    smtp.handler.refuse["gone@university.example"] = "550 5.1.1 No such user"
    smtp.handler.refuse["busy@university.example"] = "451 4.2.1 Mailbox busy, try later"
    smtp.start()
    gone = add_message(mail_app, to="gone@university.example")
    busy = add_message(mail_app, to="busy@university.example")
    fine = add_message(mail_app, to="fine@university.example")

    assert "sent 1, failed 2" in send(mail_app)

    assert row(mail_app, gone).status == MessageStatus.failed
    assert "No such user" in row(mail_app, gone).last_error
    assert row(mail_app, busy).status == MessageStatus.pending
    assert row(mail_app, busy).next_attempt_at > datetime.now(UTC)
    assert row(mail_app, fine).status == MessageStatus.sent
    assert [r.rcpt_tos for r in smtp.received] == [["fine@university.example"]]


def test_logs_in_and_never_logs_password_or_body(
    make_app: Callable[..., Flask], smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp.require_login("mailer", "right-password")
    smtp.start()
    settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_USERNAME": "mailer"}
    wrong = make_app(SMTP_PASSWORD="wrong-password", **settings)
    secret_body = "Verify the hours: http://careercredit.test/supervise/SIGNED-TOKEN"
    message_id = add_message(wrong, body=secret_body)
    caplog.set_level(logging.DEBUG, logger="careercredit")

    assert "failed 1" in send(wrong)

    failed = row(wrong, message_id)
    assert failed.status == MessageStatus.pending
    assert failed.last_error.startswith("SMTPAuthenticationError: (535")
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("careercredit"))
    assert f"outbox message {message_id} not sent" in ours
    for secret in ("wrong-password", "SIGNED-TOKEN"):
        assert secret not in ours
        assert secret not in failed.last_error
    assert smtp.received == []

    right = make_app(SMTP_PASSWORD="right-password", **settings)
    make_due(right, message_id)
    assert "sent 1, failed 0" in send(right)
    assert "SIGNED-TOKEN" not in "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("careercredit")
    )
    assert secret_body in smtp.received[0].body


def test_unwritable_message_fails_without_stopping_the_batch(
    mail_app: Flask, smtp: SmtpServer
) -> None:
    smtp.start()
    broken = add_message(mail_app, subject="Two\nlines")
    fine = add_message(mail_app)

    assert "sent 1, failed 1" in send(mail_app)

    assert row(mail_app, broken).status == MessageStatus.failed
    assert row(mail_app, broken).last_error.startswith("ValueError")
    assert row(mail_app, fine).status == MessageStatus.sent


def test_concurrent_senders_deliver_each_message_once(mail_app: Flask, smtp: SmtpServer) -> None:
    smtp.handler.linger = 0.01  # keep each delivery open a moment so the senders overlap
    smtp.start()
    ids = [add_message(mail_app, to=f"s{n}@university.example") for n in range(24)]
    results = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            with mail_app.app_context():
                results.append(send_pending(limit=100))
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r.sent for r in results) == len(ids)
    delivered = sorted(r.rcpt_tos[0] for r in smtp.received)
    assert delivered == sorted(f"s{n}@university.example" for n in range(24))
    assert all(r.status == MessageStatus.sent and r.attempts == 1 for r in rows(mail_app))


def test_a_claimed_message_is_not_claimed_again(mail_app: Flask) -> None:
    message_id = add_message(mail_app)
    with mail_app.app_context():
        first = claim_next()
        assert first is not None
        assert first.id == message_id
    with mail_app.app_context():
        assert claim_next() is None
    claimed = row(mail_app, message_id)
    assert claimed.status == MessageStatus.pending
    assert claimed.next_attempt_at > datetime.now(UTC)


def test_loop_keeps_sending_until_terminated(mail_app: Flask, smtp: SmtpServer) -> None:
    smtp.start()
    add_message(mail_app, to="first@university.example")
    previous = signal.getsignal(signal.SIGTERM)

    def terminate_after_first_delivery() -> None:
        assert smtp.handler.accepted.wait(30)
        os.kill(os.getpid(), signal.SIGTERM)  # as systemctl stop would

    killer = threading.Thread(target=terminate_after_first_delivery)
    killer.start()
    output = send(mail_app, "--loop", "--interval", "1")
    killer.join()

    assert "sent 1, failed 0" in output
    assert [r.rcpt_tos for r in smtp.received] == [["first@university.example"]]
    assert signal.getsignal(signal.SIGTERM) == previous, "the handler is put back"
