"""Sending a finished plan to the sponsor: hours verified, final evaluations in, a reflection."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import Flask

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    PlanState,
    Role,
)
from tests.conftest import user_id
from tests.plans.conftest import actions, plan_state, post_form

REFLECTION = (
    "I learned to turn a vague question from the client into something I could measure, "
    "and to explain my numbers to people who are not analysts."
)


def _plan(app: Flask, make, *, hours: str, evaluated: bool) -> int:
    make.user("alice")
    sponsor = user_id(app, "fkim") or make.user("fkim", Role.faculty)
    plan_id = make.plan(user_id(app, "alice"), PlanState.in_progress, sponsor_id=sponsor)
    with app.app_context():
        placement = db.session.get(CreditPlan, plan_id).placements[0]
        left, day = Decimal(hours), 1
        while left > 0:  # at most 8 hours a day, as a person would log them
            placement.hour_entries.append(
                HourEntry(
                    work_date=clock.today() - timedelta(days=day),
                    hours=min(left, 8),
                    description="Analysed the survey data.",
                    status=HourStatus.verified,
                )
            )
            left, day = left - min(left, 8), day + 1
        if evaluated:
            placement.evaluations.append(
                Evaluation(kind=LinkPurpose.final, scores={}, comments="Good work.")
            )
        db.session.commit()
    return plan_id


def test_the_page_says_what_is_missing(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id = _plan(app, make, hours="20", evaluated=False)
    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Supervisors have verified 20 of the 45 hours needed." in page
    assert "A final evaluation is still missing for:" in page
    assert "disabled>Send for sign-off" in page
    response = post_form(
        student, f"/plans/{plan_id}", f"/plans/{plan_id}/complete", reflection=REFLECTION
    )
    assert response.status_code == 422
    assert plan_state(app, plan_id) == "in_progress"


def test_reflection_is_required_and_kept_on_error(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id = _plan(app, make, hours="45", evaluated=True)
    response = post_form(
        student, f"/plans/{plan_id}", f"/plans/{plan_id}/complete", reflection="It went well."
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write a reflection of at least 100 characters" in page
    assert "It went well.</textarea>" in page


def test_finished_plan_goes_to_the_sponsor_with_the_reflection(app: Flask, login_as, make) -> None:
    student, sponsor = login_as("student"), login_as("faculty")
    plan_id = _plan(app, make, hours="45", evaluated=True)
    response = post_form(
        student, f"/plans/{plan_id}", f"/plans/{plan_id}/complete", reflection=REFLECTION
    )
    assert response.status_code == 302
    assert plan_state(app, plan_id) == "awaiting_signoff"
    assert actions(app, plan_id)[-1] == "plan.complete"
    assert REFLECTION in sponsor.get(f"/plans/{plan_id}").get_data(as_text=True).replace(
        "&#39;", "'"
    )
