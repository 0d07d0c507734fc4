"""The evening edge: hours logged late at night belong to the institution's day, not UTC's.

At 23:30 in Chicago on 5 December it is already 05:30 on 6 December in UTC.
A campus with ``CAREERCREDIT_TIMEZONE=America/Chicago`` is still on the 5th:
an entry for the 5th is today's (not "in the future"), one for the 6th is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from careercredit import clock
from tests.hours.pages import error_of, log, new_url, student_plan

#: 23:30 on 5 December 2026 in Chicago (CST, UTC-6): 05:30 on the 6th in UTC.
EVENING = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)
LOCAL_TODAY = date(2026, 12, 5)
UTC_TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _evening(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "system_time", lambda: EVENING)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The test campus in Chicago."""
    return make_app(TIMEZONE="America/Chicago")


def _plan(app: Flask, make) -> tuple[int, int]:
    start = LOCAL_TODAY - timedelta(days=14)
    term = make.term(starts_on=start)
    project = make.project(hours=45, starts_on=start, ends_on=LOCAL_TODAY + timedelta(days=60))
    plan_id, (placement,) = student_plan(app, make, term_id=term, projects=[project])
    return plan_id, placement


def test_today_is_the_institutions_date(app: Flask) -> None:
    assert clock.today() == UTC_TODAY  # outside the app: UTC
    with app.app_context():
        assert clock.now() == EVENING
        assert clock.today() == LOCAL_TODAY
        assert clock.datetime_text(EVENING) == "2026-12-05 23:30 CST"
        assert clock.date_text(EVENING.replace(tzinfo=None)) == "2026-12-05"  # as SQLite reads it


def test_hours_logged_at_2330_local_count_for_the_local_day(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, placement = _plan(app, make)

    form = student.get(new_url(plan_id, placement)).get_data(as_text=True)
    assert f'max="{LOCAL_TODAY}"' in form

    response = log(student, plan_id, placement, work_date=LOCAL_TODAY, hours="1.5")
    assert response.status_code == 302, error_of(response.get_data(as_text=True), "work_date")

    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    # The entry's date cell (its other attributes, such as a phone's card label, aside).
    assert re.search(rf'<td class="nowrap"[^>]*>{LOCAL_TODAY}</td>', page)


def test_utcs_tomorrow_is_still_the_future_on_campus(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, placement = _plan(app, make)

    response = log(student, plan_id, placement, work_date=UTC_TODAY)

    assert response.status_code == 422
    message = error_of(response.get_data(as_text=True), "work_date")
    assert f"The date is in the future (today is {LOCAL_TODAY})" in message
