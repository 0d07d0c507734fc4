"""Serving and measuring for ``scripts/bench.py``: databases, directory, gunicorn, pages.

The sessions are a browser's: each bench person signs in through the login
form, then opens a page once and keeps the cookie the app sends back, which
holds the session's CSRF secret (the sign-in's own cookie has none, so every
page replaying it made and signed a new one). The app re-stamps a session's
"last seen" time once it is older than a set period (30 s or more, see
careercredit/auth/session.py), which changes the cookie; a browser follows
that Set-Cookie, wrk does not. So the cookie is renewed the same way (one
page, keep what comes back) just before each measured slice, and no slice
lasts longer than ``MAX_SLICE_SECONDS``: the cookie wrk replays is never one
a browser would no longer send. The probe of each page says whether the page
itself changed the session (``session_changed``).

Each page's floor (``careercredit.bench.floors``) is measured in the same
run: its SQL is recorded from the probe request; its floor page (that SQL
replayed raw, its rows in plain tables, in the layout) is then measured like
the page, in slices alternating with the page's. Its parts are also timed
alone while the server is idle, to show where the floor's time goes.
"""

from __future__ import annotations

import http.client
import math
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
from dataclasses import dataclass, field, replace
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import bench_load
from sqlalchemy import create_engine, inspect, make_url, text

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "baseline (minimal Flask page)"
#: The longest a measured slice may last: the app re-stamps a session 30 s old or older.
MAX_SLICE_SECONDS = 25
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
    base: str,
    method: str,
    path: str,
    *,
    body: str = "",
    cookie: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPResponse, bytes]:
    """One request; return the status, the response (for headers) and the body."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = dict(headers or {})
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response, data


def _cookie(response: http.client.HTTPResponse, sent: str = "") -> str:
    """The cookies a browser holds after ``response``, having sent ``sent``."""
    jar = SimpleCookie()
    jar.load(sent)
    for header in response.msg.get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(f"{key}={morsel.value}" for key, morsel in jar.items())


def session_data(cookie: str) -> str:
    """The signed session's data in ``cookie``, without its time stamp and signature."""
    jar = SimpleCookie()
    jar.load(cookie)
    morsel = jar.get("careercredit_session")
    return morsel.value.rsplit(".", 2)[0] if morsel else ""


def browse(base: str, cookie: str) -> str:
    """Open the layout page with ``cookie``; return the cookie a browser would then hold.

    After signing in, this is the cookie with the session's CSRF secret in it;
    later, the one with a fresh "last seen" stamp.
    """
    from careercredit.bench.pages import LAYOUT_PATH

    status, response, page = request(base, "GET", LAYOUT_PATH, cookie=cookie)
    if status != 200:
        raise RuntimeError(f"the layout page answered {status}: {page[:300]!r}")
    return _cookie(response, cookie)


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
    return browse(base, _cookie(response, cookie))


# -- one round: a seeded database, served and measured --------------------------------------


def _app_settings(url: str, captures: Path | None = None) -> dict[str, str]:
    floors = {"CAREERCREDIT_BENCH_FLOORS": str(captures)} if captures else {}
    return {
        **floors,
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
    url: str = ""
    captures: Path = Path()
    directory: dict[str, str] = field(default_factory=dict)


def _serve(stack: ExitStack, url: str, label: str) -> Served:
    """Start the directory of ``url``'s bench people and gunicorn on ``url``; sign them in."""
    from careercredit.bench.directory import PASSWORD, start_directory

    people, pages = _discover(url)
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"cc-bench-{label}-")))
    directory, ldap = start_directory(people, work)
    stack.callback(directory.stop)
    captures = work / "captures"
    env = {**os.environ, **_app_settings(url, captures), **ldap}
    app = stack.enter_context(gunicorn("wsgi:app", ROOT, env, work / "app.log"))
    cookies = {p.uid: sign_in(app, p.uid, PASSWORD) for p in people}
    pages_by_name = {page.name: page for page in pages}
    return Served(app, people, pages_by_name, cookies, url, captures, ldap)


