"""Load generators for ``scripts/bench.py``: wrk when installed, else a Python client.

Both run in processes of their own, keep a fixed number of connections busy
for a given time and report requests per second, latency percentiles and
failed answers (4xx/5xx and socket errors). Like a browser, they accept
compressed answers (``ACCEPT_ENCODING``): a page is measured as it travels.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

#: What every browser says it can decode.
ACCEPT_ENCODING = "gzip, deflate"

#: wrk's Lua script: the request from the environment, the summary as one JSON line.
WRK_SCRIPT = r"""
wrk.method = os.getenv("BENCH_METHOD")
wrk.headers["Accept-Encoding"] = os.getenv("BENCH_ACCEPT_ENCODING")
local body = os.getenv("BENCH_BODY")
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= "" then wrk.headers["Cookie"] = cookie end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.6f, "failed": %d, "p50_ms": %.3f, '
    .. '"p95_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6,
    e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000))
end
"""


@dataclass(frozen=True)
class Load:
    """What one run measured."""

    requests: int
    seconds: float
    failed: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "rps": round(self.rps, 1)}


def generator() -> str:
    """``wrk`` if it is installed, else ``python``."""
    return "wrk" if shutil.which("wrk") else "python"


def run(
    url: str,
    *,
    seconds: float,
    connections: int,
    method: str = "GET",
    body: str = "",
    cookie: str = "",
) -> Load:
    """Keep ``connections`` requests to ``url`` going for ``seconds``; return what happened."""
    if generator() == "wrk":
        return _wrk(url, seconds, connections, method, body, cookie)
    return _python(url, seconds, connections, method, body, cookie)


def _wrk(url: str, seconds: float, connections: int, method: str, body: str, cookie: str) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        env = {
            "BENCH_METHOD": method,
            "BENCH_BODY": body,
            "BENCH_COOKIE": cookie,
            "BENCH_ACCEPT_ENCODING": ACCEPT_ENCODING,
            "PATH": "",
        }
        command = [
            shutil.which("wrk") or "wrk", "-t1", f"-c{connections}",
            f"-d{max(1, round(seconds))}s", "--timeout", "30s", "-s", script.name, url,
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    finally:
        Path(script.name).unlink()
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    return Load(**json.loads(line.removeprefix("BENCH ")))


def _python(
    url: str, seconds: float, connections: int, method: str, body: str, cookie: str
) -> Load:
    """The fallback: one process per connection, each a keep-alive ``http.client`` loop."""
    args = (url, seconds, method, body, cookie)
    with multiprocessing.get_context("spawn").Pool(connections) as pool:
        parts = pool.starmap(_client, [args] * connections)
    latencies = sorted(ms for part in parts for ms in part[0])
    failed = sum(part[1] for part in parts)
    if not latencies:
        return Load(0, seconds, failed, 0, 0, 0, 0)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return Load(
        len(latencies), seconds, failed, pct(50), pct(95), pct(99), statistics.fmean(latencies)
    )


def _client(url: str, seconds: float, method: str, body: str, cookie: str) -> tuple[list, int]:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Accept-Encoding": ACCEPT_ENCODING}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    latencies, failed = [], 0
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status >= 400:
            failed += 1
        if response.will_close:
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.close()
    return latencies, failed
