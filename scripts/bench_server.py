"""Serving and measuring for ``scripts/bench.py``: databases, directory, gunicorn, pages."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import bench_load
from sqlalchemy import create_engine, inspect, make_url, text

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "baseline (minimal Flask page)"
_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


# -- databases -------------------------------------------------------------------------


def scaled_postgres(url: str, tag: str) -> str:
    """The PostgreSQL database of one scale: ``<database>_<tag>`` on the same server."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{tag}").render_as_string(hide_password=False)


def empty_database(url: str) -> None:
    """Make the database exist and be empty: a new SQLite file, or a new PostgreSQL database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        name = parsed.database
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()


def has_plans(url: str) -> bool:
    """Whether the database exists and holds credit plans."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if "credit_plan" not in inspect(conn).get_table_names():
                return False
            return conn.scalar(text("SELECT id FROM credit_plan LIMIT 1")) is not None
    except Exception:
        return False
    finally:
        engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    """Rows of every table."""
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        # Table names come from the database's own catalogue, not from a user.
        counts = {
            t: conn.scalar(text(f'SELECT count(*) FROM "{t}"'))  # noqa: S608
            for t in sorted(tables)
        }
    engine.dispose()
    return counts


def database_version(url: str) -> str:
    """The database server's name and version."""
    engine = create_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = "SQLite " + conn.scalar(text("SELECT sqlite_version()"))
        else:
            version = conn.scalar(text("SHOW server_version"))
            version = f"PostgreSQL {version}"
    engine.dispose()
    return version


# -- the app and what it serves ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(target: str, cwd: Path, env: dict[str, str], log: Path):
    """Serve ``target`` with 2 sync workers on a free port; yield its base URL."""
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
        "--backlog", "2048", "--error-logfile", str(log), target,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=cwd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(port, process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            status, _, _ = request(f"http://127.0.0.1:{port}", "GET", "/login")
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def request(
    base: str, method: str, path: str, *, body: str = "", cookie: str = ""
) -> tuple[int, http.client.HTTPResponse, bytes]:
    """One request; return the status, the response (for headers) and the body."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response, data


def _cookie(response: http.client.HTTPResponse) -> str:
    jar = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(f"{key}={morsel.value}" for key, morsel in jar.items())


def login_form(base: str) -> tuple[str, str]:
    """A fresh session's cookie and the CSRF token of its login form."""
    status, response, page = request(base, "GET", "/login")
    match = _CSRF.search(page.decode())
    if status != 200 or not match:
        raise RuntimeError(f"the login page answered {status} without a form")
    return _cookie(response), match.group(1)


def login_body(token: str, uid: str, password: str) -> str:
    return urlencode({"csrf_token": token, "username": uid, "password": password, "next": ""})


def sign_in(base: str, uid: str, password: str) -> str:
    """Sign in through the login form, as a browser would; return the session cookie."""
    cookie, token = login_form(base)
    status, response, page = request(
        base, "POST", "/login", body=login_body(token, uid, password), cookie=cookie
    )
    if status != 302:
        raise RuntimeError(f"signing in as {uid} answered {status}: {page[:300]!r}")
    return _cookie(response)


# -- one round: a seeded database, served and measured --------------------------------------


def _app_settings(url: str) -> dict[str, str]:
    return {
        "CAREERCREDIT_ENV": "production",
        "CAREERCREDIT_SECRET_KEY": secrets.token_hex(32),
        "CAREERCREDIT_DATABASE_URL": url,
        # The bench directory is a slapd on 127.0.0.1 and nothing is e-mailed: production
        # settings otherwise, so the measured pages run as a real deployment runs them.
        "CAREERCREDIT_LDAP_ALLOW_PLAINTEXT": "true",
        "CAREERCREDIT_BASE_URL": "https://careercredit.bench.invalid",
        "CAREERCREDIT_LOGIN_RATE_LIMIT": "1000000 per minute",
        "CAREERCREDIT_VERIFY_RATE_LIMIT": "1000000 per minute",
        "CAREERCREDIT_BENCH_COUNT_QUERIES": "1",
    }


def _discover(url: str):
    """Migrate the database and find the bench people and pages in it."""
    os.environ.update({"CAREERCREDIT_ENV": "development", "CAREERCREDIT_SECRET_KEY": "x"})
    from flask_migrate import upgrade

    from careercredit import create_app
    from careercredit.bench.directory import bench_people
    from careercredit.bench.targets import bench_pages
    from careercredit.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        people = bench_people()
        pages = bench_pages(people)
        db.engine.dispose()
    return people, pages


@dataclass
class Served:
    """One seeded database being served: its app, people, pages and sessions."""

    app: str
    people: list
    pages: dict
    cookies: dict[str, str]


def _serve(stack: ExitStack, url: str, label: str) -> Served:
    """Start the directory of ``url``'s bench people and gunicorn on ``url``; sign them in."""
    from careercredit.bench.directory import PASSWORD, start_directory

    people, pages = _discover(url)
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"cc-bench-{label}-")))
    directory, ldap = start_directory(people, work)
    stack.callback(directory.stop)
    env = {**os.environ, **_app_settings(url), **ldap}
    app = stack.enter_context(gunicorn("wsgi:app", ROOT, env, work / "app.log"))
    cookies = {p.uid: sign_in(app, p.uid, PASSWORD) for p in people}
    return Served(app, people, {page.name: page for page in pages}, cookies)


