"""The one clock: "today" on the institution's calendar, stored UTC times shown in its zone.

``CAREERCREDIT_TIMEZONE`` names the zone; an unknown name stops the start
with a message naming the variable. The moment is fixed by replacing
``clock.system_time``, the one place the system clock is read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import select

import config
from careercredit import clock, create_app
from careercredit.extensions import db
from careercredit.models import OutboxMessage
from careercredit.outbox.services import queue_email
from config import ConfigError, read_settings
from tests.conftest import PEOPLE, login

#: 23:30 on 5 December 2026 in Chicago (CST, UTC-6): already the 6th in UTC.
EVENING = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _evening(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "system_time", lambda: EVENING)


@pytest.fixture
def chicago(make_app: Callable[..., Flask]) -> Flask:
    return make_app(TIMEZONE="America/Chicago")


def test_without_a_setting_the_institution_is_on_utc(app: Flask) -> None:
    with app.app_context():
        assert app.config["TIMEZONE"] == "UTC"
        assert clock.today() == date(2026, 12, 6)
        assert clock.datetime_text(EVENING) == "2026-12-06 05:30 UTC"


def test_today_and_times_follow_the_institutions_zone(chicago: Flask) -> None:
    with chicago.app_context():
        assert clock.now() == EVENING
        assert clock.zone().key == "America/Chicago"
        assert clock.today() == date(2026, 12, 5)
        assert clock.local(EVENING).hour == 23
        # SQLite hands back naive values; they are UTC.
        assert clock.date_text(EVENING.replace(tzinfo=None)) == "2026-12-05"
        summer = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)
        assert clock.datetime_text(summer) == "2026-07-01 12:00 CDT"
        assert clock.date_text(None) == clock.datetime_text(None) == ""


def test_a_stored_time_is_shown_on_a_page_in_local_time(chicago: Flask) -> None:
    with chicago.app_context():
        db.session.add(
            OutboxMessage(to_addr="ada@example.edu", subject="Hello", body=".", created_at=EVENING)
        )
        db.session.commit()
    admin = chicago.test_client()
    assert login(admin, PEOPLE["admin"]).status_code == 302
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "2026-12-05 23:30 CST" in page
    assert "05:30" not in page


def test_a_stored_time_is_written_in_an_email_on_the_local_day(chicago: Flask) -> None:
    with chicago.app_context():
        document = SimpleNamespace(code="ABCD-EFGH", issued_at=EVENING)
        queue_email(
            ["ada@example.edu"], "record_issued", document=document, link="", verify_link=""
        )
        body = db.session.scalars(select(OutboxMessage.body)).one()
    assert "issued on 05 December 2026." in body


def test_an_unknown_zone_is_refused_naming_the_variable() -> None:
    with pytest.raises(
        ConfigError, match="CAREERCREDIT_TIMEZONE: unknown time zone 'Mars/Olympus'"
    ):
        read_settings({"CAREERCREDIT_TIMEZONE": "Mars/Olympus"})
    assert read_settings({"CAREERCREDIT_TIMEZONE": "America/Chicago"})["TIMEZONE"] == (
        "America/Chicago"
    )
    assert read_settings({})["TIMEZONE"] == "UTC"


def test_an_unknown_zone_set_in_code_stops_the_start() -> None:
    settings = config.TestingConfig(environ={})
    settings.SECRET_KEY = "test secret key"
    settings.TIMEZONE = "Central Time"
    with pytest.raises(ConfigError, match="CAREERCREDIT_TIMEZONE: unknown time zone"):
        create_app(settings)
