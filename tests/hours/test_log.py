"""Logging hours through the pages: what is saved, what is shown, and every refusal.

Each refusal answers 422 with the form again: the message next to the field it
is about, and everything the student typed still in the boxes.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import HourEntry, HourStatus, PlanState
from tests.hours.pages import (
    TODAY,
    WORK,
    add_entry,
    days_ago,
    error_of,
    events,
    input_value,
    log,
    new_url,
    student_plan,
    textarea,
)


def _entries(app: Flask) -> list[HourEntry]:
    with app.app_context():
        rows = db.session.scalars(select(HourEntry).order_by(HourEntry.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _refused_with(response, field: str, message: str, **typed: str) -> str:
    """Assert a 422 with ``message`` next to ``field`` and the typed values kept."""
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_of(page, field), page
    assert 'aria-invalid="true"' in page
    for name, value in typed.items():
        shown = textarea(page, name) if name == "description" else input_value(page, name)
        assert shown == value, (name, shown)
    return page


def test_student_logs_hours_and_sees_them_on_the_plan(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    form = student.get(new_url(plan_id, placement))
    assert form.status_code == 200
    assert "Log hours" in form.get_data(as_text=True)

    response = log(student, plan_id, placement, work_date=days_ago(2), hours="2.75")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plans/{plan_id}#hours-{placement}")
    (entry,) = _entries(app)
    assert (entry.work_date, str(entry.hours), entry.status) == (
        days_ago(2),
        "2.75",
        HourStatus.submitted,
    )
    assert entry.description == WORK
    (event,) = events(app, "hour_entry.log")
    assert event.object_type == "hour_entry"
    assert event.object_id == str(entry.id)
    assert event.details["hours"] == "2.75"
    assert event.details["placement_id"] == placement
    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Logged 2.75 hours" in page
    assert f'id="hour-entry-{entry.id}"' in page
    assert WORK.replace("'", "&#39;") in page
    assert "0 of 45 required hours verified" in page
    assert "2.75 more logged and waiting for verification" in page
    assert '<progress id="hours-logged" class="hours-logged" max="45" value="2.75"' in page


def test_a_date_in_the_future_is_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    tomorrow = str(TODAY + timedelta(days=1))
    response = log(student, plan_id, placement, work_date=tomorrow, hours="3")
    _refused_with(
        response,
        "work_date",
        "The date is in the future",
        work_date=tomorrow,
        hours="3",
        description=WORK,
    )
    assert _entries(app) == []


def test_a_date_before_the_project_starts_is_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    project = make.project(starts_on=days_ago(5))
    plan_id, (placement,) = student_plan(app, make, projects=[project])
    response = log(student, plan_id, placement, work_date=days_ago(6), hours="1")
    page = _refused_with(
        response, "work_date", f"starts on {days_ago(5)}", work_date=str(days_ago(6)), hours="1"
    )
    assert (
        "on or after the project&#39;s start" in page or "on or after the project's start" in page
    )
    assert _entries(app) == []


def test_a_date_after_the_project_ends_is_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    project = make.project(starts_on=days_ago(14), ends_on=days_ago(7))
    plan_id, (placement,) = student_plan(app, make, projects=[project])
    response = log(student, plan_id, placement, work_date=days_ago(3), hours="4")
    _refused_with(
        response, "work_date", f"ended on {days_ago(7)}", work_date=str(days_ago(3)), hours="4"
    )
    assert _entries(app) == []


def test_a_date_outside_the_term_is_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    term = make.term(starts_on=days_ago(5))
    project = make.project(starts_on=days_ago(30))
    plan_id, (placement,) = student_plan(app, make, term_id=term, projects=[project])
    response = log(student, plan_id, placement, work_date=days_ago(10), hours="1.5")
    _refused_with(
        response, "work_date", "outside the term", work_date=str(days_ago(10)), hours="1.5"
    )
    assert _entries(app) == []


def test_hours_not_in_quarter_steps_are_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    response = log(student, plan_id, placement, hours="1.3")
    _refused_with(
        response,
        "hours",
        "between 0.25 and 24 in quarter hours",
        hours="1.3",
        work_date=str(days_ago(1)),
        description=WORK,
    )
    assert _entries(app) == []


def test_hours_out_of_range_are_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    for typed in ("0", "24.25", "-2", "100"):
        response = log(student, plan_id, placement, hours=typed)
        _refused_with(response, "hours", "between 0.25 and 24 in quarter hours", hours=typed)
    assert _entries(app) == []


def test_hours_that_are_no_number_are_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    for typed in ("two", "NaN", "Infinity"):
        response = log(student, plan_id, placement, hours=typed)
        _refused_with(response, "hours", "Enter the hours as a number", hours=typed)
    response = log(student, plan_id, placement, work_date="31/01/2027")
    _refused_with(response, "work_date", "YYYY-MM-DD", work_date="31/01/2027")
    assert _entries(app) == []


def test_a_short_description_is_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    response = log(student, plan_id, placement, hours="2", description="  Meeting  ")
    _refused_with(
        response, "description", "at least 10 characters", description="Meeting", hours="2"
    )
    response = log(student, plan_id, placement, description="")
    _refused_with(response, "description", "Describe what you did")
    assert _entries(app) == []


def test_all_problems_are_shown_at_once(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    tomorrow = str(TODAY + timedelta(days=1))
    response = log(student, plan_id, placement, work_date=tomorrow, hours="x", description="no")
    page = _refused_with(response, "work_date", "in the future", hours="x", description="no")
    assert "Enter the hours as a number" in error_of(page, "hours")
    assert "at least 10 characters" in error_of(page, "description")


def test_more_than_24_hours_a_day_across_plans_is_refused(app: Flask, login_as, make) -> None:
    student = login_as("student")
    first_plan, (first,) = student_plan(app, make)
    second_plan, (second,) = student_plan(app, make, PlanState.in_progress)
    day = days_ago(3)
    assert log(student, first_plan, first, work_date=day, hours="16").status_code == 302
    add_entry(app, first, work_date=day, hours="4", status=HourStatus.verified)

    response = log(student, second_plan, second, work_date=day, hours="4.25")

    page = _refused_with(response, "hours", "You already logged 20 hours", hours="4.25")
    assert "at most 4 more" in error_of(page, "hours")
    assert log(student, second_plan, second, work_date=day, hours="4").status_code == 302
    assert log(student, second_plan, second, work_date=days_ago(4), hours="24").status_code == 302
    assert len(_entries(app)) == 4


def test_another_students_hours_do_not_count_toward_the_day(app: Flask, login_as, make) -> None:
    student = login_as("student")
    make.user("jnunez")
    _, (other_placement,) = student_plan(app, make, uid="jnunez")
    add_entry(app, other_placement, work_date=days_ago(1), hours="20")
    plan_id, (placement,) = student_plan(app, make)
    assert log(student, plan_id, placement, hours="10").status_code == 302


def test_hours_are_logged_only_on_approved_or_in_progress_plans(app: Flask, login_as, make) -> None:
    student = login_as("student")
    for state in (PlanState.draft, PlanState.submitted, PlanState.awaiting_signoff):
        plan_id, (placement,) = student_plan(app, make, state)
        form = student.get(new_url(plan_id, placement)).get_data(as_text=True)
        assert "Hours are logged and changed only while the plan is approved" in form
        assert "Log hours</button>" not in form
        assert "disabled" in form
        response = log(student, plan_id, placement, hours="2")
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert f"This plan is {state.label.lower()}" in page
        assert input_value(page, "hours") == "2"
    assert _entries(app) == []


def test_control_characters_are_dropped_from_the_description(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    typed = "Wrote\x00 the report\x07.\nSent it to the client."
    assert log(student, plan_id, placement, description=typed).status_code == 302
    (entry,) = _entries(app)
    assert entry.description == "Wrote the report.\nSent it to the client."


def _form(client, plan_id: int, placement: int) -> dict[str, str]:
    """The hidden fields of a freshly opened log form, as a browser would send them back."""
    page = client.get(new_url(plan_id, placement)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    submission = re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', page)
    assert token, "the form carries its CSRF token"
    assert submission, "the form carries its own id"
    return {"csrf_token": token.group(1), "submission": submission.group(1)}


def _send(client, plan_id: int, placement: int, hidden: dict[str, str], **typed: str):
    values = {"work_date": days_ago(1).isoformat(), "hours": "2.5", "description": WORK}
    return client.post(new_url(plan_id, placement), data={**hidden, **values, **typed})


def test_a_form_sent_twice_logs_the_hours_once(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    hidden = _form(student, plan_id, placement)

    first = _send(student, plan_id, placement, hidden)
    again = _send(student, plan_id, placement, hidden)

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    (entry,) = _entries(app)
    assert entry.submission_id == hidden["submission"]
    assert len(events(app, "hour_entry.log")) == 1
    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "These 2.5 hours on" in page
    assert "were already logged" in page


def test_every_opened_form_logs_its_own_entry(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    one, two = _form(student, plan_id, placement), _form(student, plan_id, placement)
    assert one["submission"] != two["submission"]
    assert _send(student, plan_id, placement, one).status_code == 302
    assert _send(student, plan_id, placement, two).status_code == 302
    assert len(_entries(app)) == 2  # the same hours twice on purpose: two forms, two entries


def test_a_refused_form_keeps_its_id_and_logs_once_corrected(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    hidden = _form(student, plan_id, placement)
    refused = _send(student, plan_id, placement, hidden, hours="0.3")
    assert refused.status_code == 422
    assert f'value="{hidden["submission"]}"' in refused.get_data(as_text=True)
    assert _entries(app) == []
    assert _send(student, plan_id, placement, hidden).status_code == 302
    assert _send(student, plan_id, placement, hidden).status_code == 302
    assert len(_entries(app)) == 1


def test_a_form_id_from_another_placement_or_made_up_is_no_id(app: Flask, login_as, make) -> None:
    student = login_as("student")
    projects = [make.project(hours=45), make.project(hours=45)]
    plan_id, (first, second) = student_plan(app, make, projects=projects)
    hidden = _form(student, plan_id, first)
    assert _send(student, plan_id, first, hidden).status_code == 302
    # The first placement's form id sent to the second placement logs a new entry there.
    assert _send(student, plan_id, second, hidden).status_code == 302
    made_up = {**hidden, "submission": "not-a-form-id"}
    assert _send(student, plan_id, second, made_up, hours="1").status_code == 302
    entries = _entries(app)
    assert [(e.placement_id, e.submission_id) for e in entries] == [
        (first, hidden["submission"]),
        (second, None),
        (second, None),
    ]
