"""Counting the SQL statements a block of code or a page runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from careercredit.extensions import db


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL text of each statement the app runs inside the block, in order."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_statements(app: Flask, client: FlaskClient, path: str) -> tuple[list[str], str]:
    """GET ``path`` (it must answer 200); answers the statements it ran and the page's text."""
    with statements(app) as seen:
        response = client.get(path)
    assert response.status_code == 200
    return seen, response.get_data(as_text=True)
