"""``make run`` (``python -m careercredit.demo``) as a person runs it: on the port asked for,
with every link pointing there, and stopped by SIGTERM or Ctrl-C together with its slapd."""

from __future__ import annotations

import io
import os
import queue
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader

from careercredit.records.democa import DemoCA, make_demo_ca
from tests.pdf.test_record import decode_qr

ROOT = Path(__file__).resolve().parent.parent.parent
#: Seeding an empty database and signing the demo record takes a few seconds.
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Demo:
    """A running ``python -m careercredit.demo`` and what it printed."""

    process: subprocess.Popen[str]
    port: int
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    printed: list[str] = field(default_factory=list)

    def wait_for(self, pattern: str) -> re.Match[str]:
        """Wait until a printed line matches ``pattern``; return the match."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            with suppress(queue.Empty):
                line = self.lines.get(timeout=1)
                self.printed.append(line)
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and self.lines.empty():
                break
        pytest.fail(f"the demo never printed {pattern!r}:\n{''.join(self.printed)}")

    def rest(self) -> str:
        """Everything printed after the process ended."""
        while not self.lines.empty():
            self.printed.append(self.lines.get())
        return "".join(self.printed)

    def slapd(self) -> int:
        """The pid of the demo's slapd (a child of the demo process)."""
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError):
                pid, rest = stat.read_text().split(" ", 1)
                comm, fields = rest.rsplit(") ", 1)
                if comm == "(slapd" and int(fields.split()[1]) == self.process.pid:
                    return int(pid)
        pytest.fail("the demo has no slapd")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's database, uploads and signing CA, shared by this module's runs."""
    folder = tmp_path_factory.mktemp("demo-run")
    make_demo_ca(folder / "ca")
    return folder


@pytest.fixture
def start_demo(workdir: Path) -> Iterator[Callable[..., Demo]]:
    """Start the demo on a free port; whatever is left of it is killed afterwards."""
    started: list[tuple[Demo, threading.Thread]] = []

    def start(*, sigint_ignored: bool = False) -> Demo:
        port, ca = _free_port(), DemoCA.at(workdir / "ca")
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CAREERCREDIT_")}
        environ.update(
            {
                "PORT": str(port),
                "PYTHONUNBUFFERED": "1",
                "CAREERCREDIT_DATABASE_URL": f"sqlite:///{workdir / 'demo.db'}",
                "CAREERCREDIT_UPLOAD_DIR": str(workdir / "uploads"),
                "CAREERCREDIT_SIGNING_CERT": str(ca.cert),
                "CAREERCREDIT_SIGNING_KEY": str(ca.key),
                "CAREERCREDIT_SIGNING_CHAIN": str(ca.ca_cert),
            }
        )
        # A shell starts a background job (``make run &``) with SIGINT ignored.
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        process = subprocess.Popen(
            [sys.executable, "-m", "careercredit.demo"],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=ignore,
        )
        demo = Demo(process, port)
        reader = threading.Thread(target=_read, args=(process, demo.lines), daemon=True)
        reader.start()
        started.append((demo, reader))
        return demo

    yield start
    for demo, reader in started:
        with suppress(ProcessLookupError):
            os.killpg(demo.process.pid, signal.SIGKILL)
        demo.process.wait(timeout=10)
        reader.join(timeout=10)
        if demo.process.stdout is not None:
            demo.process.stdout.close()


def _read(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode("utf-8")


def _stops_with_its_slapd(demo: Demo, signum: int) -> None:
    slapd = demo.slapd()
    demo.process.send_signal(signum)
    assert demo.process.wait(timeout=30) == 0
    assert "Stopped the app and the demo directory." in demo.rest()
    assert not Path(f"/proc/{slapd}").exists(), "slapd outlived the demo"


def test_links_use_the_port_served_and_sigterm_stops_slapd(
    start_demo: Callable[..., Demo], workdir: Path
) -> None:
    demo = start_demo()
    demo.wait_for(rf"CareerCredit: http://127\.0\.0\.1:{demo.port}\b")

    outbox = _get(demo.port, "/dev/outbox")
    links = re.findall(r"http://127\.0\.0\.1:(\d+)/", outbox)
    assert links, "the demo queued no e-mail with links"
    assert set(links) == {str(demo.port)}

    with sqlite3.connect(workdir / "demo.db") as conn:
        (pdf,) = conn.execute("SELECT content FROM record_document").fetchone()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"Verify at http://127.0.0.1:{demo.port}/verify/" in text
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        assert decode_qr(pdf, workdir).startswith(f"http://127.0.0.1:{demo.port}/verify/")

    # The worker delivers the outbox to the demo's own mail server (once a minute).
    assert "E-mail: sent to a local server on 127.0.0.1:" in "".join(demo.printed)
    sent = _outbox_after_delivery(workdir / "demo.db")
    assert sent.get("sent"), sent
    assert not sent.get("failed"), sent

    _stops_with_its_slapd(demo, signal.SIGTERM)


def _outbox_after_delivery(database: Path) -> dict[str, int]:
    """The demo outbox's messages by status, once the worker has sent some (or time is up)."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        with sqlite3.connect(database) as conn:
            counts = dict(conn.execute("SELECT status, count(*) FROM outbox_message GROUP BY 1"))
        if counts.get("sent") or counts.get("failed") or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def test_ctrl_c_stops_slapd_also_in_the_background(start_demo: Callable[..., Demo]) -> None:
    demo = start_demo(sigint_ignored=True)
    demo.wait_for(rf"CareerCredit: http://127\.0\.0\.1:{demo.port}\b")
    _stops_with_its_slapd(demo, signal.SIGINT)