def measure_scales(urls: dict[float, str], settings: dict) -> dict[float, dict[str, dict]]:
    """Serve every scale's database at once and measure each page at every scale in turn.

    Each page's time is cut in slices (``settings["slices"]``, more if a slice
    would outlast ``MAX_SLICE_SECONDS``), measured at the small and the full
    scale alternately, and each figure is the median of its slices: a burst of
    the machine's other work then weighs on both scales alike and on one
    slice, not on the whole measurement. Before each slice the person's cookie
    is renewed as a browser's would be. Each page's floor page is measured in
    the same slices, right after the page's, at each scale.
    """
    results: dict[float, dict[str, dict]] = {scale: {} for scale in urls}
    with ExitStack() as stack:
        served = {scale: _serve(stack, url, f"{scale:g}") for scale, url in urls.items()}
        base_env = {**os.environ, **_app_settings(next(iter(urls.values())))}
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cc-bench-base-")))
        base = stack.enter_context(
            gunicorn("bench_baseline:app", ROOT / "scripts", base_env, work / "base.log")
        )
        names = _names(next(iter(served.values())).pages, settings.get("pages"))
        count = max(settings["slices"], math.ceil(settings["seconds"] / MAX_SLICE_SECONDS))
        every = settings["seconds"] / count
        for name in names:
            print(f"  measuring {name} …", flush=True)
            requests = {scale: _request_of(name, one, base) for scale, one in served.items()}
            requests = {scale: r for scale, r in requests.items() if r is not None}
            probes = {
                scale: _probe(_renewed(r, served[scale]), served[scale])
                for scale, r in requests.items()
            }
            # The page at each scale, and its floor page beside it: the same load, the same
            # moments of the machine's other work.
            runs: dict[tuple[float, str], Request] = {}
            for scale, r in requests.items():
                runs[scale, "page"] = r
                floor = _floor_request(r, probes[scale])
                if floor is not None:
                    runs[scale, "floor"] = floor
            slices: dict[tuple[float, str], list[bench_load.Load]] = {key: [] for key in runs}
            for (scale, _), r in runs.items():
                _load(_renewed(r, served[scale]), settings, settings["warmup"])
            for _ in range(count):
                for (scale, kind), r in runs.items():
                    slices[scale, kind].append(_load(_renewed(r, served[scale]), settings, every))
            for scale in requests:
                results[scale][name] = {**probes[scale], **_combined(slices[scale, "page"])}
                if (scale, "floor") in slices:
                    results[scale][name]["floor"]["page"] = _combined(slices[scale, "floor"])
        for scale, one in served.items():
            add_floors(results[scale], one.pages)
    return results


def _names(pages: dict, wanted: list[str] | None) -> list[str]:
    """The pages to measure: all, or those named by ``--pages`` and their layout pages."""
    if not wanted:
        return [BASELINE, *pages]
    chosen = {name for name in pages if any(text in name for text in wanted)}
    chosen |= {pages[name].layout for name in chosen if pages[name].layout}
    return [BASELINE, *(name for name in pages if name in chosen)]


@dataclass(frozen=True)
class Request:
    """One page's request as the load generator replays it."""

    server: str
    method: str
    path: str
    body: str = ""
    cookie: str = ""
    #: The bench person whose session it is (none: signed out).
    who: str | None = None
    #: The page (``careercredit.bench.targets.Page``); none for the baseline.
    page: Any = None


def _request_of(name: str, one: Served, base: str) -> Request | None:
    """The request of page ``name`` as served by ``one``."""
    from careercredit.bench.directory import PASSWORD

    if name == BASELINE:
        return Request(base, "GET", "/")
    page = one.pages.get(name)
    if page is None:
        return None
    if page.method == "POST":
        cookie, token = login_form(one.app)
        body = login_body(token, one.people[0].uid, PASSWORD)
        return Request(one.app, page.method, page.path, body, cookie, page=page)
    cookie = one.cookies.get(page.who or "", "")
    return Request(one.app, page.method, page.path, "", cookie, page.who, page)


def _renewed(r: Request, one: Served) -> Request:
    """``r`` with its person's cookie as a browser holds it now (see the module's docstring)."""
    if r.who is None:
        return r
    one.cookies[r.who] = browse(one.app, one.cookies[r.who])
    return replace(r, cookie=one.cookies[r.who])


