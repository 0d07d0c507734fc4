"""Notices and assignment in a real browser: the rules page, the plan's advisor, notices.

Every page is audited with axe-core (see people.py).
"""

from __future__ import annotations

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, Role
from tests.conftest import PEOPLE, user_id
from tests.courses.schemes import course, section


def test_an_advisor_keeps_rules_reassigns_and_reads_notices(serve, people) -> None:
    server = serve()
    advisor = people(server, "advisor")
    advisor.sign_in(PEOPLE["advisor"])
    colleague = people(server, "colleague")
    colleague.sign_in("mwong")
    student = people(server, "student")
    student.sign_in(PEOPLE["student"])

    advisor.open("/advisor/assignment-rules")
    assert "No rules yet" in advisor.text()
    advisor.fill("Department or course subject", "Department of BUS")
    advisor.page.get_by_label("Advisor", exact=True).select_option(label="Amara Davis")
    advisor.press("Add the rule")
    assert "Plans of Department of BUS now go to Amara Davis." in advisor.flash()

    make, app = server.make, server.app
    term = make.term("2026FA")
    bus = section(app, term, course(app, "BUS 3990"))
    plan_id = make.plan(
        user_id(app, PEOPLE["student"]),
        PlanState.draft,
        term_id=term,
        section_id=bus,
        sponsor_id=make.user("fkim", Role.faculty),
    )
    student.open(f"/plans/{plan_id}/edit")
    student.press("Submit plan")
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        assert plan.assigned_advisor is not None
        assert plan.assigned_advisor.uid == PEOPLE["advisor"]

    advisor.open("/notices")
    assert "Notices (1 unread)" in advisor.text("nav.main-nav")
    assert "Alice Student submitted a credit plan for 2026FA: review it." in advisor.text()
    advisor.press("Mark all as read")
    assert "Notices (" not in advisor.text("nav.main-nav")

    advisor.open(f"/plans/{plan_id}")
    assert "Amara Davis looks after this plan." in advisor.text("#assignment")
    advisor.page.get_by_label("Assigned advisor", exact=True).select_option(label="Mei Wong")
    advisor.press("Reassign")
    assert "Mei Wong now looks after this plan." in advisor.flash()

    colleague.open("/notices/preferences")
    colleague.page.get_by_label("One e-mail a day listing the day's notices").check()
    colleague.press("Save")
    assert "one e-mail a day" in colleague.flash()
    assert "Amara Davis assigned you" in colleague.text()
    student.open(f"/plans/{plan_id}")
    assert "Mei Wong looks after this plan." in student.text("#assignment")
