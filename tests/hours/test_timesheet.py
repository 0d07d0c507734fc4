"""Hours by the week through the pages: a row per day, all saved together or none.

Every row follows the rules of a single entry; a sheet with any broken row
answers 422 with the message beside that row, everything typed still in the
boxes, and nothing written. A sheet sent twice logs its hours once.
"""

from __future__ import annotations

import html
import re
import secrets
import threading
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.hours.timesheet import monday_of
from careercredit.models import HourEntry, HourStatus, PlanState, Role
from tests.conftest import csrf_token
from tests.hours.pages import TODAY, WORK, add_entry, error_of, events, new_url, student_plan

#: Last week: every day of it lies in the factories' term and project, and before today.
LAST_WEEK = monday_of(TODAY) - timedelta(days=7)
TUESDAY_WORK = "Built the first dashboard of the donations data."


def week_url(plan_id: int, placement_id: int, week: date = LAST_WEEK, **args: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"week": week.isoformat(), **args}.items())
    return f"/plans/{plan_id}/placements/{placement_id}/hours/week?{query}"


def _submission(page: str) -> str:
    match = re.search(r'name="submission"[^>]*value="([0-9a-f]{32})"', page)
    assert match, "no sheet id on the page"
    return match.group(1)


def send_week(
    client: FlaskClient,
    url: str,
    rows: dict[int, tuple[str, str]],
    *,
    submission: str | None = None,
) -> Any:
    """Load the sheet, fill ``rows`` (day number → hours, words) and send it."""
    page = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, url),
        "submission": submission or _submission(page),
    }
    for n in range(7):
        hours, words = rows.get(n, ("", ""))
        data[f"rows-{n}-hours"] = hours
        data[f"rows-{n}-description"] = words
    return client.post(url, data=data)


