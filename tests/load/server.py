"""gunicorn serving ``wsgi:app`` on 127.0.0.1, always stopped with its whole process group."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Served:
    """A running gunicorn: where it listens and where it logs."""

    host: str
    port: int
    error_log: Path
    access_log: Path

    def log_lines(self, *words: str) -> list[str]:
        """Lines of the error log holding any of ``words``."""
        if not self.error_log.exists():
            return []
        text = self.error_log.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if any(w in line for w in words)]


def app_environment(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without any CAREERCREDIT_* of its own, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERCREDIT_")}
    env.update(settings)
    return env


@contextmanager
def gunicorn(
    settings: dict[str, str], log_dir: Path, *, workers: int = 2, threads: int = 4
) -> Iterator[Served]:
    """Serve the app configured by ``settings`` until the block ends.

    ``threads`` above 1 picks gthread workers, which keep connections alive;
    1 picks the sync workers of the README's deployment.
    """
    port = _free_port()
    served = Served("127.0.0.1", port, log_dir / "gunicorn-error.log", log_dir / "access.log")
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers),
        "--worker-class", "gthread" if threads > 1 else "sync",
        "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}",
        "--backlog", "2048",
        "--keep-alive", "30",
        "--timeout", "120",
        "--graceful-timeout", "15",
        "--error-logfile", str(served.error_log),
        "--access-logfile", str(served.access_log),
        "--capture-output",
        # gunicorn 27's control socket has one default path: runs side by side would share it.
        "--no-control-socket",
        "wsgi:app",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=app_environment(settings),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up(served, process)
        yield served
    finally:
        _stop(process)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(served: Served, process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until a worker answers /healthz (every worker boots on its own)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = "\n".join(served.log_lines("Error", "error", "Traceback")[-20:])
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail}")
        conn = http.client.HTTPConnection(served.host, served.port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    group = process.pid  # start_new_session: the group id is the master's pid
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
