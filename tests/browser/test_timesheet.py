"""Hours by the week in a real browser: a refused row keeps the sheet, then all rows are saved.

The sheet is used on a phone, where its rows stack and nothing scrolls
sideways; every page is audited with axe-core (see people.py).
"""

from __future__ import annotations

from datetime import timedelta

from careercredit import clock
from careercredit.hours.timesheet import monday_of
from careercredit.models import PlanState
from tests.browser.conftest import LiveServer
from tests.conftest import PEOPLE, user_id

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LAST_WEEK = monday_of(clock.today()) - timedelta(days=7)
MONDAY = "Cleaned the survey answers and listed the gaps."
WEDNESDAY = "Charted the donations by month for the board."


def _approved_plan(server: LiveServer) -> tuple[int, int]:
    """Alice's approved plan with one placement (set-up data); its id and the placement's."""
    from careercredit.extensions import db
    from careercredit.models import CreditPlan

    make = server.make
    project = make.project(make.employer("Eastside Food Bank"), title="Survey analysis")
    plan_id = make.plan(
        user_id(server.app, PEOPLE["student"]), PlanState.approved, project_ids=[project]
    )
    with server.app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return plan_id, plan.placements[0].id


def test_a_student_logs_a_week_on_a_phone(serve, people) -> None:
    server = serve()
    student = people(server, "student", **PHONE)
    student.sign_in(PEOPLE["student"])
    plan_id, placement = _approved_plan(server)
    student.open(f"/plans/{plan_id}")
    student.submit(student.page.get_by_role("link", name="Log a week on Survey analysis"))
    student.open(f"/plans/{plan_id}/placements/{placement}/hours/week?week={LAST_WEEK.isoformat()}")
    width = student.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the sheet is {width} pixels wide on a 360-pixel phone"

    student.page.locator("#rows-0-hours").fill("2.5")
    student.page.locator("#rows-0-description").fill(MONDAY)
    student.page.locator("#rows-2-hours").fill("1.3")
    student.page.locator("#rows-2-description").fill(WEDNESDAY)
    student.press("Log these hours", status=422)
    assert "Nothing was saved" in student.text()
    assert "quarter hours" in student.text("#rows-2-hours-error")
    assert student.page.locator("#rows-0-hours").input_value() == "2.5"
    assert student.page.locator("#rows-0-description").input_value() == MONDAY
    assert student.page.locator("#rows-2-hours").get_attribute("aria-invalid") == "true"
    student.screenshot("student-timesheet-phone", until=f"#day-{LAST_WEEK + timedelta(days=2)}")

    student.page.locator("#rows-2-hours").fill("1.25")
    student.press("Log these hours")
    assert student.path == f"/plans/{plan_id}"
    assert "Logged 3.75 hours on 2 days" in student.flash()
    hours = student.text("#hours")
    assert MONDAY in hours
    assert WEDNESDAY in hours


def test_repeat_last_entry_fills_the_next_day(serve, people) -> None:
    server = serve()
    student = people(server, "student")
    student.sign_in(PEOPLE["student"])
    plan_id, placement = _approved_plan(server)
    week = f"/plans/{plan_id}/placements/{placement}/hours/week?week={LAST_WEEK.isoformat()}"
    student.open(week)
    student.page.locator("#rows-0-hours").fill("3")
    student.page.locator("#rows-0-description").fill(MONDAY)
    student.press("Log these hours")
    student.open(week)
    student.follow("Repeat last entry")
    assert student.page.locator("#rows-1-hours").input_value() == "3"
    assert student.page.locator("#rows-1-description").input_value() == MONDAY
    assert "Already logged on this project: 3 hours (submitted)" in student.text(
        "#day-" + LAST_WEEK.isoformat()
    )
