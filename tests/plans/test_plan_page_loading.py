"""The plan page loads what it shows: the same page whether entries come as rows or objects.

The hour log reads a plan's entries as rows with their sums (from entries
already loaded as objects it gives the same table), and the page's other
parts read the log. Sections with nothing to list cost no statement, and
nothing grows with the plan.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, render_template, url_for
from flask_login import current_user, login_user

from careercredit import clock
from careercredit.extensions import db
from careercredit.hours.log import hour_log
from careercredit.hours.services import plan_hours_options
from careercredit.models import CreditPlan, HourEntry, HourStatus, Placement, PlanState, User
from tests.conftest import user_id
from tests.hours.pages import TODAY, add_entry, student_plan
from tests.statements import page_statements


def _entries(app: Flask, placements: list[int]) -> dict[HourStatus, int]:
    """One entry of each status on each placement; the ids of the first placement's."""
    ids = {}
    for n, placement in enumerate(placements):
        for day, status in enumerate(HourStatus):
            entry = add_entry(
                app,
                placement,
                work_date=TODAY - timedelta(days=day + 1),
                hours=f"{n + day + 1}.25",
                status=status,
                dispute_comment="Not on that day." if status == HourStatus.disputed else None,
            )
            if n == 0:
                ids[status] = entry
    return ids


def _hour_log_html(app: Flask, plan_id: int, student: int, *, as_objects: bool) -> str:
    with app.test_request_context(f"/plans/{plan_id}"):
        login_user(db.session.get(User, student))
        options = (plan_hours_options(),) if as_objects else ()
        plan = db.session.get(CreditPlan, plan_id, options=options)
        html = render_template("hours/_plan_hours.html", plan=plan, current_user=current_user)
        db.session.remove()
        return html


def test_rows_and_objects_give_the_same_hour_log(app: Flask, login_as, make) -> None:
    login_as("student")
    projects = [make.project(), make.project()]
    plan_id, placements = student_plan(app, make, PlanState.in_progress, projects=projects)
    ids = _entries(app, placements)
    student = user_id(app, "alice")

    from_rows = _hour_log_html(app, plan_id, student, as_objects=False)
    from_objects = _hour_log_html(app, plan_id, student, as_objects=True)

    assert from_rows == from_objects
    assert "2.25 hours verified, 4.5 pending, in 3 entries" in from_rows
    assert "3.25 hours verified, 6.5 pending, in 3 entries" in from_rows
    assert "5.5 of 45 required hours verified" in from_rows
    with app.test_request_context():
        for status in (HourStatus.submitted, HourStatus.disputed):
            edit = url_for("hours.edit", plan_id=plan_id, entry_id=ids[status])
            delete = url_for("hours.delete", plan_id=plan_id, entry_id=ids[status])
            assert f'href="{edit}"' in from_rows
            assert f'href="{delete}"' in from_rows
        verified = url_for("hours.edit", plan_id=plan_id, entry_id=ids[HourStatus.verified])
    assert f'href="{verified}"' not in from_rows
    assert from_rows.count("Final</span>") == len(placements)
    assert "Correct<span" in from_rows
    assert "Not on that day." in from_rows


def test_sums_come_from_the_database_as_exact_hours(app: Flask, login_as, make) -> None:
    login_as("student")
    plan_id, (placement,) = student_plan(app, make, PlanState.in_progress, credits=3)
    for day in range(30):
        add_entry(
            app,
            placement,
            work_date=TODAY - timedelta(days=day % 10),
            hours="0.25" if day % 3 else "7.75",
            status=HourStatus.verified if day % 2 else HourStatus.submitted,
        )
    with app.app_context():
        log = hour_log(db.session.get(CreditPlan, plan_id))
    totals = log.of(placement).totals
    # Verified: odd days; 7.75 on days 3, 9, 15, 21, 27 and 0.25 on the other ten.
    assert (str(totals.verified.normalize()), str(totals.pending.normalize())) == ("41.25", "41.25")
    assert log.figures.required == 135
    assert len(log.of(placement).entries) == 30
    assert log.of(placement + 1000).entries == []


def test_page_statements_do_not_grow_with_placements_for_anyone(app: Flask, login_as, make) -> None:
    clients = {role: login_as(role) for role in ("student", "advisor", "faculty")}
    sponsor = user_id(app, "fkim")
    counts: dict[str, list[int]] = {role: [] for role in clients}
    for size in (1, 4):
        projects = [make.project(hours=20) for _ in range(size)]
        plan_id, placements = student_plan(
            app, make, PlanState.in_progress, projects=projects, sponsor_id=sponsor
        )
        _entries(app, placements)
        for role, client in clients.items():
            client.get(f"/plans/{plan_id}")  # the first request re-checks roles
            statements, page = page_statements(app, client, f"/plans/{plan_id}")
            assert page.count('id="hour-entry-') == 3 * size
            assert page.count('class="placement-hours"') == size
            counts[role].append(len(statements))
    for role, (few, many) in counts.items():
        assert few == many, role
        assert many <= 12, role


def test_empty_sections_cost_no_statement(app: Flask, login_as, make) -> None:
    login_as("student")
    client = login_as("faculty")
    plan_id, placements = student_plan(
        app, make, PlanState.in_progress, sponsor_id=user_id(app, "fkim")
    )
    _entries(app, placements)
    client.get(f"/plans/{plan_id}")
    statements, page = page_statements(app, client, f"/plans/{plan_id}")
    for table in ("plan_comment", "amendment", "deliverable", "evaluation", "supervisor_link"):
        assert not [s for s in statements if s.lstrip().startswith(f"SELECT {table}.")], table
    # The sponsor's page reads the entries as rows: no entry is loaded as an object.
    assert not [s for s in statements if "hour_entry.created_at" in s]
    assert page.count('id="hour-entry-') == 3
    assert "No projects" not in page


def test_completion_and_supervisor_panels_read_the_hour_log(app: Flask, login_as, make) -> None:
    """The student's and the advisor's pages check completion and offer the hours request
    from the hour log's sums and statuses; no entry is loaded as an object."""
    clients = [login_as("student"), login_as("advisor")]
    plan_id, placements = student_plan(app, make, PlanState.in_progress, credits=1)
    add_entry(app, placements[0], hours="2.25", status=HourStatus.verified)
    waiting = add_entry(app, placements[0], hours="1.5", status=HourStatus.submitted)
    with app.app_context():  # the student agreed to share: the advisor may send links too
        db.session.get(Placement, placements[0]).consent_at = clock.now()  # type: ignore[union-attr]
        db.session.commit()
    hours_request = 'name="purpose" value="hours"'
    for client in clients:
        client.get(f"/plans/{plan_id}")
        statements, page = page_statements(app, client, f"/plans/{plan_id}")
        assert not [s for s in statements if "hour_entry.created_at" in s]
        assert hours_request in page
    # The student's page says what is missing, from the verified hours summed in SQL.
    page = clients[0].get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Supervisors have verified 2.25 of the" in page
    # Nothing waits once the entry is answered: the request is not offered, and why.
    with app.app_context():
        db.session.get(HourEntry, waiting).status = HourStatus.verified  # type: ignore[union-attr]
        db.session.commit()
    for client in clients:
        page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
        assert hours_request not in page
        assert "wait for verification. Log hours first" in page
