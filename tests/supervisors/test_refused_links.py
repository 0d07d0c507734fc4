"""Links that cannot be used: one friendly page, no personal data, and an audit event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, SupervisorLink
from careercredit.supervisors.links import SALT
from tests.conftest import csrf_token
from tests.supervisors.conftest import Case, add_entries, disclosures, events

FRIENDLY = "This link does not work"
HOW_TO = "Ask the student who asked you for feedback to send you a new link"


def only_link(case: Case) -> SupervisorLink:
    with case.app.app_context():
        link = db.session.scalars(select(SupervisorLink).order_by(SupervisorLink.id.desc())).first()
        db.session.expunge(link)
        return link


def assert_refused(case: Case, response, reason: str, link_id: int | None) -> None:
    """The friendly page, without personal data, and the refusal in the audit log."""
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert FRIENDLY in page
    assert HOW_TO in page
    assert "Career Services" in page
    with case.app.app_context():
        placement = db.session.get(CreditPlan, case.plan_id).placements[0]
        private = [
            "Alice Student",
            placement.project.title,
            placement.project.employer.name,
            case.supervisor_email,
            "Task number",
        ]
    for text in private:
        assert text not in page
    refusal = events(case.app, "supervisor_link.refused")[-1]
    assert refusal.actor_id is None
    assert refusal.details["reason"] == reason
    assert refusal.details["link_id"] == link_id
    assert disclosures(case.app) == []


def assert_no_token_in_audit(case: Case, path: str) -> None:
    token = path.split("/")[2]
    for event in events(case.app, "supervisor_link.refused"):
        assert token not in str(event.details)
        assert token[:20] not in str(event.details)


def test_expired(case: Case) -> None:
    add_entries(case.app, case.placement_id, "2")
    path = case.link("hours")
    link = only_link(case)
    with case.app.app_context():
        db.session.get(SupervisorLink, link.id).expires_at = datetime.now(UTC) - timedelta(
            minutes=1
        )
        db.session.commit()
    assert_refused(case, case.app.test_client().get(path), "expired", link.id)
    assert_no_token_in_audit(case, path)


def test_revoked(case: Case) -> None:
    path = case.link("hours")
    link = only_link(case)
    with case.app.app_context():
        db.session.get(SupervisorLink, link.id).revoked_at = datetime.now(UTC)
        db.session.commit()
    assert_refused(case, case.app.test_client().get(path), "revoked", link.id)


@pytest.mark.parametrize("position", [5, 40, -5])
def test_tampered(case: Case, position: int) -> None:
    path = case.link("hours")
    token = path.removeprefix("/s/")
    changed = "A" if token[position] != "A" else "B"
    tampered = token[:position] + changed + token[position + 1 :]
    if position < 0:
        tampered = token[: len(token) + position] + changed + token[len(token) + position + 1 :]
    assert tampered != token
    assert_refused(case, case.app.test_client().get(f"/s/{tampered}"), "tampered", None)
    assert_no_token_in_audit(case, path)


def test_unknown(case: Case) -> None:
    with case.app.app_context():
        serializer = URLSafeSerializer(case.app.config["SECRET_KEY"], salt=SALT)
        token = serializer.dumps(["no-such-link", "hours", case.placement_id])
    assert_refused(case, case.app.test_client().get(f"/s/{token}"), "unknown", None)


def test_garbage(case: Case) -> None:
    assert_refused(case, case.app.test_client().get("/s/not-a-token"), "tampered", None)


def test_an_hours_link_cannot_submit_an_evaluation(case: Case) -> None:
    add_entries(case.app, case.placement_id, "2")
    path = case.link("hours")
    link = only_link(case)
    supervisor = case.app.test_client()
    token = csrf_token(supervisor, path)
    before = len(disclosures(case.app))
    response = supervisor.post(
        f"{path}/evaluation", data={"csrf_token": token, "comments": "Great work."}
    )
    assert response.status_code == 404
    assert FRIENDLY in response.get_data(as_text=True)
    refusal = events(case.app, "supervisor_link.refused")[-1]
    assert refusal.details == {
        "reason": "wrong_purpose",
        "link_id": link.id,
        "page": "supervisors.submit_evaluation",
    }
    assert len(disclosures(case.app)) == before
    with case.app.app_context():
        assert db.session.get(CreditPlan, case.plan_id).placements[0].evaluations == []


def test_an_evaluation_link_cannot_verify_hours(case: Case) -> None:
    (entry_id,) = add_entries(case.app, case.placement_id, "3")
    path = case.link("final")
    link = only_link(case)
    supervisor = case.app.test_client()
    token = csrf_token(supervisor, path)
    response = supervisor.post(
        f"{path}/hours", data={"csrf_token": token, "action": "verify", "entry_id": entry_id}
    )
    assert response.status_code == 404
    assert events(case.app, "supervisor_link.refused")[-1].details["reason"] == "wrong_purpose"
    assert events(case.app, "supervisor_link.refused")[-1].details["link_id"] == link.id
    assert events(case.app, "hour_entry.verify") == []


def test_a_withdrawn_plan_closes_its_links(case: Case) -> None:
    path = case.link("hours")
    link = only_link(case)
    with case.app.app_context():
        db.session.get(CreditPlan, case.plan_id).state = PlanState.withdrawn
        db.session.commit()
    assert_refused(case, case.app.test_client().get(path), "closed", link.id)
