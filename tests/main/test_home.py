"""Each role's home page lists the work waiting, most urgent first, each item a link to it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    CommentKind,
    CreditPlan,
    Deliverable,
    DeliverableStatus,
    HourEntry,
    HourStatus,
    LinkPurpose,
    MessageStatus,
    OutboxMessage,
    PlanComment,
    PlanState,
    RecordRequest,
    SupervisorLink,
)
from tests.conftest import login, user_id
from tests.courses import schemes as courses
from tests.factories import Factory
from tests.statements import page_statements


def text(client: FlaskClient, path: str = "/") -> str:
    """The page's text with tags dropped and spaces collapsed (what a reader sees)."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = html[html.index("<main") :]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def html(client: FlaskClient, path: str = "/") -> str:
    return client.get(path).get_data(as_text=True)


def _add(app: Flask, *rows: object) -> None:
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()


def _placement_id(app: Flask, plan_id: int) -> int:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return plan.placements[0].id


def _days_ago(days: int) -> datetime:
    return clock.now() - timedelta(days=days)


def test_student_sees_changes_requested_with_the_comment_and_how_long_ago(
    app: Flask, login_as, make: Factory
) -> None:
    student = login_as("student")
    alice, advisor = user_id(app, "alice"), make.user("adavis")
    plan_id = make.plan(alice, PlanState.changes_requested, term_id=make.term("2027SP"))
    _add(
        app,
        PlanComment(
            plan_id=plan_id,
            author_id=advisor,
            kind=CommentKind.changes_requested,
            body="Name the deliverables of each project.",
            created_at=_days_ago(11),
        ),
    )
    page = text(student)
    assert "Changes requested on your 2027SP plan" in page
    assert "Name the deliverables of each project." in page
    assert "11 days ago" in page
    assert f'href="/plans/{plan_id}/edit"' in html(student)


def test_student_sees_disputed_hours_revisions_and_the_term_deadline(
    app: Flask, login_as, make: Factory
) -> None:
    student = login_as("student")
    alice = user_id(app, "alice")
    ends = clock.today() + timedelta(days=5)
    term = make.term("2027SU", starts_on=ends - timedelta(days=100), ends_on=ends)
    plan_id = make.plan(alice, PlanState.in_progress, term_id=term)
    placement = _placement_id(app, plan_id)
    _add(
        app,
        *(
            HourEntry(
                placement_id=placement,
                work_date=clock.today() - timedelta(days=day),
                hours=Decimal(4),
                description="Survey analysis.",
                status=HourStatus.disputed,
                dispute_comment="I count three hours that day.",
            )
            for day in (1, 2)
        ),
        Deliverable(
            placement_id=placement,
            title="Final report",
            link_url="https://docs.example/report",
            status=DeliverableStatus.revision_requested,
            review_comment="Add the charts.",
            created_by_id=alice,
        ),
    )
    page = text(student)
    assert "2 hour entries disputed on your 2027SU plan" in page
    assert "1 deliverable sent back for a revision on your 2027SU plan" in page
    assert f"the term ends on {ends} (in 5 days)" in page
    links = html(student)
    assert f'href="/plans/{plan_id}#hours"' in links
    assert f'href="/plans/{plan_id}#deliverables"' in links
    # Most urgent first: what was sent back comes before the plan's own state.
    assert page.index("disputed") < page.index("2027SU plan: in progress")


def test_a_student_without_plans_is_told_how_to_start(login_as) -> None:
    page = text(login_as("student"))
    assert "You have no plan under way. Start a plan" in page
    assert 'href="/plans/new"' in html(login_as("student"))