def _probe(r: Request, one: Served) -> dict:
    """One request: the page must answer, and tells its size, SQL queries and floor."""
    from careercredit.bench.pages import FLOOR_PATH, HEADER

    capture = secrets.token_hex(8)
    headers = {"Accept-Encoding": bench_load.ACCEPT_ENCODING}
    if r.page is not None:
        headers[HEADER] = capture
    status, response, page = request(
        r.server, r.method, r.path, body=r.body, cookie=r.cookie, headers=headers
    )
    if status not in {200, 302}:
        raise RuntimeError(f"{r.method} {r.path} answered {status}: {page[:300]!r}")
    queries = response.getheader("X-Query-Count")
    figures: dict[str, Any] = {
        "path": r.path,
        "method": r.method,
        "status": status,
        "bytes": len(page),  # as sent: compressed when the app compresses
        "encoding": response.getheader("Content-Encoding"),
        "queries": int(queries) if queries is not None else None,
    }
    if r.who is not None:
        # A page that changes the session makes every browser take a new cookie.
        figures["session_changed"] = session_data(r.cookie) != session_data(
            _cookie(response, r.cookie)
        )
    if r.page is not None and (r.page.layout or r.page.method == "POST"):
        pdf = (response.getheader("Content-Type") or "").startswith("application/pdf")
        captured = one.captures / f"{capture}.pickle"
        figures["floor"] = _floor_parts(one, r.page, captured, pdf=pdf)
        if "error" not in figures["floor"]:
            path = FLOOR_PATH + capture + ("?as=pdf" if pdf else "")
            figures["floor"]["path"] = _floor_page(r, path)
    return figures


def _floor_page(r: Request, path: str) -> str:
    """``path``, the floor page of ``r``'s recorded request, once it answers as the page does."""
    status, _, page = request(r.server, r.method, path, body=r.body, cookie=r.cookie)
    if status not in {200, 302}:
        raise RuntimeError(f"the floor page {r.method} {path} answered {status}: {page[:300]!r}")
    return path


def _floor_request(r: Request, probe: dict) -> Request | None:
    """The request of the floor page of ``r`` (none if the page has no floor)."""
    path = (probe.get("floor") or {}).get("path")
    return replace(r, path=path, page=None) if path else None


def _floor_parts(one: Served, page: Any, capture: Path, *, pdf: bool) -> dict[str, Any]:
    """The parts of ``page``'s floor measured here: its SQL, its rows' table, the directory.

    The table of a page that is a PDF is a PDF of its rows (``floors.pdf_tables``).
    """
    from careercredit.bench import floors
    from careercredit.bench.directory import PASSWORD

    try:
        sql = floors.sql_floor(one.url, floors.read_capture(capture))
    except (OSError, floors.NotReplayable) as exc:
        return {"error": str(exc)}
    parts: dict[str, Any] = {
        "statements": sql.statements,
        "rows": sql.rows,
        "sql_ms": round(sql.ms, 3),
    }
    if page.method == "POST":
        settings = _directory_settings(one.directory)
        ms = floors.directory_ms(settings, one.people[0].uid, PASSWORD)
        parts["directory_ms"] = round(ms, 3)
    else:
        parts["table_ms"] = round(floors.table_ms(sql.results, pdf=pdf), 3)
    return parts


def _directory_settings(env: dict[str, str]) -> Any:
    """The bench directory's settings, from the app's ``CAREERCREDIT_LDAP_*`` variables."""
    from careercredit.auth.ldap import DirectorySettings

    return DirectorySettings(
        uri=env["CAREERCREDIT_LDAP_URI"],
        bind_dn=env["CAREERCREDIT_LDAP_BIND_DN"],
        bind_password=env["CAREERCREDIT_LDAP_BIND_PASSWORD"],
        user_base=env["CAREERCREDIT_LDAP_USER_BASE"],
        group_base=env["CAREERCREDIT_LDAP_GROUP_BASE"],
    )


def add_floors(figures: dict[str, dict], pages: dict) -> None:
    """Give each page its floor page's median and divide the page's median by it.

    The parts timed alone (SQL, table, directory) and the layout page's median
    are kept beside it, with their sum (``parts_ms``, the floor as measured
    before the floor page was served under load).
    """
    from careercredit.bench.floors import floor_ms

    for name, page in figures.items():
        floor = page.get("floor")
        if not floor or "error" in floor:
            continue
        layout = pages[name].layout
        if layout and layout in figures:
            floor["layout_ms"] = figures[layout]["p50_ms"]
        floor["parts_ms"] = round(floor_ms(floor), 3)
        served = floor.pop("page", None)
        if served is None:
            continue
        floor["ms"] = served["p50_ms"]
        floor["p95_ms"] = served["p95_ms"]
        floor["rps"] = served["rps"]
        floor["slices_ms"] = served["slices_p50_ms"]
        floor["failed"] = served["failed"]
        floor["target"] = pages[name].target
        page["floor_ratio"] = round(page["p50_ms"] / floor["ms"], 2) if floor["ms"] else None


def _load(r: Request, settings: dict, seconds: float) -> bench_load.Load:
    options = {"connections": settings["connections"], "method": r.method, "body": r.body}
    return bench_load.run(r.server + r.path, seconds=seconds, cookie=r.cookie, **options)


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
