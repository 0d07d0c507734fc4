"""The life of a credit plan through the pages, from the first hour logged to posted credit.

A student logs hours and sends their supervisor a link; the supervisor
(signed in nowhere) verifies some hours and disputes one; the student
corrects it and the supervisor verifies it; the supervisor evaluates; the
student sends the plan for sign-off; the sponsor signs off; the registrar
exports the grade roll and posts it; the student sees the result.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import CreditPlan, HourEntry, OutboxMessage, RubricCriterion
from tests.conftest import csrf_token
from tests.factories import OBJECTIVES
from tests.plans.conftest import plan_state, post_form

REFLECTION = (
    "Cleaning a real client's survey data showed me how much judgement hides behind each "
    "number, and presenting it taught me to lead with the decision the client has to make."
)
LINK = re.compile(r"https?://[^/\s]+(/s/[A-Za-z0-9._\-]+)")


def _link_sent_to(app: Flask, address: str) -> str:
    """The path of the newest supervisor link e-mailed to ``address``, as its reader sees it."""
    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.to_addr == address)
            .order_by(OutboxMessage.id.desc())
        ).first()
    return LINK.search(body).group(1)


def _entries(app: Flask, plan_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        return [(e.id, e.status.value) for e in plan.placements[0].hour_entries]


def _agree_and_plan(app: Flask, make, student, advisor) -> tuple[int, int]:
    """A plan built, submitted and approved through the pages; returns plan and placement ids."""
    term = make.term("2026FA", starts_on=clock.today() - timedelta(days=30))
    project = make.project(
        hours=45,
        title="Survey analysis for a food bank",
        starts_on=clock.today() - timedelta(days=30),
        supervisor_id=make.supervisor(email="maria.ortiz@foodbank.example", name="Maria Ortiz"),
    )
    response = post_form(
        student,
        "/plans/new",
        "/plans/new",
        term_id=term,
        credits_requested=1,
        objectives=OBJECTIVES,
    )
    plan_id = int(re.search(r"/plans/(\d+)/edit", response.headers["Location"]).group(1))
    edit = f"/plans/{plan_id}/edit"
    post_form(student, edit, f"/plans/{plan_id}/sponsor", uid="fkim")
    post_form(student, edit, f"/plans/{plan_id}/placements", project_id=project)
    post_form(student, edit, f"/plans/{plan_id}/submit")
    post_form(advisor, f"/plans/{plan_id}", f"/plans/{plan_id}/approve", credits=1)
    assert plan_state(app, plan_id) == "approved"
    with app.app_context():
        placement_id = db.session.get(CreditPlan, plan_id).placements[0].id
    return plan_id, placement_id


def test_a_plan_from_hours_to_posted_credit(app: Flask, login_as, make) -> None:
    student, advisor = login_as("student"), login_as("advisor")
    sponsor, registrar = login_as("faculty"), login_as("registrar")
    supervisor = app.test_client()  # no account, only the e-mailed link
    plan_id, placement_id = _agree_and_plan(app, make, student, advisor)
    plan_page = f"/plans/{plan_id}"

    # The student logs 45 hours over six days.
    new_hours = f"/plans/{plan_id}/placements/{placement_id}/hours/new"
    for days_ago, hours in ((6, 5), (5, 8), (4, 8), (3, 8), (2, 8), (1, 8)):
        response = post_form(
            student,
            new_hours,
            new_hours,
            work_date=(clock.today() - timedelta(days=days_ago)).isoformat(),
            hours=hours,
            description="Cleaned and coded survey answers.",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    # ... consents once and sends the supervisor the hours link.
    send = f"/plans/{plan_id}/placements/{placement_id}/links"
    response = post_form(student, plan_page, send, purpose="hours")
    consent = response.headers["Location"]
    assert "/consent" in consent
    assert "Maria Ortiz" in student.get(consent).get_data(as_text=True)
    post_form(student, consent, consent, purpose="hours", agree="y")
    hours_link = _link_sent_to(app, "maria.ortiz@foodbank.example")

    # The supervisor verifies five entries and disputes the first day's.
    page = supervisor.get(hours_link).get_data(as_text=True)
    assert "Alice Student" in page
    assert "Survey analysis for a food bank" in page
    assert OBJECTIVES not in page
    assert "Credits" not in page
    disputed, *rest = [entry_id for entry_id, _ in _entries(app, plan_id)]
    for entry_id in rest:
        post_form(supervisor, hours_link, f"{hours_link}/hours", action="verify", entry_id=entry_id)
    post_form(
        supervisor,
        hours_link,
        f"{hours_link}/hours",
        action="dispute",
        entry_id=disputed,
        comment="You started at noon that day: four hours, not five.",
    )
    assert plan_state(app, plan_id) == "in_progress"
    statuses = dict(_entries(app, plan_id))
    assert statuses[disputed] == "disputed"
    assert {statuses[e] for e in rest} == {"verified"}

    # The student reads the comment, corrects the entry; the supervisor verifies it.
    assert "four hours, not five" in student.get(plan_page).get_data(as_text=True)
    edit_entry = f"/plans/{plan_id}/hours/{disputed}/edit"
    post_form(
        student,
        edit_entry,
        edit_entry,
        hours=4,
        description="Coded survey answers.",
        work_date=(clock.today() - timedelta(days=6)).isoformat(),
    )
    assert dict(_entries(app, plan_id))[disputed] == "submitted"
    post_form(supervisor, hours_link, f"{hours_link}/hours", action="verify", entry_id=disputed)

    # 44 verified hours are short of 45: the page says so; one more hour closes the gap.
    assert "verified 44 of the 45 hours" in student.get(plan_page).get_data(as_text=True)
    post_form(
        student,
        new_hours,
        new_hours,
        work_date=clock.today().isoformat(),
        hours=1,
        description="Presented the findings to the team.",
    )
    post_form(supervisor, hours_link, f"{hours_link}/hours", action="verify_all")
    with app.app_context():
        assert all(
            e.status.value == "verified" for e in db.session.scalars(select(HourEntry)).all()
        )

    # The final evaluation, through its own link.
    post_form(student, plan_page, send, purpose="final")
    final_link = _link_sent_to(app, "maria.ortiz@foodbank.example")
    assert final_link != hours_link
    with app.app_context():
        criteria = db.session.scalars(select(RubricCriterion).where(RubricCriterion.active)).all()
    scores = {f"criterion_{c.id}": 4 for c in criteria}
    response = post_form(
        supervisor,
        final_link,
        f"{final_link}/evaluation",
        comments="Careful, clear and good with the volunteers.",
        **scores,
    )
    assert response.status_code in {200, 302}

    # The student sends the plan for sign-off with a reflection.
    response = post_form(student, plan_page, f"/plans/{plan_id}/complete", reflection=REFLECTION)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert plan_state(app, plan_id) == "awaiting_signoff"

    # The sponsor signs off on one screen.
    review = f"/signoff/{plan_id}"
    summary = sponsor.get(review).get_data(as_text=True)
    assert "Careful, clear and good with the volunteers." in summary
    response = post_form(sponsor, review, review, grade="S", credits=1, comment="Well done.")
    assert response.status_code == 302
    assert plan_state(app, plan_id) == "signed_off"
    assert "Well done." not in student.get(plan_page).get_data(as_text=True)  # not before posting

    # The registrar exports the grade roll, then posts it.
    with app.app_context():
        term_id = db.session.get(CreditPlan, plan_id).term_id
    response = post_form(
        registrar, f"/registrar/terms/{term_id}", f"/registrar/terms/{term_id}/exports"
    )
    export_page = response.headers["Location"]
    csv_text = registrar.get(f"{export_page}/download").get_data().decode("utf-8-sig")
    assert "900000001" in csv_text
    assert "2026FA" in csv_text
    assert "CAREER 2990" in csv_text
    assert plan_state(app, plan_id) == "signed_off"  # exporting alone posts nothing
    token = csrf_token(registrar, export_page)
    confirm = {"csrf_token": token, "scope": "all", "sis_took": "y"}  # the SIS took the file
    registrar.post(f"{export_page}/post", data=confirm)
    assert plan_state(app, plan_id) == "posted"

    # The student sees the grade and the credit.
    page = student.get(plan_page).get_data(as_text=True)
    assert "Posted" in page
    assert "1 credit" in page
