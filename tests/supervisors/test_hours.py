"""The supervisor's hours page: what it shows, verifying, disputing, and nothing else."""

from __future__ import annotations

from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan, HourStatus, PlanState, SupervisorLink
from tests.conftest import user_id
from tests.factories import OBJECTIVES
from tests.plans.conftest import plan_state
from tests.supervisors.conftest import (
    Case,
    add_entries,
    disclosures,
    entry,
    events,
    last_link,
    supervisor_post,
)


def link_row(app: Flask, link_id: int | None = None) -> SupervisorLink:
    with app.app_context():
        link = (
            db.session.get(SupervisorLink, link_id)
            if link_id
            else db.session.query(SupervisorLink).order_by(SupervisorLink.id.desc()).first()
        )
        db.session.expunge(link)
        return link


def test_the_page_shows_the_student_the_project_and_the_hours_only(case: Case) -> None:
    add_entries(case.app, case.placement_id, "2.5", "3")
    add_entries(case.app, case.placement_id, "1.25", status=HourStatus.verified)
    other = case.make.plan(user_id(case.app, "alice"), PlanState.approved, credits=2)
    with case.app.app_context():
        other_placement = db.session.get(CreditPlan, other).placements[0]
        other_title = other_placement.project.title
        add_entries(case.app, other_placement.id, "7.75")
        plan = db.session.get(CreditPlan, case.plan_id)
        project, sponsor = plan.placements[0].project, plan.sponsor.display_name
        facts = (project.title, project.employer.name, plan.term.code)

    response = case.app.test_client().get(case.link("hours"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Alice Student" in page
    assert facts[0] in page
    assert facts[1] in page
    assert "2.5 h" in page
    assert "3 h" in page
    assert "1.25 h" in page
    assert "Task number 1 on the client report" in page
    assert page.count('class="entry entry-') == 3
    for private in (
        OBJECTIVES[:40],
        "credit",
        "Credit",
        "grade",
        "Grade",
        sponsor,
        other_title,
        "7.75",
        facts[2],
        "alice@",
    ):
        assert private not in page.replace("CareerCredit", "").replace("academic credit", ""), (
            private
        )
    assert response.headers["Cache-Control"] == "no-store"
    assert "careercredit_session" in response.headers.get("Set-Cookie", "")


def test_every_opening_is_a_disclosure(case: Case) -> None:
    add_entries(case.app, case.placement_id, "2", "3", "4")
    path = case.link("hours")
    link = link_row(case.app)
    assert disclosures(case.app) == []
    supervisor = case.app.test_client()
    supervisor.get(path)
    supervisor.get(path, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    first, second = disclosures(case.app)
    assert first.link_id == second.link_id == link.id
    assert first.student_id == user_id(case.app, "alice")
    assert first.placement_id == case.placement_id
    assert first.recipient == case.supervisor_email
    assert "verifies the student's hours" in first.purpose
    assert "student name" in first.disclosed
    assert "3 hour entries" in first.disclosed
    assert second.client_addr == "198.51.100.7"
    assert link_row(case.app, link.id).last_opened_at is not None


def test_verifying_the_first_hours_starts_the_plan(case: Case) -> None:
    first, second = add_entries(case.app, case.placement_id, "2", "3")
    path = case.link("hours")
    link = link_row(case.app)
    supervisor = case.app.test_client()
    response = supervisor_post(supervisor, path, "/hours", action="verify", entry_id=first)
    assert response.status_code == 302
    assert response.headers["Location"] == path

    verified = entry(case.app, first)
    assert verified.status == HourStatus.verified
    assert verified.decided_at is not None
    assert verified.decided_via_id == link.id
    assert entry(case.app, second).status == HourStatus.submitted
    assert link_row(case.app, link.id).answered_at is not None
    assert plan_state(case.app, case.plan_id) == "in_progress"
    (event,) = events(case.app, "hour_entry.verify")
    assert event.actor_id is None
    assert event.details["link_id"] == link.id
    assert event.details["entry_id"] == first
    (start,) = events(case.app, "plan.start")
    assert start.actor_id is None
    assert "Verified the entry" in supervisor.get(path).get_data(as_text=True)

    supervisor_post(supervisor, path, "/hours", action="verify", entry_id=second)
    assert entry(case.app, second).status == HourStatus.verified
    assert len(events(case.app, "plan.start")) == 1


def test_verify_all_waiting_entries(case: Case) -> None:
    ids = add_entries(case.app, case.placement_id, "2", "3", "1")
    path = case.link("hours")
    supervisor = case.app.test_client()
    supervisor_post(supervisor, path, "/hours", action="dispute", entry_id=ids[2], comment="No.")
    page = supervisor.get(path).get_data(as_text=True)
    assert "Verify all 2 waiting entries" in page
    supervisor_post(supervisor, path, "/hours", action="verify_all")
    assert [entry(case.app, i).status for i in ids] == ["verified", "verified", "disputed"]
    assert len(events(case.app, "hour_entry.verify")) == 2
    assert plan_state(case.app, case.plan_id) == "in_progress"


def test_a_dispute_needs_a_comment(case: Case) -> None:
    (entry_id,) = add_entries(case.app, case.placement_id, "2")
    path = case.link("hours")
    supervisor = case.app.test_client()
    response = supervisor_post(
        supervisor, path, "/hours", action="dispute", entry_id=entry_id, comment="   "
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Say what is wrong with this entry" in page
    assert f'id="comment-{entry_id}"' in page
    assert 'aria-invalid="true"' in page
    assert entry(case.app, entry_id).status == HourStatus.submitted
    assert events(case.app, "hour_entry.dispute") == []


def test_disputing_keeps_the_reason(case: Case) -> None:
    (entry_id,) = add_entries(case.app, case.placement_id, "6")
    path = case.link("hours")
    link = link_row(case.app)
    supervisor = case.app.test_client()
    reason = "She worked 4 hours that day, not 6."
    response = supervisor_post(
        supervisor, path, "/hours", action="dispute", entry_id=entry_id, comment=reason
    )
    assert response.status_code == 302
    disputed = entry(case.app, entry_id)
    assert disputed.status == HourStatus.disputed
    assert disputed.dispute_comment == reason
    assert disputed.decided_via_id == link.id
    (event,) = events(case.app, "hour_entry.dispute")
    assert event.actor_id is None
    assert event.details["entry_id"] == entry_id
    assert event.details["comment"] == reason
    assert plan_state(case.app, case.plan_id) == "approved"  # no verified hour yet
    assert reason in supervisor.get(path).get_data(as_text=True)


def test_a_verified_entry_cannot_be_changed(case: Case) -> None:
    (entry_id,) = add_entries(case.app, case.placement_id, "2", status=HourStatus.verified)
    add_entries(case.app, case.placement_id, "3")
    path = case.link("hours")
    supervisor = case.app.test_client()
    response = supervisor_post(
        supervisor, path, "/hours", action="dispute", entry_id=entry_id, comment="Oops"
    )
    assert response.status_code == 404
    assert "already verified" in response.get_data(as_text=True)
    assert entry(case.app, entry_id).status == HourStatus.verified


def test_a_link_never_reaches_another_placement(case: Case, login_as) -> None:
    """Placement A's link cannot read or change placement B's entries, nor another student's."""
    b_project = case.make.project()
    plan_id = case.make.plan(
        user_id(case.app, "alice"),
        PlanState.approved,
        project_ids=[case.make.project(), b_project],
    )
    with case.app.app_context():
        a, b = db.session.get(CreditPlan, plan_id).placements
        a_id, b_id, a_email = a.id, b.id, a.project.supervisor.email
    (a_entry,) = add_entries(case.app, a_id, "2")
    (b_entry,) = add_entries(case.app, b_id, "5.5")
    other_student = case.make.plan(case.make.user("bob"), PlanState.approved)
    with case.app.app_context():
        other_placement = db.session.get(CreditPlan, other_student).placements[0].id
    (other_entry,) = add_entries(case.app, other_placement, "4")

    a_case = Case(case.app, case.make, case.student, plan_id, a_id, a_email)
    path = a_case.link("hours")
    assert last_link(case.app, a_email) == path
    supervisor = case.app.test_client()
    page = supervisor.get(path).get_data(as_text=True)
    assert "2 h" in page
    assert "5.5" not in page

    for foreign in (b_entry, other_entry, 2**31 - 1):
        for action in ("verify", "dispute"):
            response = supervisor_post(
                supervisor, path, "/hours", action=action, entry_id=foreign, comment="Wrong"
            )
            assert response.status_code == 404, (foreign, action)
            assert "not on this page" in response.get_data(as_text=True)
    assert entry(case.app, b_entry).status == HourStatus.submitted
    assert entry(case.app, b_entry).dispute_comment is None
    assert entry(case.app, other_entry).status == HourStatus.submitted
    assert plan_state(case.app, plan_id) == "approved"
    refusals = [e.details for e in events(case.app, "supervisor_link.refused")]
    assert {r["entry_id"] for r in refusals} == {b_entry, other_entry, 2**31 - 1}
    assert all(r["reason"] == "entry" for r in refusals)
    assert events(case.app, "hour_entry.verify") == []

    supervisor_post(supervisor, path, "/hours", action="verify", entry_id=a_entry)
    assert entry(case.app, a_entry).status == HourStatus.verified


def test_answers_need_the_csrf_token(case: Case) -> None:
    (entry_id,) = add_entries(case.app, case.placement_id, "2")
    path = case.link("hours")
    supervisor = case.app.test_client()
    supervisor.get(path)
    response = supervisor.post(f"{path}/hours", data={"action": "verify", "entry_id": entry_id})
    assert response.status_code == 400
    assert entry(case.app, entry_id).status == HourStatus.submitted
