"""Deadlines that show: census and grades due with days left; late sign-offs for the registrar."""

from __future__ import annotations

from datetime import date, timedelta

from careercredit import clock
from careercredit.models import PlanState
from tests.registrar.conftest import Desk, text_of


def day_month(day: date) -> str:
    return f"{day.day} {day:%B}"


def term_with(desk: Desk, code: str, *, census: int, grades: int) -> int:
    """A term whose census and grading deadline are ``census`` and ``grades`` days away."""
    today = clock.today()
    return desk.make.term(
        code,
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=min(grades, 0) - 1),
        census_on=today + timedelta(days=census),
        grading_deadline=today + timedelta(days=grades),
    )


def test_the_roster_shows_census_and_grades_due_with_days_left(desk: Desk) -> None:
    today = clock.today()
    term_id = desk.make.term(
        "2027FA",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=60),
        census_on=today + timedelta(days=6),
        grading_deadline=today + timedelta(days=66),
    )
    page = text_of(desk.registrar.get(f"/registrar/terms/{term_id}").get_data(as_text=True))
    census, grades = today + timedelta(days=6), today + timedelta(days=66)
    assert f"Census {day_month(census)} (in 6 days)" in page
    assert f"Grades due {day_month(grades)} (in 66 days)" in page


def test_past_deadlines_say_how_late(desk: Desk) -> None:
    term_id = term_with(desk, "2026FA", census=-40, grades=-3)
    page = text_of(desk.registrar.get(f"/registrar/terms/{term_id}").get_data(as_text=True))
    assert "(passed 40 days ago)" in page
    assert "(3 days late)" in page
    today_term = term_with(desk, "2026SU", census=-30, grades=0)
    page = text_of(desk.registrar.get(f"/registrar/terms/{today_term}").get_data(as_text=True))
    assert f"Grades due {day_month(clock.today())} (today)" in page


def test_the_sponsors_queue_shows_grades_due_with_days_left(desk: Desk) -> None:
    soon = term_with(desk, "2027SU", census=-20, grades=1)
    late = term_with(desk, "2026FA", census=-40, grades=-3)
    desk.make.plan(desk.alice, PlanState.awaiting_signoff, term_id=soon, sponsor_id=desk.fkim)
    other = desk.other_student("Bea Late")
    desk.make.plan(other, PlanState.awaiting_signoff, term_id=late, sponsor_id=desk.fkim)
    page = text_of(desk.sponsor.get("/signoff/").get_data(as_text=True))
    tomorrow = clock.today() + timedelta(days=1)
    assert f"Grades due {day_month(tomorrow)} (in 1 day)" in page
    assert "(3 days late)" in page


def test_the_registrar_sees_the_late_sign_offs(desk: Desk) -> None:
    index = text_of(desk.registrar.get("/registrar/").get_data(as_text=True))
    assert "No sign-off is late." in index
    late = term_with(desk, "2026FA", census=-40, grades=-3)
    on_time = term_with(desk, "2027SU", census=-20, grades=5)
    plan_id = desk.make.plan(
        desk.alice, PlanState.awaiting_signoff, term_id=late, sponsor_id=desk.fkim
    )
    desk.make.plan(
        desk.other_student("Cy Waiting"),
        PlanState.awaiting_signoff,
        term_id=on_time,
        sponsor_id=desk.fkim,
    )
    html = desk.registrar.get("/registrar/").get_data(as_text=True)
    index = text_of(html)
    assert "1 plan still waiting for the sponsor's grade after the term's grading deadline" in (
        index.replace("&#39;", "'")
    )
    assert "Alice Student Farid Kim 2026FA Grades due" in index
    assert "(3 days late)" in index
    assert "Cy Waiting" not in index
    assert f'href="/plans/{plan_id}"' in html
