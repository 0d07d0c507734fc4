"""The app's PostgreSQL connections run without JIT compilation (see ``_connection_settings``)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from careercredit.extensions import db
from tests.conftest import EXTERNAL_DATABASE_URL


@pytest.mark.skipif(
    not (EXTERNAL_DATABASE_URL or "").startswith("postgresql"),
    reason="JIT compilation is PostgreSQL's; SQLite has none",
)
def test_every_connection_of_the_app_runs_without_jit(app: Flask) -> None:
    # Two connections at once: the pool's first and a fresh one are set alike.
    with app.app_context(), db.engine.connect() as first, db.engine.connect() as second:
        assert first.scalar(text("SHOW jit")) == "off"
        assert second.scalar(text("SHOW jit")) == "off"
        # The setting holds for the session, past a transaction's end.
        second.commit()
        assert second.scalar(text("SHOW jit")) == "off"
