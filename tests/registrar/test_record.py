"""The plan page's record: who sees the grade when, and the plan's history."""

from __future__ import annotations

import re

from careercredit.models import PlanState
from tests.registrar.conftest import Desk, text_of
from tests.registrar.test_amendments import posted_plan

COMMENT = "Careful, well documented analysis."


def page_of(client, plan_id: int) -> str:
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 200
    return text_of(response.get_data(as_text=True))


def test_before_posting_the_student_sees_nothing_of_the_grade(desk: Desk, login_as) -> None:
    plan_id = desk.signed_off(grade="C+", credits=1, comment=COMMENT)
    student = page_of(desk.student, plan_id)
    assert "C+" not in student
    assert COMMENT not in student
    assert "Sign-off" not in student
    assert "Credits awarded" not in student
    assert "Farid Kim signed off the grade" in student  # the step, not the grade

    for client in (desk.sponsor, desk.registrar, login_as("advisor"), login_as("admin")):
        page = page_of(client, plan_id)
        assert "Grade C+ Credits awarded 1 Signed off by Farid Kim" in page
        assert COMMENT in page
        assert "The student does not see the grade until it is posted." in page


def test_once_posted_everyone_who_sees_the_plan_sees_the_credit(desk: Desk, login_as) -> None:
    plan_id = posted_plan(desk, grade="A-", comment=COMMENT)
    for client in (desk.student, desk.sponsor, login_as("advisor"), desk.registrar):
        page = page_of(client, plan_id)
        assert "Grade and credit" in page
        assert "Grade A- Credits 1 Course CAREER 2990, section 001, 2027SP Posted" in page
        assert COMMENT in page


def test_history_lists_the_plans_events_oldest_first_without_page_views(
    desk: Desk, login_as
) -> None:
    plan_id = posted_plan(desk)
    login_as("advisor").get(f"/plans/{plan_id}")  # a staff page view: audited, not history
    page = page_of(desk.student, plan_id)
    history = page[page.index("History") :]
    sign_off = history.index("Farid Kim signed off the grade")
    posting = history.index("Rosa Lopez posted the credit to the student record")
    assert sign_off < posting
    assert "view" not in history.split("Career Services")[0].lower()
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC · Farid Kim signed off the grade", history)


def test_full_audit_log_link_for_registrars_and_admins_only(desk: Desk, login_as) -> None:
    plan_id = desk.signed_off()
    link = f"/admin/audit?object_type=credit_plan&amp;object_id={plan_id}"
    for client in (desk.registrar, login_as("admin")):
        assert link in client.get(f"/plans/{plan_id}").get_data(as_text=True)
    for client in (desk.student, desk.sponsor, login_as("advisor")):
        assert "/admin/audit" not in client.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_a_student_cannot_see_another_students_record(desk: Desk, login_as) -> None:
    other = posted_plan(desk, student=desk.other_student("Bea Second"))
    assert desk.student.get(f"/plans/{other}").status_code == 404
    assert login_as("advisor").get(f"/plans/{other}").status_code == 200


def test_plans_before_sign_off_show_history_only(desk: Desk) -> None:
    plan_id = desk.make.plan(desk.alice, PlanState.in_progress, sponsor_id=desk.fkim)
    html = desk.sponsor.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert 'id="history"' in html
    assert 'id="record"' not in html
