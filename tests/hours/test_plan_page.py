"""The hour log on the plan page: progress figures and a query count that does not grow."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, render_template
from flask_login import current_user, login_user

from careercredit.extensions import db
from careercredit.hours.services import plan_hours_options
from careercredit.models import CreditPlan, HourEntry, HourStatus, PlanState, User
from tests.conftest import user_id
from tests.hours.pages import TODAY, add_entry, student_plan
from tests.statements import page_statements, statements


def _add_entries(app: Flask, placements: list[int], count: int) -> None:
    with app.app_context():
        for n in range(count):
            db.session.add(
                HourEntry(
                    placement_id=placements[n % len(placements)],
                    work_date=TODAY - timedelta(days=n % 14),
                    hours=1,
                    description=f"Worked on the client's data, part {n}.",
                    status=HourStatus.verified if n % 2 else HourStatus.submitted,
                )
            )
        db.session.commit()


def test_plan_page_queries_do_not_grow_with_entries(app: Flask, login_as, make) -> None:
    student, advisor = login_as("student"), login_as("advisor")
    projects = [make.project(hours=80) for _ in range(3)]
    plan_id, placements = student_plan(
        app, make, PlanState.in_progress, projects=projects, credits=3
    )
    _add_entries(app, placements, 10)
    for client in (student, advisor):
        client.get(f"/plans/{plan_id}")  # the first request re-checks roles
    few = [
        len(page_statements(app, client, f"/plans/{plan_id}")[0]) for client in (student, advisor)
    ]

    _add_entries(app, placements, 190)

    many = []
    for client in (student, advisor):
        seen, page = page_statements(app, client, f"/plans/{plan_id}")
        many.append(len(seen))
        assert page.count('id="hour-entry-') == 200
        assert "100 of 135 required hours verified" in page
    assert many == few


def test_progress_counts_verified_and_pending_hours(app: Flask, login_as, make) -> None:
    student = login_as("student")
    projects = [make.project(hours=30), make.project(hours=30)]
    plan_id, (first, second) = student_plan(app, make, PlanState.in_progress, projects=projects)
    add_entry(app, first, hours="10", status=HourStatus.verified)
    add_entry(app, second, hours="2.5", status=HourStatus.verified)
    add_entry(app, first, hours="4", status=HourStatus.submitted)
    add_entry(app, second, hours="1.25", status=HourStatus.disputed, dispute_comment="Not so.")

    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)

    assert "12.5 of 45 required hours verified" in page
    assert "5.25 more logged and waiting for verification" in page
    assert "27.25 hours still to log" in page
    assert '<progress id="hours-verified" class="hours-verified" max="45" value="12.5"' in page
    assert "10 hours verified, 4 pending, in 2 entries" in page
    assert "2.5 hours verified, 1.25 pending, in 2 entries" in page
    assert 'style="' not in page
    assert "<script" not in page


def test_hours_beyond_the_requirement_fill_the_bar(app: Flask, login_as, make) -> None:
    student = login_as("student")
    plan_id, (placement,) = student_plan(app, make, PlanState.in_progress)
    for day in range(3):
        add_entry(
            app,
            placement,
            work_date=TODAY - timedelta(days=day),
            hours="16",
            status=HourStatus.verified,
        )
    page = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "48 of 45 required hours verified" in page
    assert "Enough hours are logged" in page
    assert 'max="45" value="45"' in page


def _render_hour_log(
    app: Flask, plan_id: int, student_id: int, options: tuple = ()
) -> tuple[list[str], str]:
    """Render the plan page's hour log alone on a fresh session; return its queries."""
    with app.test_request_context(f"/plans/{plan_id}"):
        login_user(db.session.get(User, student_id))
        plan = db.session.get(CreditPlan, plan_id, options=options)
        with statements(app) as seen:
            html = render_template("hours/_plan_hours.html", plan=plan, current_user=current_user)
        return seen, html


def test_hour_log_queries_do_not_grow_with_placements(app: Flask, login_as, make) -> None:
    login_as("student")
    employer = make.employer()
    supervisor = make.supervisor(employer)
    counts = []
    for size in (2, 6):
        projects = [make.project(employer, supervisor_id=supervisor) for _ in range(size)]
        plan_id, placements = student_plan(app, make, PlanState.in_progress, projects=projects)
        _add_entries(app, placements, 5 * size)
        seen, html = _render_hour_log(app, plan_id, user_id(app, "alice"))
        assert html.count('class="placement-hours"') == size
        assert html.count('id="hour-entry-') == 5 * size
        counts.append(len(seen))
    assert counts[0] == counts[1]


def test_plans_loaded_with_the_loader_option_need_no_hour_queries(
    app: Flask, login_as, make
) -> None:
    login_as("student")
    projects = [make.project(), make.project()]
    plan_id, placements = student_plan(app, make, PlanState.in_progress, projects=projects)
    _add_entries(app, placements, 10)
    seen, html = _render_hour_log(
        app, plan_id, user_id(app, "alice"), options=(plan_hours_options(),)
    )
    assert html.count('id="hour-entry-') == 10
    assert not [s for s in seen if "FROM hour_entry" in s or "FROM placement" in s]
