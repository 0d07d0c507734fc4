"""Each role's home page in Chromium, with work waiting in it; list tables as cards on a phone."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    CommentKind,
    CreditPlan,
    HourEntry,
    HourStatus,
    OutboxMessage,
    PlanComment,
    PlanState,
    RecordRequest,
)
from tests.browser.conftest import LiveServer
from tests.conftest import PEOPLE, user_id

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
CHANGES = "Name the deliverables of each project and how your sponsor will read them."


def _add(server: LiveServer, *rows: object) -> None:
    with server.app.app_context():
        db.session.add_all(rows)
        db.session.commit()


def _disputed_hours(server: LiveServer, plan_id: int) -> None:
    with server.app.app_context():
        placement = db.session.get(CreditPlan, plan_id).placements[0]
        db.session.add_all(
            HourEntry(
                placement_id=placement.id,
                work_date=clock.today() - timedelta(days=day),
                hours=Decimal(4),
                description="Coded the survey answers.",
                status=HourStatus.disputed if day == 2 else HourStatus.submitted,
                dispute_comment="I count three hours that day." if day == 2 else None,
            )
            for day in (1, 2, 3)
        )
        db.session.commit()


def _campus_at_work(server: LiveServer) -> dict[str, int]:
    """Work waiting for every role of the test campus (the people have signed in)."""
    make, app = server.make, server.app
    alice, fkim, adavis = (user_id(app, PEOPLE[role]) for role in ("student", "faculty", "advisor"))
    spring = make.term("2027SP", name="Spring 2027")
    ends = clock.today() + timedelta(days=12)
    summer = make.term(
        "2027SU", name="Summer 2027", starts_on=ends - timedelta(days=90), ends_on=ends
    )
    sent_back = make.plan(alice, PlanState.changes_requested, term_id=spring, sponsor_id=fkim)
    _add(
        server,
        PlanComment(
            plan_id=sent_back,
            author_id=adavis,
            kind=CommentKind.changes_requested,
            body=CHANGES,
            created_at=clock.now() - timedelta(days=11),
        ),
    )
    working = make.plan(alice, PlanState.in_progress, term_id=summer, sponsor_id=fkim)
    _disputed_hours(server, working)
    for name, waiting in (("Jordan Lee", 9), ("Priya Natarajan", 4), ("Tomás Ruiz", 1)):
        student = make.user(None, name=name)
        submitted = clock.now() - timedelta(days=waiting)
        make.plan(student, PlanState.submitted, term_id=spring, submitted_at=submitted)
        make.plan(student, PlanState.signed_off, term_id=summer)
        make.plan(student, PlanState.awaiting_signoff, term_id=summer, sponsor_id=fkim)
    _add(
        server,
        RecordRequest(student_id=make.user(None, name="Ana Souza"), purpose="Scholarship"),
        OutboxMessage(
            to_addr="alice@university.example",
            subject="Your plan",
            body="x",
            created_at=clock.now() - timedelta(hours=3),
        ),
    )
    make.term("2027FA", name="Fall 2027", starts_on=clock.today() + timedelta(days=40))
    return {"sent_back": sent_back, "working": working}


def test_each_roles_home_page_lists_its_work(serve, people) -> None:
    server = serve()
    persons = {}
    for role in ("student", "advisor", "faculty", "registrar", "admin"):
        persons[role] = people(server, role)
        persons[role].sign_in(PEOPLE[role])
    plans = _campus_at_work(server)

    student = persons["student"]
    student.open("/")
    shown = student.text()
    assert "Changes requested on your 2027SP plan" in shown
    assert CHANGES in shown
    assert "11 days ago" in shown
    assert "1 hour entry disputed on your 2027SU plan" in shown
    student.screenshot("home-student")
    student.follow(re.compile(r"^Correct the entries\W+1 hour entry disputed"))
    assert student.path == f"/plans/{plans['working']}"

    advisor = persons["advisor"]
    advisor.open("/")
    shown = advisor.text()
    assert "3 plans waiting for a decision" in shown
    assert "2027SU: 1 plan still approved or in progress" in shown
    advisor.screenshot("home-advisor")

    faculty = persons["faculty"]
    faculty.open("/")
    assert "3 plans waiting for your sign-off" in faculty.text()
    faculty.screenshot("home-faculty")

    registrar = persons["registrar"]
    registrar.open("/")
    shown = registrar.text()
    assert "2027SU: 3 plans ready to post" in shown
    assert "Ana Souza asks for an official record" in shown
    registrar.screenshot("home-registrar")

    admin = persons["admin"]
    admin.open("/")
    shown = admin.text()
    assert "No e-mail has been sent yet while 1 message waits" in shown
    assert "2027FA offers no course section" in shown
    admin.screenshot("home-admin")


def test_the_advisor_decides_from_the_top_of_the_plan_page(serve, people) -> None:
    server = serve()
    advisor = people(server, "advisor")
    advisor.sign_in(PEOPLE["advisor"])
    student = server.make.user(None, name="Jordan Lee")
    plan_id = server.make.plan(student, PlanState.submitted, term_id=server.make.term("2027SP"))
    advisor.open("/")
    advisor.follow(re.compile(r"^Review\W+Jordan Lee"))
    assert advisor.path == f"/plans/{plan_id}"
    decision = advisor.page.locator("#decision")
    assert decision.bounding_box()["y"] < 900  # on the first screen of a laptop
    advisor.screenshot("plan-page-decision")
    advisor.fill("Comment to the student", "Not eligible this term.")
    advisor.press("Reject", status=422)
    assert "Tick the box to confirm the rejection." in advisor.text()
    assert advisor.page.get_by_label("Comment to the student").input_value() == (
        "Not eligible this term."
    )
    advisor.page.get_by_label("Yes, reject this plan (the student cannot resubmit it)").check()
    advisor.press("Reject")
    assert "Plan rejected." in advisor.flash()


def test_list_tables_become_cards_on_a_phone(serve, people) -> None:
    server = serve()
    student = people(server, "student", **PHONE)
    student.sign_in(PEOPLE["student"])
    alice = user_id(server.app, PEOPLE["student"])
    term = server.make.term("2026FA")
    plan_id = server.make.plan(alice, PlanState.in_progress, term_id=term)
    server.make.plan(alice, PlanState.submitted, term_id=term)
    _disputed_hours(server, plan_id)
    for path, table in (
        ("/plans/", "table.list.cards"),
        (f"/plans/{plan_id}", "table.hour-entries"),
    ):
        student.open(path)
        width = student.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} pixels wide on a 360-pixel phone"
        cells = student.page.locator(f"{table} tbody td[data-label]")
        assert cells.count() > 0
        for n in range(cells.count()):
            cell = cells.nth(n)
            assert cell.is_visible()
            box = cell.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 360
            label = cell.evaluate("c => getComputedStyle(c, '::before').content")
            assert label == f'"{cell.get_attribute("data-label")}"'
        assert not student.page.locator(f"{table} thead").first.is_visible() or (
            student.page.locator(f"{table} thead").first.bounding_box()["width"] <= 1
        )
    student.open("/plans/")
    student.screenshot("phone-plan-list")
    student.open(f"/plans/{plan_id}")
    student.screenshot("phone-plan-page", until="#hours")
