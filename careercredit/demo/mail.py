"""The demo's mail server: accepts every message on a local port and keeps none.

The demo's worker sends the outbox as a real deployment's does; without a
server to take it, every message would fail after its retries and the admin
home would warn of a broken outbox. The messages stay readable, links and
all, at ``/dev/outbox``, where the development settings show the outbox.
"""

from __future__ import annotations

import socket
from collections.abc import MutableMapping

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_mail_sink(environ: MutableMapping[str, str]) -> Controller | None:
    """Start the sink and point ``environ``'s SMTP settings at it, unless they name a server."""
    if environ.get("CAREERCREDIT_SMTP_HOST"):
        return None
    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    environ["CAREERCREDIT_SMTP_HOST"] = "127.0.0.1"
    environ["CAREERCREDIT_SMTP_PORT"] = str(port)
    return controller