def test_advisor_sees_plans_waiting_with_days_overdue_supervisors_and_stuck_plans(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    early, late = make.user("early", name="Early Student"), make.user("late", name="Late Student")
    make.plan(late, PlanState.submitted, submitted_at=_days_ago(2))
    make.plan(early, PlanState.submitted, submitted_at=_days_ago(9))
    ends = clock.today() + timedelta(days=10)
    term = make.term("2027SU", starts_on=ends - timedelta(days=100), ends_on=ends)
    stuck = make.plan(make.user("slow", name="Slow Student"), PlanState.in_progress, term_id=term)
    placement = _placement_id(app, stuck)
    _add(
        app,
        HourEntry(
            placement_id=placement,
            work_date=clock.today(),
            hours=Decimal(3),
            description="Interviews.",
            status=HourStatus.submitted,
        ),
        SupervisorLink(
            token_id="overdue-link",
            placement_id=placement,
            purpose=LinkPurpose.hours,
            recipient_email="boss@employer.example",
            created_by_id=make.user("adavis"),
            created_at=_days_ago(10),
            expires_at=clock.now() + timedelta(days=20),
        ),
    )
    page = text(advisor)
    assert "2 plans waiting for a decision" in page
    assert "Early Student: " in page
    assert "waiting 9 days" in page
    assert page.index("Early Student") < page.index("Late Student")
    assert "1 supervisor overdue" in page
    assert "1 supervisor link unanswered past the reminder time" in page
    assert "2027SU: 1 plan still approved or in progress" in page
    assert "1 plan of 2027SU still in progress" in page
    assert f"the term ends on {ends} (in 10 days)" in page
    links = html(advisor)
    assert 'href="/advisor/overdue"' in links
    assert f'href="/plans/all?term={term}&amp;state=in_progress"' in links


def test_faculty_sees_sign_offs_waiting_the_late_one_first(
    app: Flask, login_as, make: Factory
) -> None:
    faculty = login_as("faculty")
    fkim = make.user("fkim")
    past = clock.today() - timedelta(days=200)
    old_term = make.term(
        "2026SP",
        starts_on=past,
        ends_on=past + timedelta(days=100),
        grading_deadline=past + timedelta(days=110),
    )
    on_time = make.plan(
        make.user("ontime", name="Ontime Student"), PlanState.awaiting_signoff, sponsor_id=fkim
    )
    late = make.plan(
        make.user("tardy", name="Tardy Student"),
        PlanState.awaiting_signoff,
        sponsor_id=fkim,
        term_id=old_term,
    )
    page = text(faculty)
    assert "2 plans waiting for your sign-off" in page
    assert "1 plan past the grading deadline" in page
    assert page.index("Tardy Student") < page.index("Ontime Student")
    links = html(faculty)
    assert f'href="/signoff/{late}"' in links
    assert f'href="/signoff/{on_time}"' in links


def test_faculty_with_nothing_to_sign_is_told_what_comes(login_as) -> None:
    page = text(login_as("faculty"))
    assert "0 plans waiting for your sign-off" in page
    assert "No plan waits for your sign-off." in page


def test_registrar_sees_plans_ready_to_post_requests_and_late_sign_offs(
    app: Flask, login_as, make: Factory
) -> None:
    registrar = login_as("registrar")
    term = make.term("2026FA")
    for _ in range(2):
        make.plan(make.user(None), PlanState.signed_off, term_id=term)
    soon = clock.today() + timedelta(days=3)
    closing = make.term(
        "2026SU",
        starts_on=soon - timedelta(days=120),
        ends_on=soon - timedelta(days=5),
        grading_deadline=soon,
    )
    make.plan(make.user(None), PlanState.awaiting_signoff, term_id=closing)
    asker = make.user("asker", name="Asking Student")
    _add(app, RecordRequest(student_id=asker, purpose="Graduate school application"))
    page = text(registrar)
    assert "2026FA: 2 plans ready to post" in page
    assert "Asking Student asks for an official record" in page
    assert "Graduate school application" in page
    assert "1 record request waiting" in page
    assert "2026SU: 1 plan not signed off, near the grading deadline" in page
    assert f'href="/registrar/terms/{term}"' in html(registrar)


def test_admin_is_warned_when_the_outbox_stopped_and_of_terms_without_courses(
    app: Flask, login_as, make: Factory
) -> None:
    admin = login_as("admin")
    bare = make.term("2027FA", starts_on=clock.today() + timedelta(days=30))
    _add(
        app,
        OutboxMessage(
            to_addr="a@university.example", subject="Waiting", body="x", created_at=_days_ago(1)
        ),
        OutboxMessage(
            to_addr="b@university.example", subject="Failed", body="x", status=MessageStatus.failed
        ),
    )
    page = text(admin)
    assert "1 message waiting to be sent" in page
    assert "1 message failed" in page
    assert "No e-mail has been sent yet while 1 message waits" in page
    assert "1 message could not be delivered" in page
    assert "2027FA offers no course section" in page
    assert f'href="/admin/terms/{bare}/sections"' in html(admin)


def test_admin_with_a_working_outbox_sees_no_warning(app: Flask, login_as, make: Factory) -> None:
    admin = login_as("admin")
    term = make.term("2027FA")
    _add(
        app,
        OutboxMessage(
            to_addr="a@university.example",
            subject="Sent",
            body="x",
            status=MessageStatus.sent,
            sent_at=clock.now(),
        ),
    )
    courses.section(app, term, courses.course(app))
    page = text(admin)
    assert "No e-mail has been sent" not in page
    assert "offers no course section" not in page
    assert "All is well" in page


def test_someone_with_every_role_sees_each_roles_part(app: Flask, make: Factory) -> None:
    client = app.test_client()
    login(client, "kmorgan")
    page = text(client)
    for heading in (
        "Your credit plans",
        "Career services",
        "Plans you sponsor",
        "Registrar's office",
        "Administration",
    ):
        assert heading in page


def _busy_campus(app: Flask, make: Factory, plans: int) -> None:
    """``plans`` plans in each state a home page lists, with hours and comments."""
    alice, fkim = make.user("alice"), make.user("fkim")
    soon = clock.today() + timedelta(days=5)
    term = make.term(starts_on=soon - timedelta(days=100), ends_on=soon)
    for _ in range(plans):
        student = make.user(None)
        for state in (PlanState.submitted, PlanState.signed_off, PlanState.in_progress):
            make.plan(student, state, term_id=term)
        make.plan(student, PlanState.awaiting_signoff, term_id=term, sponsor_id=fkim)
        sent_back = make.plan(alice, PlanState.changes_requested, term_id=term)
        _add(
            app,
            PlanComment(
                plan_id=sent_back, author_id=fkim, kind=CommentKind.changes_requested, body="Fix."
            ),
        )


@pytest.mark.parametrize("role", ["student", "advisor", "faculty", "registrar", "admin"])
def test_home_pages_cost_the_same_few_queries_with_more_work(
    app: Flask, login_as, make: Factory, role: str
) -> None:
    client = login_as(role)
    _busy_campus(app, make, 1)
    few = len(page_statements(app, client, "/")[0])
    _busy_campus(app, make, 12)
    assert len(page_statements(app, client, "/")[0]) == few
    assert few <= 12
