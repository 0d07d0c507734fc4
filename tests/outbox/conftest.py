"""A real SMTP server (aiosmtpd) on a free local port, and an app that mails through it."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import MessageStatus, OutboxMessage

SMTP_FROM = "CareerCredit <careercredit@university.example>"


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    email: EmailMessage

    @property
    def body(self) -> str:
        """The text as the recipient reads it (SMTP's CRLF line ends made plain)."""
        return self.email.get_content().replace("\r\n", "\n")


class Collector:
    """An aiosmtpd handler that keeps what it receives and can refuse chosen recipients."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        #: Recipient address -> the SMTP reply that refuses it.
        self.refuse: dict[str, str] = {}
        #: Seconds to linger before accepting data, so that concurrent senders overlap.
        self.linger = 0.0
        #: Set whenever a message has been accepted.
        self.accepted = threading.Event()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.linger:
            await asyncio.sleep(self.linger)
        content = envelope.original_content or b""
        email = message_from_bytes(content, policy=policy.default)
        assert isinstance(email, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), email))
        self.accepted.set()
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A local SMTP server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Collector()
        self.credentials: tuple[str, str] | None = None
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def require_login(self, username: str, password: str) -> None:
        """Offer AUTH and accept only these credentials (takes effect at the next start)."""
        self.credentials = (username, password)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        expected = self.credentials
        ok = (
            expected is not None
            and isinstance(data, LoginPassword)
            and (data.login.decode(), data.password.decode()) == expected
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        kwargs: dict[str, Any] = {}
        if self.credentials:
            # Plain-text AUTH is fine on the loopback; production uses STARTTLS or SSL.
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="smtp.test",
            ready_timeout=10,
            **kwargs,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A local SMTP server of this test, not started: call ``start()`` (or leave it down)."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], smtp: SmtpServer) -> Flask:
    """The app, sending through ``smtp``."""
    return make_app(
        SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_FROM=SMTP_FROM, SMTP_TIMEOUT=5.0
    )


def add_message(app: Flask, to: str = "student@university.example", **values: Any) -> int:
    """Put one message in the outbox directly; return its id."""
    fields: dict[str, Any] = {
        "to_addr": to,
        "subject": "Your credit plan was approved",
        "body": "See your plan: http://careercredit.test/plans/1\n\n— CareerCredit",
    }
    fields.update(values)
    with app.app_context():
        message = OutboxMessage(**fields)
        db.session.add(message)
        db.session.commit()
        return message.id


@dataclass
class Row:
    """A detached copy of an outbox row, with times in UTC."""

    id: int
    to_addr: str
    status: MessageStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back UTC times without a zone; PostgreSQL with one."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def rows(app: Flask) -> list[Row]:
    """Every outbox row, oldest first."""
    with app.app_context():
        return [
            Row(
                m.id,
                m.to_addr,
                m.status,
                m.attempts,
                utc(m.next_attempt_at),
                m.last_error,
                utc(m.sent_at),
            )
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def row(app: Flask, message_id: int) -> Row:
    """One outbox row."""
    return next(r for r in rows(app) if r.id == message_id)


def make_due(app: Flask, message_id: int) -> None:
    """Move the next attempt of a message into the past, as if its delay had passed."""
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message is not None
        message.next_attempt_at = datetime(2000, 1, 1, tzinfo=UTC)
        db.session.commit()


def send(app: Flask, *args: str) -> str:
    """Run ``flask outbox send`` and return its output."""
    result = app.test_cli_runner().invoke(args=["outbox", "send", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output
