"""Counting the SQL statements of each request, for the benchmark only.

``create_app`` installs it when ``CAREERCREDIT_BENCH_COUNT_QUERIES=1``: every
response then carries ``X-Query-Count``, the statements its request ran
(session and sign-in checks included).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event

from careercredit.extensions import db

HEADER = "X-Query-Count"
ENV = "CAREERCREDIT_BENCH_COUNT_QUERIES"


def count_queries(app: Flask) -> None:
    """Add ``X-Query-Count`` to every response of ``app``."""

    def counted(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if has_request_context():
            g.bench_queries = g.get("bench_queries", 0) + 1

    def add_header(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("bench_queries", 0))
        return response

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counted)
    app.after_request(add_header)
