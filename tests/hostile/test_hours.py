"""The hour log with hostile input: date, hours and description, on new and corrected entries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import HourEntry
from tests.factories import Factory
from tests.hostile.checks import html_of, redirected, refused_with_message, shown_escaped
from tests.hostile.conftest import HOSTILE
from tests.hostile.strings import cleaned, mostly, with_filler
from tests.hours.pages import add_entry, days_ago, new_url, student_plan
from tests.plans.conftest import post_form

DESCRIPTION = with_filler("Cleaned the survey data")
#: Quarter hours, so that a day holds every example's entry (24 hours at most).
HOURS = mostly("0.25", "0,5", " 1 ")
DAYS = mostly(*(days_ago(n).isoformat() for n in range(1, 14)))


def read_date(text: str) -> date | None:
    """The date a date field reads from ``text``, or None."""
    try:
        # As WTForms' DateField reads it; a calendar date has no time, so no time zone.
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        return None


def read_hours(text: str) -> Decimal | None:
    """The hours the hours field reads from ``text``, or None."""
    try:
        return Decimal(cleaned(text).replace(",", "."))
    except InvalidOperation:
        return None


def entry_row(app: Flask, entry_id: int) -> HourEntry:
    with app.app_context():
        entry = db.session.get(HourEntry, entry_id)
        db.session.expunge(entry)
        return entry


@pytest.fixture
def student(login_as) -> FlaskClient:
    return login_as("student")


@pytest.fixture
def placement(app: Flask, make: Factory, student: FlaskClient) -> tuple[int, int]:
    plan_id, (placement_id,) = student_plan(app, make)
    return plan_id, placement_id


def _stored_as_sent(entry: HourEntry, work_date: str, hours: str, description: str) -> None:
    assert entry.description == cleaned(description)
    assert entry.work_date == read_date(work_date)
    assert entry.hours == read_hours(hours)


@HOSTILE
@given(work_date=DAYS, hours=HOURS, description=DESCRIPTION)
def test_log_hours(
    app: Flask,
    student: FlaskClient,
    placement: tuple[int, int],
    work_date: str,
    hours: str,
    description: str,
) -> None:
    plan_id, placement_id = placement
    with app.app_context():
        last = db.session.scalar(select(db.func.max(HourEntry.id))) or 0
    url = new_url(plan_id, placement_id)
    response = post_form(
        student, url, url, work_date=work_date, hours=hours, description=description
    )
    with app.app_context():
        new = db.session.scalars(select(HourEntry.id).where(HourEntry.id > last)).all()
    if not redirected(response):
        assert new == []
        shown_escaped(html_of(response), cleaned(description))  # kept in the box, cleaned
        return
    (entry_id,) = new
    entry = entry_row(app, entry_id)
    _stored_as_sent(entry, work_date, hours, description)
    shown_escaped(html_of(student.get(f"/plans/{plan_id}")), entry.description)


@HOSTILE
@given(work_date=DAYS, hours=HOURS, description=DESCRIPTION)
def test_correct_hours(
    app: Flask,
    student: FlaskClient,
    placement: tuple[int, int],
    work_date: str,
    hours: str,
    description: str,
) -> None:
    plan_id, placement_id = placement
    entry_id = add_entry(app, placement_id, hours="0.25")
    before = entry_row(app, entry_id)
    url = f"/plans/{plan_id}/hours/{entry_id}/edit"
    response = post_form(
        student, url, url, work_date=work_date, hours=hours, description=description
    )
    entry = entry_row(app, entry_id)
    if not redirected(response):
        shown_escaped(html_of(response), cleaned(description))
        assert (entry.work_date, entry.hours, entry.description) == (
            before.work_date,
            before.hours,
            before.description,
        )
        return
    _stored_as_sent(entry, work_date, hours, description)
    page = html_of(student.get(url))
    shown_escaped(page, entry.description)


@pytest.mark.parametrize("page", ["new", "edit"])
@pytest.mark.parametrize(
    ("work_date", "hours"),
    [("", " "), ("", "\x00"), (" ", "1"), ("\x1c", "1")],
    ids=["space-hours", "nul-hours", "space-date", "separator-date"],
)
def test_blank_hours_or_date_get_a_message(
    app: Flask,
    student: FlaskClient,
    placement: tuple[int, int],
    page: str,
    work_date: str,
    hours: str,
) -> None:
    plan_id, placement_id = placement
    url = new_url(plan_id, placement_id)
    if page == "edit":
        url = f"/plans/{plan_id}/hours/{add_entry(app, placement_id)}/edit"
    response = post_form(
        student,
        url,
        url,
        work_date=work_date or days_ago(1).isoformat(),
        hours=hours,
        description="Cleaned the survey data and wrote it up.",
    )
    refused_with_message(response)


def test_hours_are_stored_as_typed_or_refused(
    app: Flask, student: FlaskClient, placement: tuple[int, int]
) -> None:
    plan_id, placement_id = placement
    url = new_url(plan_id, placement_id)
    typed = "0.2500000000000000000000000000001"
    response = post_form(
        student,
        url,
        url,
        work_date=days_ago(1).isoformat(),
        hours=typed,
        description="Cleaned the survey data and wrote it up.",
    )
    if redirected(response):
        with app.app_context():
            stored = db.session.scalar(select(HourEntry.hours).order_by(HourEntry.id.desc()))
        assert stored == Decimal(typed)
