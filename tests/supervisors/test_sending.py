"""Sending supervisor links from a plan: consent first, then send, re-send and revoke."""

from __future__ import annotations

from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, SupervisorLink
from tests.conftest import csrf_token, user_id
from tests.plans.conftest import outbox, post_form
from tests.supervisors.conftest import Case, events, last_link


def links(case: Case) -> list[SupervisorLink]:
    with case.app.app_context():
        rows = db.session.scalars(select(SupervisorLink).order_by(SupervisorLink.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def consent_at(case: Case):
    with case.app.app_context():
        return db.session.get(CreditPlan, case.plan_id).placements[0].consent_at


def test_the_first_send_asks_the_student_to_consent(case: Case) -> None:
    response = case.send("hours")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{case.consent_url()}?purpose=hours")
    assert links(case) == []
    assert outbox(case.app) == []

    page = case.student.get(response.headers["Location"]).get_data(as_text=True)
    with case.app.app_context():
        placement = db.session.get(CreditPlan, case.plan_id).placements[0]
        supervisor, title = placement.project.supervisor, placement.project.title
    assert supervisor.name in page
    assert case.supervisor_email in page
    assert "Alice Student" in page
    assert title in page
    assert "hour entries" in page
    assert "goes into your credit record" in page
    assert "Why" in page
    assert "award academic credit" in page


def test_consent_needs_the_box_ticked(case: Case) -> None:
    case.hours_to_verify("hours")
    page = f"{case.consent_url()}?purpose=hours"
    response = post_form(case.student, page, case.consent_url(), purpose="hours")
    assert response.status_code == 422
    assert "Tick the box to agree" in response.get_data(as_text=True)
    assert consent_at(case) is None
    assert links(case) == []


def test_consenting_records_it_and_sends_the_link(case: Case) -> None:
    response = case.consent("hours")
    assert response.status_code == 302
    assert consent_at(case) is not None
    (consent,) = events(case.app, "placement.consent")
    assert consent.actor_id == user_id(case.app, "alice")
    assert consent.object_id == str(case.placement_id)
    assert consent.details["recipient"] == case.supervisor_email

    (link,) = links(case)
    assert link.purpose.value == "hours"
    assert link.recipient_email == case.supervisor_email
    assert outbox(case.app)[-1][0] == case.supervisor_email
    assert last_link(case.app, case.supervisor_email).startswith("/s/")
    page = case.student.get(case.plan_page).get_data(as_text=True)
    assert "was sent to " + case.supervisor_email in page
    assert "Alice Student agreed on" in page

    # Consent is asked once: the next send goes straight out.
    response = case.send("midterm")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(case.plan_page)
    assert [link.purpose.value for link in links(case)] == ["hours", "midterm"]
    assert len(events(case.app, "placement.consent")) == 1
    assert case.student.get(case.consent_url()).status_code == 302


def test_resending_revokes_the_older_link(case: Case) -> None:
    first = case.link("hours")
    second = case.link("hours")
    assert first != second
    old, new = links(case)
    assert old.revoked_at is not None
    assert new.revoked_at is None
    assert case.student.get(second).status_code == 200
    assert case.student.get(first).status_code == 404
    assert "Re-send hour verification request" in case.student.get(case.plan_page).get_data(
        as_text=True
    )


def test_revoking_asks_for_confirmation_then_stops_the_link(case: Case) -> None:
    path = case.link("hours")
    (link,) = links(case)
    revoke = f"/plans/{case.plan_id}/links/{link.id}/revoke"
    page = case.student.get(revoke)
    assert page.status_code == 200
    assert "Revoke this link?" in page.get_data(as_text=True)
    assert links(case)[0].revoked_at is None

    assert case.student.post(revoke, data={}).status_code == 400  # no CSRF token
    assert links(case)[0].revoked_at is None

    response = post_form(case.student, revoke, revoke)
    assert response.status_code == 302
    assert links(case)[0].revoked_at is not None
    assert events(case.app, "supervisor_link.revoke")[0].details["link_id"] == link.id
    assert case.app.test_client().get(path).status_code == 404


def test_an_advisor_cannot_send_before_the_student_consents(case: Case, login_as) -> None:
    advisor = login_as("advisor")
    page = advisor.get(case.plan_page).get_data(as_text=True)
    assert "has not yet agreed" in page
    response = case.send("hours", client=advisor)
    assert response.status_code == 302
    assert "has not yet agreed" in advisor.get(response.headers["Location"]).get_data(as_text=True)
    assert links(case) == []
    assert advisor.get(case.consent_url()).status_code == 404


def test_an_advisor_sends_after_the_student_consented(case: Case, login_as) -> None:
    case.link("hours")
    advisor = login_as("advisor")
    assert case.send("final", client=advisor).status_code == 302
    final = links(case)[-1]
    assert final.purpose.value == "final"
    assert final.created_by_id == user_id(case.app, "adavis")


def test_a_project_without_a_supervisor_says_so(case: Case, login_as) -> None:
    project = case.make.project(supervisor_id=None)
    plan_id = case.make.plan(
        user_id(case.app, "alice"), PlanState.in_progress, project_ids=[project]
    )
    with case.app.app_context():
        placement_id = db.session.get(CreditPlan, plan_id).placements[0].id
    page = case.student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "has no supervisor in the catalogue" in page
    url = f"/plans/{plan_id}/placements/{placement_id}/links"
    response = post_form(case.student, f"/plans/{plan_id}", url, purpose="hours")
    assert response.status_code == 302
    followed = case.student.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ask career services to add the supervisor" in followed
    assert links(case) == []


def test_links_are_sent_only_while_the_plan_is_approved_or_in_progress(case: Case) -> None:
    plan_id = case.make.plan(user_id(case.app, "alice"), PlanState.submitted)
    with case.app.app_context():
        placement_id = db.session.get(CreditPlan, plan_id).placements[0].id
    url = f"/plans/{plan_id}/placements/{placement_id}/links"
    response = post_form(case.student, f"/plans/{plan_id}", url, purpose="hours")
    assert response.status_code == 302
    followed = case.student.get(response.headers["Location"]).get_data(as_text=True)
    assert "once the plan is approved" in followed
    assert links(case) == []


def test_a_placement_of_another_plan_is_not_found(case: Case) -> None:
    other_plan = case.make.plan(user_id(case.app, "alice"), PlanState.approved)
    with case.app.app_context():
        other_placement = db.session.get(CreditPlan, other_plan).placements[0].id
    token = csrf_token(case.student, case.plan_page)
    url = case.send_url(other_placement)
    assert case.student.post(url, data={"csrf_token": token, "purpose": "hours"}).status_code == 404
    assert case.student.get(case.consent_url(other_placement)).status_code == 404


def test_a_bad_purpose_is_refused(case: Case) -> None:
    case.link("hours")
    token = csrf_token(case.student, case.plan_page)
    response = case.student.post(case.send_url(), data={"csrf_token": token, "purpose": "grades"})
    assert response.status_code == 400
    assert len(links(case)) == 1


def test_people_who_may_not_send_get_404(case: Case, login_as) -> None:
    case.link("hours")
    (link,) = links(case)
    for role in ("faculty", "registrar", "admin"):
        client = login_as(role)
        token = csrf_token(client, "/")
        data = {"csrf_token": token, "purpose": "hours"}
        assert client.post(case.send_url(), data=data).status_code == 404, role
        revoke = f"/plans/{case.plan_id}/links/{link.id}/revoke"
        assert client.get(revoke).status_code == 404, role
        assert client.post(revoke, data={"csrf_token": token}).status_code == 404, role
    assert len(links(case)) == 1
    assert links(case)[0].revoked_at is None


def test_sign_in_is_needed(case: Case) -> None:
    anonymous = case.app.test_client()
    for url in (case.consent_url(), f"/plans/{case.plan_id}/links/1/revoke"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
