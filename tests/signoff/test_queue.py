"""The sponsor's queue: their own plans waiting for sign-off, oldest first, with the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import Flask

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import CreditPlan, HourEntry, HourStatus, PlanState, Role, User
from careercredit.signoff.services import awaiting_count, late_count
from tests.conftest import user_id
from tests.signoff.pages import finished_plan, sponsor_id, student, text
from tests.statements import page_statements


def test_queue_lists_only_my_plans_waiting_for_sign_off(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    me, other = sponsor_id(app), make.user("ochen", Role.faculty, name="Olivia Chen")
    mine = finished_plan(app, make, student(make, "bsmith", "Bea Smith"), sponsor=me)
    finished_plan(app, make, student(make, "cjones", "Cal Jones"), sponsor=other)
    finished_plan(
        app, make, student(make, "dlee", "Dee Lee"), sponsor=me, state=PlanState.in_progress
    )
    finished_plan(
        app, make, student(make, "emoss", "Eve Moss"), sponsor=me, state=PlanState.signed_off
    )
    page = text(sponsor.get("/signoff/"))
    assert "1 plan waiting." in page
    assert "Bea Smith" in page
    assert not any(name in page for name in ("Cal Jones", "Dee Lee", "Eve Moss"))
    assert f'href="/signoff/{mine}"' in page
    assert f'name="plan_ids" value="{mine}"' in page


def test_queue_row_shows_credits_hours_and_the_most_awardable(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    plan_id = finished_plan(
        app, make, student(make, "bsmith", "Bea Smith"), sponsor=sponsor_id(app), verified="60"
    )
    page = sponsor.get("/signoff/").get_data(as_text=True)
    row = page[page.index(f'id="plan-{plan_id}"') :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in row.split("<td")[1:]]
    assert cells[3:6] == ["2", "60 / 90", "1"]  # approved, verified / required, most awardable
    assert "hours short" in row
    assert "Past the grading deadline" not in row


def test_queue_counts_only_verified_hours_of_every_placement(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    projects = [make.project(hours=45), make.project(hours=45)]
    plan_id = finished_plan(
        app,
        make,
        student(make, "bsmith", "Bea Smith"),
        sponsor=sponsor_id(app),
        verified="80.5",
        project_ids=projects,
    )
    with app.app_context():
        second = db.session.get(CreditPlan, plan_id).placements[1]
        entries = (("7.75", "verified"), ("2", "verified"), ("8", "submitted"), ("6", "disputed"))
        for day, (hours, status) in enumerate(entries, 1):
            second.hour_entries.append(
                HourEntry(
                    work_date=clock.today() - timedelta(days=day),
                    hours=Decimal(hours),
                    description="Cleaned the survey data.",
                    status=HourStatus(status),
                )
            )
        db.session.commit()
    page = sponsor.get("/signoff/").get_data(as_text=True)
    row = page[page.index(f'id="plan-{plan_id}"') :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in row.split("<td")[1:]]
    # 80.5 + 7.75 + 2 verified; the submitted and disputed hours wait and do not count.
    assert cells[4:6] == ["90.25 / 90", "2"]
    assert "hours short" not in row


def test_queue_is_oldest_first_and_paginated(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    me, term, project = sponsor_id(app), make.term(), make.project(hours=90)
    start = datetime.now(UTC) - timedelta(days=40)
    names = []
    for n in range(27):
        name = f"Student {n:02d}"
        names.append(name)
        finished_plan(
            app,
            make,
            student(make, f"s{n:02d}", name),
            sponsor=me,
            term_id=term,
            project_ids=[project],
            # Sent in reverse order: the last made waits longest.
            updated_at=start + timedelta(days=27 - n),
        )
    first = text(sponsor.get("/signoff/"))
    second = text(sponsor.get("/signoff/?page=2"))
    assert "27 plans waiting." in first
    assert "Page 1 of 2 (27 in all)" in first
    order = [name for name in reversed(names) if name in first]
    assert len(order) == 25
    assert first.index("Student 26") < first.index("Student 25") < first.index("Student 02")
    assert "Student 01" in second
    assert "Student 00" in second
    assert "Student 02" not in second


def test_queue_loads_in_a_fixed_number_of_queries(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    me, term = sponsor_id(app), make.term()

    def queries_for_queue() -> int:
        return len(page_statements(app, sponsor, "/signoff/")[0])

    finished_plan(app, make, student(make, "s1"), sponsor=me, term_id=term)
    few = queries_for_queue()
    for n in range(2, 7):
        finished_plan(app, make, student(make, f"s{n}"), sponsor=me, term_id=make.term())
    assert queries_for_queue() == few


def test_late_plans_are_flagged_in_the_queue(app: Flask, login_as, make) -> None:
    sponsor = login_as("faculty")
    today = clock.today()
    past = make.term(starts_on=today - timedelta(days=150), grading_deadline=today - timedelta(3))
    finished_plan(app, make, student(make, "bsmith", "Bea Smith"), sponsor=sponsor_id(app))
    late = finished_plan(
        app, make, student(make, "cjones", "Cal Jones"), sponsor=sponsor_id(app), term_id=past
    )
    page = text(sponsor.get("/signoff/"))
    deadline = (today - timedelta(days=3)).isoformat()
    assert page.count("Past the grading deadline of") == 1
    row = page[page.index(f'id="plan-{late}"') :]
    assert f"Past the grading deadline of {deadline}" in row[: row.index("</tr>")]
    review = text(sponsor.get(f"/signoff/{late}"))
    assert f"Past the grading deadline of {deadline}" in review


def test_counts_for_the_dashboard(app: Flask, login_as, make) -> None:
    login_as("faculty")
    login_as("advisor")
    me = sponsor_id(app)
    today = clock.today()
    past = make.term(starts_on=today - timedelta(days=150), grading_deadline=today - timedelta(1))
    finished_plan(app, make, student(make, "s1"), sponsor=me)
    finished_plan(app, make, student(make, "s2"), sponsor=me, term_id=past)
    finished_plan(app, make, student(make, "s3"), sponsor=make.user("ochen", Role.faculty))
    finished_plan(app, make, student(make, "s4"), sponsor=me, state=PlanState.signed_off)
    finished_plan(
        app, make, student(make, "s5"), sponsor=me, term_id=past, state=PlanState.in_progress
    )
    with app.app_context():
        faculty = db.session.get(User, user_id(app, "fkim"))
        advisor = db.session.get(User, user_id(app, "adavis"))
        assert awaiting_count(faculty) == 2
        assert awaiting_count(advisor) == 0
        assert late_count() == 1