def _entries(app: Flask) -> list[HourEntry]:
    with app.app_context():
        rows = db.session.scalars(select(HourEntry).order_by(HourEntry.work_date)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def _text(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no {name}"
    return html.unescape(match.group(1)).strip()


def test_a_week_is_logged_at_once(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    page = student.get(week_url(plan_id, placement)).get_data(as_text=True)
    assert f"Hours of the week of {LAST_WEEK}" in page
    assert f"Monday {LAST_WEEK}" in page

    response = send_week(
        student, week_url(plan_id, placement), {0: ("2.5", WORK), 1: ("3", TUESDAY_WORK)}
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plans/{plan_id}#hours-{placement}")
    entries = _entries(app)
    assert [(e.work_date, str(e.hours), e.description) for e in entries] == [
        (LAST_WEEK, "2.50", WORK),
        (LAST_WEEK + timedelta(days=1), "3.00", TUESDAY_WORK),
    ]
    assert all(e.status == HourStatus.submitted for e in entries)
    assert len(events(app, "hour_entry.log")) == 2
    plan_page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Logged 5.5 hours on 2 days" in plan_page
    assert "5.5 more logged and waiting for verification" in plan_page


def test_one_bad_row_saves_nothing_and_keeps_every_row(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    response = send_week(
        student,
        week_url(plan_id, placement),
        {
            0: ("2", WORK),
            2: ("1.3", TUESDAY_WORK),
            4: ("ten", "Wrote the memo for the board."),
            5: ("1", "short"),
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert "quarter hours" in error_of(page, "rows-2-hours")
    assert "Enter the hours as a number" in error_of(page, "rows-4-hours")
    assert "at least 10 characters" in error_of(page, "rows-5-description")
    assert error_of(page, "rows-0-hours") == ""
    assert (_value(page, "rows-0-hours"), _text(page, "rows-0-description")) == ("2", WORK)
    assert _value(page, "rows-2-hours") == "1.3"
    assert _value(page, "rows-4-hours") == "ten"
    assert _text(page, "rows-5-description") == "short"
    assert _entries(app) == []
    assert events(app, "hour_entry.log") == []


def test_a_typed_row_needs_hours_and_words(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    url = week_url(plan_id, placement)
    response = send_week(student, url, {1: ("2", ""), 3: ("", WORK)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Describe what you did that day." in error_of(page, "rows-1-description")
    assert "Enter the hours you worked that day." in error_of(page, "rows-3-hours")
    empty = send_week(student, url, {})
    assert empty.status_code == 422
    assert "at least one day of the week" in empty.get_data(as_text=True)
    assert _entries(app) == []


def test_each_row_keeps_the_day_limit_and_the_dates(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    add_entry(app, placement, work_date=LAST_WEEK + timedelta(days=2), hours="23")
    response = send_week(student, week_url(plan_id, placement), {2: ("2", WORK)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "one day holds at most 24, so at most 1 more" in error_of(page, "rows-2-hours")
    assert "Nothing was saved" in page
    assert "Already logged on this project: 23 hours (submitted)" in page
    # Next week's days take no hours yet: a typed value is refused, not saved.
    next_week = monday_of(TODAY) + timedelta(days=7)
    url = week_url(plan_id, placement, next_week)
    sent = send_week(student, url, {0: ("2", WORK)}, submission=secrets.token_hex(16))
    assert sent.status_code == 422
    assert "The date is in the future" in sent.get_data(as_text=True)
    assert len(_entries(app)) == 1


def test_a_sheet_sent_twice_logs_once(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    url = week_url(plan_id, placement)
    sheet = _submission(student.get(url).get_data(as_text=True))
    rows = {0: ("2", WORK), 1: ("3", TUESDAY_WORK)}
    assert send_week(student, url, rows, submission=sheet).status_code == 302
    again = send_week(student, url, rows, submission=sheet)
    assert again.status_code == 302
    assert len(_entries(app)) == 2
    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "already logged (the sheet was sent twice); they are logged once" in page


def test_repeat_last_entry_fills_the_next_open_day(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    add_entry(app, placement, work_date=LAST_WEEK, hours="3.5", description=TUESDAY_WORK)
    page = student.get(week_url(plan_id, placement, repeat="1")).get_data(as_text=True)
    assert _value(page, "rows-1-hours") == "3.5"
    assert _text(page, "rows-1-description") == TUESDAY_WORK
    assert _value(page, "rows-0-hours") == ""
    assert _value(page, "rows-2-hours") == ""
    single = student.get(new_url(plan_id, placement) + "?repeat=1").get_data(as_text=True)
    assert _value(single, "hours") == "3.5"
    assert _text(single, "description") == TUESDAY_WORK


def test_repeat_with_nothing_logged_says_so(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    page = student.get(week_url(plan_id, placement, repeat="1")).get_data(as_text=True)
    assert "nothing to repeat" in page


def test_a_plan_not_approved_takes_no_hours(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make, PlanState.submitted)
    url = week_url(plan_id, placement)
    page = student.get(url).get_data(as_text=True)
    assert "Hours are logged and changed only while the plan is approved or in progress" in page
    assert 'name="rows-0-hours"' not in page
    data = {"csrf_token": csrf_token(student, url), "rows-0-hours": "2", "rows-0-description": WORK}
    assert student.post(url, data=data).status_code == 422
    assert _entries(app) == []


def test_nobody_else_logs_on_a_students_placement(app: Flask, login_as, make) -> None:
    student = login_as("student")
    make.user("jnunez", Role.student)
    plan_id, (placement,) = student_plan(app, make)
    other_plan, (other_placement,) = student_plan(app, make, uid="jnunez")
    # Another student's placement, by its own plan or under hers: not found.
    assert student.get(week_url(other_plan, other_placement)).status_code == 404
    assert student.get(week_url(plan_id, other_placement)).status_code == 404
    for role in ("advisor", "faculty", "registrar", "admin"):
        assert login_as(role).get(week_url(plan_id, placement)).status_code == 404


def test_a_week_with_no_open_day_offers_no_form(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    next_week = monday_of(TODAY) + timedelta(days=7)
    page = student.get(week_url(plan_id, placement, next_week)).get_data(as_text=True)
    assert "No day of this week can take hours on this project" in page
    assert "Log these hours" not in page


def test_a_sheet_sent_twice_at_once_logs_once(app: Flask, login_as, make) -> None:
    """A double click: both sendings answer like a success, and the hours are there once."""
    first = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    cookie = app.config["SESSION_COOKIE_NAME"]
    second = app.test_client()
    url = week_url(plan_id, placement)
    answers: list[int] = []

    def send(client: FlaskClient, data: dict[str, str], together: threading.Barrier) -> None:
        together.wait()
        answers.append(client.post(url, data=data).status_code)

    for _ in range(5):
        page = first.get(url).get_data(as_text=True)
        data = {"csrf_token": csrf_token(first, url), "submission": _submission(page)}
        second.set_cookie(cookie, first.get_cookie(cookie).value)  # the same session, another tab
        data.update({"rows-0-hours": "1.5", "rows-0-description": WORK})
        data.update({"rows-3-hours": "2", "rows-3-description": TUESDAY_WORK})
        together = threading.Barrier(2)
        threads = [
            threading.Thread(target=send, args=(client, data, together))
            for client in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert answers == [302] * 10
    entries = _entries(app)
    assert len(entries) == 10
    # Rows sent alone keep their days: Monday's and Thursday's, not Monday's and Tuesday's.
    assert {entry.work_date for entry in entries} == {LAST_WEEK, LAST_WEEK + timedelta(days=3)}
    assert len(events(app, "hour_entry.log")) == 10
