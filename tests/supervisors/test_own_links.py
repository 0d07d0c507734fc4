"""A student who is also an advisor sends and revokes her own links as the plan's student.

Separation of duties refuses staff actions on one's own record; sending the
supervisor of one's own placement a link, and revoking it, is the student's
own work (after her consent), and stays allowed whatever other roles she holds.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, SupervisorLink
from tests.catalogue.pages import sign_in
from tests.conftest import user_id
from tests.factories import Factory
from tests.plans.conftest import post_form
from tests.supervisors.conftest import Case


@pytest.mark.parametrize("uid", ["sokafor", "kmorgan"])
def test_the_plans_student_sends_and_revokes_her_links_whatever_her_roles(
    app: Flask, make: Factory, uid: str
) -> None:
    student = sign_in(app, uid)
    plan_id = make.plan(user_id(app, uid), state=PlanState.approved)
    with app.app_context():
        placement = db.session.get_one(CreditPlan, plan_id).placements[0]
        case = Case(app, make, student, plan_id, placement.id, placement.project.supervisor.email)

    case.link("hours")

    with app.app_context():
        link = db.session.scalars(select(SupervisorLink)).one()
        assert link.recipient_email == case.supervisor_email
        assert link.created_by_id == user_id(app, uid)
    revoke = f"/plans/{plan_id}/links/{link.id}/revoke"
    response = post_form(student, revoke, revoke)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(SupervisorLink, link.id).revoked_at is not None
