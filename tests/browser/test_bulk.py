"""Bulk decisions in a real browser: search the queue, tick plans, confirm, read the outcome.

Every page on the way is audited by axe-core (no serious or critical
problem); a plan another advisor sends back between the confirmation and
the click is listed as refused, and the others are approved.
"""

from __future__ import annotations

from flask import Flask

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, Role
from tests.browser.conftest import LiveServer
from tests.conftest import PEOPLE


def _waiting(server: LiveServer, uid: str, name: str) -> int:
    student = server.make.user(uid, Role.student, name=name)
    return server.make.plan(student, PlanState.submitted)


def _state(app: Flask, plan_id: int) -> PlanState:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return plan.state


def test_an_advisor_decides_several_plans_from_the_queue(serve, people) -> None:
    server = serve()
    advisor = people(server, "advisor")
    advisor.sign_in(PEOPLE["advisor"])
    other = people(server, "another advisor")
    other.sign_in("mwong")
    bea = _waiting(server, "bsmith", "Bea Smith")
    cal = _waiting(server, "cjones", "Cal Jones")
    dee = _waiting(server, "dlee", "Dee Lee")
    _waiting(server, "emoss", "Eve Moss")

    advisor.open("/plans/queue")
    advisor.fill("Student", "e")  # Bea, Dee, Eve and Cal Jones all have an e
    advisor.press("Filter")
    for name in ("Bea Smith", "Cal Jones", "Dee Lee"):
        advisor.page.get_by_label(f"Select the plan of {name}", exact=False).check()
    advisor.page.get_by_label("Decision for every selected plan").select_option("approve")
    advisor.press("Review the selection…")

    assert advisor.path == "/plans/queue/confirm"
    assert "Confirm: approve 3 of 3 selected plans" in advisor.text()
    assert _state(server.app, bea) == PlanState.submitted

    # Meanwhile another advisor sends Cal's plan back.
    other.open(f"/plans/{cal}")
    other.fill("Comment to the student", "Add the dates of the second project.")
    other.press("Request changes")
    assert _state(server.app, cal) == PlanState.changes_requested

    advisor.press("Approve: 3 plans")

    outcome = advisor.text()
    assert "2 plans decided; 1 refused" in outcome
    refused = advisor.text(f"#refused-{cal}")
    assert "changed by someone else" in refused
    assert _state(server.app, bea) == PlanState.approved
    assert _state(server.app, dee) == PlanState.approved
    assert _state(server.app, cal) == PlanState.changes_requested
    assert {"/plans/queue", "/plans/queue/confirm", "/plans/queue/decide"} <= set(
        advisor.auditor.audited
    )


def test_a_registrar_finds_a_student_and_issues_a_record_nobody_asked_for(serve, people) -> None:
    server = serve()
    registrar = people(server, "registrar")
    registrar.sign_in(PEOPLE["registrar"])
    term = server.make.term("2026FA")
    bea = server.make.user("bsmith", Role.student, name="Bea Smith")
    server.make.posted_plan(bea, term_id=term, credits=2)
    server.make.plan(bea, PlanState.withdrawn, term_id=term)

    registrar.open(f"/registrar/terms/{term}")
    registrar.follow("All plans of 2026FA")
    assert "Posted (1 in all)" in registrar.text()
    assert "Withdrawn (1 in all)" in registrar.text()

    registrar.open("/records/")
    registrar.follow("Find a student…")
    registrar.fill("Student", "bsmith")
    registrar.press("Search")
    registrar.follow("Bea Smith")
    assert "Records of Bea Smith" in registrar.text()
    registrar.press("Issue official record")

    assert "issued. The student has been e-mailed." in registrar.flash()
    assert {"/records/students", f"/records/students/{bea}"} <= set(registrar.auditor.audited)
