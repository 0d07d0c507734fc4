"""Correcting and deleting entries until they are verified; disputed entries go back."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from careercredit.models import HourStatus, PlanState
from tests.conftest import csrf_token
from tests.hours.pages import (
    WORK,
    add_entry,
    days_ago,
    delete_url,
    edit,
    edit_url,
    entry_row,
    error_of,
    events,
    input_value,
    student_plan,
    textarea,
)
from tests.plans.conftest import post_form

BETTER = "Cleaned the survey data and wrote the data dictionary for the client."
DISPUTE = "We met for one hour only, not three. Please correct the hours."


def test_student_corrects_a_submitted_entry(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    entry_id = add_entry(app, placement, work_date=days_ago(3), hours="2")
    form = student.get(edit_url(plan_id, entry_id)).get_data(as_text=True)
    assert input_value(form, "hours") == "2"
    assert textarea(form, "description") == WORK

    response = edit(student, plan_id, entry_id, hours="3.5", description=BETTER)

    assert response.status_code == 302
    entry = entry_row(app, entry_id)
    assert (entry.hours, entry.description, entry.status) == (
        Decimal("3.5"),
        BETTER,
        HourStatus.submitted,
    )
    (event,) = events(app, "hour_entry.update")
    assert event.details["before"]["hours"] == "2"
    assert event.details["after"] == {
        "work_date": str(days_ago(3)),
        "hours": "3.5",
        "description": BETTER,
    }
    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Entry saved." in page
    assert BETTER in page


def test_saving_an_unchanged_entry_records_nothing(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    entry_id = add_entry(app, placement)
    assert edit(student, plan_id, entry_id).status_code == 302
    assert "Nothing changed." in student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert events(app, "hour_entry.update") == []


def test_a_correction_follows_the_same_rules(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    entry_id = add_entry(app, placement, work_date=days_ago(2), hours="20")
    add_entry(app, placement, work_date=days_ago(2), hours="3")
    # Its own 20 hours do not count twice: 21 + 3 is at the limit.
    assert edit(student, plan_id, entry_id, hours="21").status_code == 302
    response = edit(student, plan_id, entry_id, hours="21.25", description="short")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "You already logged 3 hours" in error_of(page, "hours")
    assert "at least 10 characters" in error_of(page, "description")
    assert input_value(page, "hours") == "21.25"
    assert textarea(page, "description") == "short"
    assert entry_row(app, entry_id).hours == Decimal(21)


def test_student_deletes_an_entry_after_confirming(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make)
    entry_id = add_entry(app, placement, hours="1.25")
    confirm = student.get(delete_url(plan_id, entry_id))
    assert confirm.status_code == 200
    page = confirm.get_data(as_text=True)
    assert "Delete this entry?" in page
    assert 'name="csrf_token"' in page
    assert entry_row(app, entry_id) is not None  # the confirmation page changes nothing

    without_token = student.post(delete_url(plan_id, entry_id))
    assert without_token.status_code == 400
    assert entry_row(app, entry_id) is not None

    response = post_form(student, delete_url(plan_id, entry_id), delete_url(plan_id, entry_id))
    assert response.status_code == 302
    assert entry_row(app, entry_id) is None
    (event,) = events(app, "hour_entry.delete")
    assert event.object_id == str(entry_id)
    assert event.details["hours"] == "1.25"
    assert "was deleted" in student.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_a_verified_entry_is_final(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make, PlanState.in_progress)
    entry_id = add_entry(app, placement, hours="2", status=HourStatus.verified)

    plan_page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "verified entries are final" in plan_page
    assert edit_url(plan_id, entry_id) not in plan_page
    assert delete_url(plan_id, entry_id) not in plan_page

    form = student.get(edit_url(plan_id, entry_id))
    assert form.status_code == 200
    assert "it is final" in form.get_data(as_text=True)
    assert ">Save</button>" not in form.get_data(as_text=True)

    response = edit(student, plan_id, entry_id, hours="5", description=BETTER)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your supervisor verified this entry, so it is final" in page
    assert input_value(page, "hours") == "5"
    assert textarea(page, "description") == BETTER

    confirm = student.get(delete_url(plan_id, entry_id)).get_data(as_text=True)
    assert "it is final" in confirm
    assert "Delete entry</button>" not in confirm
    token = csrf_token(student, f"/plans/{plan_id}/placements/{placement}/hours/new")
    deleted = student.post(delete_url(plan_id, entry_id), data={"csrf_token": token})
    assert deleted.status_code == 422
    assert "it is final" in deleted.get_data(as_text=True)

    entry = entry_row(app, entry_id)
    assert (entry.hours, entry.description, entry.status) == (
        Decimal(2),
        WORK,
        HourStatus.verified,
    )
    assert events(app, "hour_entry.update") == events(app, "hour_entry.delete") == []


def test_entries_are_frozen_once_the_plan_leaves_progress(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make, PlanState.awaiting_signoff)
    entry_id = add_entry(app, placement)
    response = edit(student, plan_id, entry_id, hours="3")
    assert response.status_code == 422
    assert "This plan is awaiting sign-off" in response.get_data(as_text=True)
    assert entry_row(app, entry_id).hours == Decimal(2)


def test_a_disputed_entry_shows_the_comment_until_corrected(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make, PlanState.in_progress)
    entry_id = add_entry(
        app, placement, hours="3", status=HourStatus.disputed, dispute_comment=DISPUTE
    )
    plan_page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Disputed" in plan_page
    assert DISPUTE in plan_page
    assert edit_url(plan_id, entry_id) in plan_page
    form = student.get(edit_url(plan_id, entry_id)).get_data(as_text=True)
    assert "Your supervisor disputed this entry" in form
    assert DISPUTE in form

    response = edit(student, plan_id, entry_id, hours="1")

    assert response.status_code == 302
    entry = entry_row(app, entry_id)
    assert (entry.hours, entry.status, entry.dispute_comment) == (
        Decimal(1),
        HourStatus.submitted,
        None,
    )
    (event,) = events(app, "hour_entry.update")
    assert event.details["dispute_comment"] == DISPUTE
    assert (event.details["from"], event.details["to"]) == ("disputed", "submitted")
    plan_page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "goes back to your supervisor" in plan_page
    assert DISPUTE not in plan_page
    assert "Disputed" not in plan_page


def test_a_disputed_entry_saved_unchanged_is_sent_back_too(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make, PlanState.in_progress)
    entry_id = add_entry(app, placement, status=HourStatus.disputed, dispute_comment=DISPUTE)
    assert edit(student, plan_id, entry_id).status_code == 302
    assert entry_row(app, entry_id).status == HourStatus.submitted
    (event,) = events(app, "hour_entry.update")
    assert event.details["before"] == event.details["after"]
    assert event.details["dispute_comment"] == DISPUTE