def measure_scales(urls: dict[float, str], settings: dict) -> dict[float, dict[str, dict]]:
    """Serve every scale's database at once and measure each page at every scale in turn.

    Each page's time is cut in ``settings["slices"]`` slices, measured at the
    small and the full scale alternately, and each figure is the median of
    its slices: a burst of the machine's other work then weighs on both
    scales alike and on one slice, not on the whole measurement.
    """
    results: dict[float, dict[str, dict]] = {scale: {} for scale in urls}
    with ExitStack() as stack:
        served = {scale: _serve(stack, url, f"{scale:g}") for scale, url in urls.items()}
        base_env = {**os.environ, **_app_settings(next(iter(urls.values())))}
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cc-bench-base-")))
        base = stack.enter_context(
            gunicorn("bench_baseline:app", ROOT / "scripts", base_env, work / "base.log")
        )
        names = [BASELINE, *next(iter(served.values())).pages]
        if settings.get("pages"):
            names = [BASELINE, *(n for n in names[1:] if any(t in n for t in settings["pages"]))]
        for name in names:
            print(f"  measuring {name} …", flush=True)
            requests = {scale: _request_of(name, one, base) for scale, one in served.items()}
            requests = {scale: r for scale, r in requests.items() if r is not None}
            probes = {scale: _probe(*r) for scale, r in requests.items()}
            slices: dict[float, list[bench_load.Load]] = {scale: [] for scale in requests}
            for r in requests.values():
                _load(*r, settings, settings["warmup"])
            every = settings["seconds"] / settings["slices"]
            for _ in range(settings["slices"]):
                for scale, r in requests.items():
                    slices[scale].append(_load(*r, settings, every))
            for scale in requests:
                results[scale][name] = {**probes[scale], **_combined(slices[scale])}
    return results


def _request_of(name: str, one: Served, base: str) -> tuple[str, str, str, str, str] | None:
    """(server, method, path, body, cookie) of page ``name`` as served by ``one``."""
    from careercredit.bench.directory import PASSWORD

    if name == BASELINE:
        return base, "GET", "/", "", ""
    page = one.pages.get(name)
    if page is None:
        return None
    body, cookie = "", one.cookies.get(page.who or "", "")
    if page.method == "POST":
        cookie, token = login_form(one.app)
        body = login_body(token, one.people[0].uid, PASSWORD)
    return one.app, page.method, page.path, body, cookie


def _probe(base: str, method: str, path: str, body: str, cookie: str) -> dict:
    """One request: the page must answer, and tells its size and SQL queries."""
    status, response, page = request(base, method, path, body=body, cookie=cookie)
    if status not in {200, 302}:
        raise RuntimeError(f"{method} {path} answered {status}: {page[:300]!r}")
    queries = response.getheader("X-Query-Count")
    return {
        "path": path,
        "method": method,
        "status": status,
        "bytes": len(page),
        "queries": int(queries) if queries is not None else None,
    }


def _load(
    base: str, method: str, path: str, body: str, cookie: str, settings: dict, seconds: float
) -> bench_load.Load:
    options = {"connections": settings["connections"], "method": method, "body": body}
    return bench_load.run(base + path, seconds=seconds, cookie=cookie, **options)


def _combined(slices: list[bench_load.Load]) -> dict:
    """One page's figures from its slices: medians of the latencies, all requests counted."""
    requests = sum(s.requests for s in slices)
    seconds = sum(s.seconds for s in slices)
    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "failed": sum(s.failed for s in slices),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": statistics.median(s.p50_ms for s in slices),
        "p95_ms": statistics.median(s.p95_ms for s in slices),
        "p99_ms": statistics.median(s.p99_ms for s in slices),
        "slices_p50_ms": [s.p50_ms for s in slices],
    }
