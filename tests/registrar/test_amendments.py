"""Amending posted credit: a reason, a grade of the scheme, and the next export carries it."""

from __future__ import annotations

import re

from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Amendment, AuditEvent, CreditPlan, PlanState
from tests.conftest import csrf_token
from tests.plans.conftest import actions, post_form
from tests.registrar.conftest import Desk, csv_rows, text_of

REASON = "Grade change approved by the academic standards committee."


def posted_plan(desk: Desk, **values) -> int:
    """A plan signed off, exported and posted through the pages."""
    plan_id = desk.signed_off(**values)
    desk.export()
    desk.post(desk.latest_export().id)
    assert desk.state(plan_id) == PlanState.posted
    return plan_id


def amend(desk: Desk, plan_id: int, **data: object):
    page = f"/registrar/plans/{plan_id}/amend"
    return post_form(desk.registrar, page, page, **data)


def amendments(desk: Desk, plan_id: int) -> list[tuple[str, str, int, int, int | None]]:
    with desk.app.app_context():
        rows = db.session.scalars(select(Amendment).where(Amendment.plan_id == plan_id))
        return [
            (a.grade_before, a.grade_after, a.credits_before, a.credits_after, a.exported_in_id)
            for a in rows
        ]


def test_amendment_needs_a_reason_and_keeps_the_entries(desk: Desk) -> None:
    plan_id = posted_plan(desk)
    response = amend(desk, plan_id, grade="A", credits=1, reason="   ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Write the reason for the amendment; the student will read it." in page
    assert '<option selected value="A">A</option>' in page
    assert amendments(desk, plan_id) == []


def test_failing_grade_means_no_credit(desk: Desk) -> None:
    plan_id = posted_plan(desk)
    response = amend(desk, plan_id, grade="F", credits=1, reason=REASON)
    assert response.status_code == 422
    assert "A grade of F awards no credit; enter 0." in response.get_data(as_text=True)
    response = amend(desk, plan_id, grade="A", credits=0, reason=REASON)
    assert "A passing grade awards at least 1 credit." in response.get_data(as_text=True)
    response = amend(desk, plan_id, grade="S", credits=13, reason=REASON)
    page = response.get_data(as_text=True)
    assert "Choose a grade: A, A-, B+" in page
    assert "Enter the credits, a whole number from 0 to 12." in page
    response = amend(desk, plan_id, grade="B+", credits=1, reason=REASON)
    assert "The plan already has B+ and 1 credits" in response.get_data(as_text=True)
    assert amendments(desk, plan_id) == []
    response = amend(desk, plan_id, grade="F", credits=0, reason=REASON)
    assert response.status_code == 302
    assert amendments(desk, plan_id) == [("B+", "F", 1, 0, None)]


def test_amendment_shows_in_record_and_history_and_goes_with_the_next_export(desk: Desk) -> None:
    plan_id = posted_plan(desk)
    first_export = desk.latest_export()
    response = amend(desk, plan_id, grade="A", credits=1, reason=REASON)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{plan_id}#record"
    assert actions(desk.app, plan_id)[-1] == "plan.amend"
    with desk.app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "plan.amend")
        ).one()
        assert event.details == {
            "grade": {"before": "B+", "after": "A"},
            "credits": {"before": 1, "after": 1},
            "reason": REASON,
        }
        assert db.session.get(CreditPlan, plan_id).final_grade == "A"

    for client in (desk.student, desk.sponsor, desk.registrar):
        page = text_of(client.get(f"/plans/{plan_id}").get_data(as_text=True))
        assert "Grade A Credits 1" in page
        assert f"B+ → A 1 → 1 {REASON}" in page
        assert "Rosa Lopez amended the posted grade or credits" in page

    roster = desk.registrar.get(f"/registrar/terms/{desk.term_id}").get_data(as_text=True)
    assert "badge action-amend" in roster
    desk.export()
    export = desk.latest_export()
    assert export.id != first_export.id
    (row,) = csv_rows(export.content)
    assert (row["action"], row["grade"], row["credits"], row["plan_id"]) == (
        "amend",
        "A",
        "1",
        str(plan_id),
    )
    assert amendments(desk, plan_id) == [("B+", "A", 1, 1, export.id)]
    # Carried once: the next export has nothing left.
    assert desk.export().status_code == 422
    # Amend rows are never "posted" again.
    desk.post(export.id)
    with desk.app.app_context():
        assert db.session.get(CreditPlan, plan_id).posting.export_id == first_export.id


def test_only_posted_plans_are_amended(desk: Desk) -> None:
    plan_id = desk.signed_off()
    assert desk.registrar.get(f"/registrar/plans/{plan_id}/amend").status_code == 422
    response = amend(desk, plan_id, grade="A", credits=1, reason=REASON, version=1)
    assert response.status_code == 422
    assert "only posted credit can be amended" in response.get_data(as_text=True)
    assert amendments(desk, plan_id) == []


def test_an_amendment_made_meanwhile_wins_and_the_other_is_told(desk: Desk) -> None:
    plan_id = posted_plan(desk)
    page = f"/registrar/plans/{plan_id}/amend"
    html = desk.registrar.get(page).get_data(as_text=True)
    seen = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert amend(desk, plan_id, grade="A", credits=1, reason=REASON).status_code == 302
    response = desk.registrar.post(
        page,
        data={
            "csrf_token": csrf_token(desk.registrar, page),
            "version": seen,
            "grade": "B",
            "credits": "1",
            "reason": "Another correction.",
        },
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    assert amendments(desk, plan_id) == [("B+", "A", 1, 1, None)]


def test_only_registrars_amend(desk: Desk, login_as) -> None:
    plan_id = posted_plan(desk)
    for client in (desk.student, desk.sponsor, login_as("advisor"), login_as("admin")):
        assert client.get(f"/registrar/plans/{plan_id}/amend").status_code == 404
    page = desk.student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "/amend" not in page
    assert f"/registrar/plans/{plan_id}/amend" in desk.registrar.get(f"/plans/{plan_id}").get_data(
        as_text=True
    )
