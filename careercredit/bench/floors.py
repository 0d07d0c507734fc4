"""A page's floor: the least the page could cost, measured in the same run as the page.

``scripts/bench.py`` divides each page's median by its floor. A page's floor
is its **floor page** (``/bench/floor/<name>``, ``careercredit.bench.pages``),
served by the same gunicorn and measured under the same load as the page,
in alternating slices with it. The floor page does the least the page could
do:

- **SQL**: the statements the page ran (recorded by
  ``careercredit.bench.pages`` from one real request), replayed through the
  raw driver (``sqlite3``, ``psycopg``) on a connection of the app's pool:
  the same statements and parameters, every row fetched, committed where the
  page committed. No ORM, no statement building.
- **table**: the rows those statements returned, rendered into a plain Jinja
  ``<table>`` (one per statement, every column). No macros, no ``url_for``,
  no logic. A page that answers with a PDF gets a PDF of the same rows
  instead: plain reportlab tables in the records' font (``pdf_tables``), as
  an HTML table is no floor for a document that must be laid out and
  embed its font.
- **layout**: the signed-in layout (menu, name, the sign-out form and its
  CSRF token) around those tables, after the same session checks as any page.

The sign-in POST's floor page replays the sign-in's SQL and does the
directory part of a sign-in with python-ldap alone: connect, bind as the
service account, search for the person and their groups, bind as the person;
then it answers with a redirect.

The parts are also timed alone here, in the bench's process while the
server is idle (the median of as many repetitions as fit in about a second),
and kept in the results beside the floor page's median: they show where a
floor's time goes, but they are not under load, so the page is not divided
by their sum.
"""

from __future__ import annotations

import io
import pickle
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ldap
import ldap.filter
from jinja2 import Environment, FileSystemLoader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, SimpleDocTemplate, Table
from sqlalchemy import make_url

from careercredit.auth.ldap import DirectorySettings
from careercredit.pdf.fonts import register_fonts

#: The mark a capture holds where the request committed.
COMMIT = "COMMIT"

#: The plain table of a page's rows: what showing them costs at the least. The floor page
#: includes the same template in the layout (``templates/bench/layout.html``).
TABLE = Environment(
    autoescape=True,
    loader=FileSystemLoader(Path(__file__).resolve().parents[2] / "templates"),
).get_template("bench/_table.html")


class NotReplayable(Exception):
    """The request's statements could not be recorded or replayed."""


@dataclass(frozen=True)
class Statement:
    """One statement as the driver received it."""

    sql: str
    parameters: Any
    many: bool = False


#: A request's SQL in order: statements, and ``COMMIT`` where it committed.
Capture = list[Statement | str]


@dataclass(frozen=True)
class SqlFloor:
    """The SQL part of a floor: its median time, and what it returned."""

    ms: float
    statements: int
    rows: int
    results: list[list[tuple[Any, ...]]]


def read_capture(path: Path) -> Capture:
    """The statements recorded in ``path`` (written by the app the bench started)."""
    # The file was written moments ago by the gunicorn this bench started, in a
    # directory of its own: it is not input from anyone else.
    recorded = pickle.loads(path.read_bytes())  # noqa: S301  # nosec B301
    if isinstance(recorded, str):
        raise NotReplayable(recorded)
    return [item if item == COMMIT else Statement(*item) for item in recorded]


def median_ms(
    work: Callable[[], object], *, budget: float = 1.0, least: int = 3, most: int = 200
) -> float:
    """The median time of ``work`` in ms, over as many runs as fit in ``budget`` seconds."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < most and (len(times) < least or time.perf_counter() - started < budget):
        before = time.perf_counter()
        work()
        times.append((time.perf_counter() - before) * 1000)
    return statistics.median(times)


def connect(url: str) -> Any:
    """A raw DB-API connection to the database of SQLAlchemy URL ``url``, set up as the app's."""
    from careercredit import _connection_settings

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn: Any = sqlite3.connect(parsed.database or ":memory:")
    else:
        import psycopg

        conn = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    _connection_settings(conn, None)  # the app's own connection settings, whatever they are
    return conn


def replay(conn: Any, capture: Capture) -> list[list[tuple[Any, ...]]]:
    """Run ``capture`` once on ``conn``; return the rows of each statement that returned some."""
    results: list[list[tuple[Any, ...]]] = []
    cursor = conn.cursor()
    try:
        for item in capture:
            if isinstance(item, str):
                conn.commit()
                continue
            if item.many:
                cursor.executemany(item.sql, item.parameters)
            else:
                cursor.execute(item.sql, item.parameters)
            if cursor.description is not None:
                results.append([tuple(row) for row in cursor.fetchall()])
    finally:
        cursor.close()
        conn.rollback()  # what the page did not commit it did not keep
    return results


def sql_floor(url: str, capture: Capture, *, budget: float = 1.0) -> SqlFloor:
    """Replay ``capture`` through the raw driver; its median time and its rows."""
    conn = connect(url)
    try:
        try:
            results = replay(conn, capture)
        except Exception as exc:  # any driver's error: this page gets no SQL floor
            raise NotReplayable(f"{type(exc).__name__}: {exc}") from None
        ms = median_ms(lambda: replay(conn, capture), budget=budget)
    finally:
        conn.close()
    statements = sum(1 for item in capture if isinstance(item, Statement))
    return SqlFloor(ms, statements, sum(len(rows) for rows in results), results)


def render_table(results: Sequence[Sequence[tuple[Any, ...]]]) -> str:
    """The rows of ``results`` as plain HTML tables."""
    return TABLE.render(results=results)


def pdf_tables(results: Sequence[Sequence[tuple[Any, ...]]]) -> bytes:
    """The rows of ``results`` as a PDF at the least: plain reportlab tables, one per statement.

    The floor of a page that answers with a PDF (the term report): the same
    rows, set in the records' font on A4 pages, with none of the page's
    headings, bars or paragraphs.
    """
    font, _ = register_fonts()
    style = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8)]
    story: list[Flowable] = [
        Table([["" if value is None else str(value) for value in row] for row in rows], style=style)
        for rows in results
        if rows
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def table_ms(
    results: Sequence[Sequence[tuple[Any, ...]]], *, pdf: bool = False, budget: float = 0.5
) -> float:
    """The median time of rendering ``results`` into plain tables (of a PDF if ``pdf``)."""
    draw = pdf_tables if pdf else render_table
    return median_ms(lambda: draw(results), budget=budget)


def sign_in_directory(settings: DirectorySettings, uid: str, password: str) -> None:
    """Sign ``uid`` in with python-ldap alone: connect, bind, search the person and groups, bind."""
    conn = ldap.initialize(settings.uri)
    conn.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    try:
        conn.simple_bind_s(settings.bind_dn or "", settings.bind_password or "")
        query = ldap.filter.filter_format(settings.user_filter, [uid])
        found = conn.search_s(settings.user_base, ldap.SCOPE_SUBTREE, query)
        dn = found[0][0]
        groups = ldap.filter.filter_format(settings.group_filter, [dn])
        conn.search_s(settings.group_base, ldap.SCOPE_SUBTREE, groups, ["1.1"])
        conn.simple_bind_s(dn, password)
    finally:
        conn.unbind_s()


def directory_ms(
    settings: DirectorySettings, uid: str, password: str, *, budget: float = 1.0
) -> float:
    """The median time of the raw directory sign-in of ``uid``."""
    return median_ms(lambda: sign_in_directory(settings, uid, password), budget=budget)


#: The parts a floor adds up (a sign-in has no table and no layout; a page no directory).
PARTS = ("sql_ms", "table_ms", "layout_ms", "directory_ms")


def floor_ms(parts: dict[str, Any]) -> float:
    """A floor: the sum of the parts measured."""
    return float(sum(parts.get(part) or 0.0 for part in PARTS))
