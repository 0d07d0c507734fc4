"""Each submitted plan gets an advisor: by the office's rule, else in turn; advisors reassign."""

from __future__ import annotations

import html
import re

from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, PlanState, Role
from careercredit.plans.workflow import Action, perform
from tests.conftest import csrf_token, user_id
from tests.courses.schemes import course, section
from tests.notices.conftest import address, assigned, draft_of, mails, signed_in, submit

REVIEW = "Credit plan to review"


def _asked_to_review(app: Flask) -> list[str]:
    return [m.to for m in mails(app) if m.subject.startswith(REVIEW)]


def test_advisors_who_signed_in_take_plans_in_turn(app: Flask, login_as, make) -> None:
    student = login_as("student")
    for uid in ("adavis", "mwong"):
        signed_in(app, uid)
    make.user("absent", Role.advisor)  # in the advisors' group, never signed in
    plans = [draft_of(app, make) for _ in range(3)]
    for plan_id in plans:
        submit(app, student, plan_id)

    turns = [assigned(app, plan_id) for plan_id in plans]
    assert sorted(turns[:2]) == ["adavis", "mwong"]
    assert turns[2] == turns[0]  # back to the one least recently given a plan
    # Only the assigned advisor is asked to review: one e-mail per plan, not one per advisor.
    assert sorted(_asked_to_review(app)) == sorted(address(uid) for uid in turns)
    sponsor = mails(app, address("fkim"))
    assert len(sponsor) == 3
    assert all(m.subject.startswith("For your information: Alice Student") for m in sponsor)
    assert "nothing is needed from you now" in sponsor[0].body
    assert "Review it" not in sponsor[0].body


def test_the_plan_page_names_the_advisor(app: Flask, login_as, make) -> None:
    student = login_as("student")
    signed_in(app, "adavis")
    plan_id = draft_of(app, make)
    submit(app, student, plan_id)
    page = html.unescape(student.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert "Amara Davis looks after this plan." in page
    assert "Reassign" not in page  # students don't reassign


def _add_rule(client, match: str, advisor_id: object):
    token = csrf_token(client, "/advisor/assignment-rules")
    return client.post(
        "/advisor/assignment-rules",
        data={"csrf_token": token, "match": match, "advisor": advisor_id},
    )


def test_advisors_keep_the_rules(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    signed_in(app, "mwong")
    page = html.unescape(advisor.get("/advisor/assignment-rules").get_data(as_text=True))
    assert "No rules yet: every plan goes to the advisors in turn." in page
    mwong = user_id(app, "mwong")
    assert _add_rule(advisor, "  Department of   Business ", mwong).status_code == 302
    page = html.unescape(advisor.get("/advisor/assignment-rules").get_data(as_text=True))
    assert "<td>Department of Business</td>" in page
    assert "<td>Mei Wong</td>" in page

    twice = _add_rule(advisor, "department of business", user_id(app, "adavis"))
    assert twice.status_code == 422
    again = html.unescape(twice.get_data(as_text=True))
    assert "Department of Business already goes to Mei Wong; remove that rule first." in again
    assert 'value="department of business"' in again  # what was typed is kept
    assert _add_rule(advisor, "", mwong).status_code == 422
    assert _add_rule(advisor, "CS", 999999).status_code == 422

    rule_id = re.search(r'name="rule_id" value="(\d+)"', page).group(1)
    token = csrf_token(advisor, "/advisor/assignment-rules")
    removed = advisor.post(
        "/advisor/assignment-rules/remove", data={"csrf_token": token, "rule_id": rule_id}
    )
    assert removed.status_code == 302
    page = html.unescape(advisor.get("/advisor/assignment-rules").get_data(as_text=True))
    assert "No rules yet" in page
    with app.app_context():
        trail = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "advisor_rule")
        )
        assert list(trail) == ["advisor_rule.create", "advisor_rule.delete"]


def test_a_department_rule_names_the_advisor(app: Flask, login_as, make) -> None:
    student = login_as("student")
    adavis = signed_in(app, "adavis")
    signed_in(app, "mwong")
    term = make.term("2027SP")
    bus = section(app, term, course(app, "BUS 3990"))
    cs = section(app, term, course(app, "CS 3990"))
    assert _add_rule(adavis, "Department of BUS", user_id(app, "mwong")).status_code == 302
    assert _add_rule(adavis, "cs", user_id(app, "adavis")).status_code == 302
    plans = [draft_of(app, make, term_id=term, section_id=s) for s in (bus, bus, cs)]
    for plan_id in plans:
        submit(app, student, plan_id)
    # By department for BUS, by subject for CS: the turn does not count.
    assert [assigned(app, p) for p in plans] == ["mwong", "mwong", "adavis"]


def test_nobody_is_given_their_own_plan_or_one_they_sponsor(app: Flask, make) -> None:
    # Sam Okafor is a student and a peer advisor; Mei Wong advises and teaches.
    sam = signed_in(app, "sokafor")
    signed_in(app, "mwong")
    adavis = signed_in(app, "adavis")
    assert _add_rule(adavis, "Department of BUS", user_id(app, "sokafor")).status_code == 302
    term = make.term("2027SP")
    bus = section(app, term, course(app, "BUS 3990"))
    own = draft_of(app, make, "sokafor", term_id=term, section_id=bus)
    sponsored = make.plan(
        user_id(app, "sokafor"), term_id=term, section_id=bus, sponsor_id=user_id(app, "mwong")
    )
    for plan_id in (own, sponsored):
        submit(app, sam, plan_id)
    assert assigned(app, own) not in {"sokafor", None}
    assert assigned(app, sponsored) == "adavis"  # neither the student nor the sponsor
    assert address("sokafor") not in _asked_to_review(app)


def test_a_resubmitted_plan_keeps_its_advisor(app: Flask, login_as, make) -> None:
    student = login_as("student")
    signed_in(app, "adavis")
    signed_in(app, "mwong")
    plan_id = draft_of(app, make)
    submit(app, student, plan_id)
    first = assigned(app, plan_id)
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        advisor = plan.assigned_advisor
        perform(plan, Action.request_changes, by=advisor, comment="Say more about the report.")
        db.session.commit()
    submit(app, student, plan_id)
    assert assigned(app, plan_id) == first
    assert _asked_to_review(app) == [address(first), address(first)]


def _reassign(client, plan_id: int, advisor_id: object):
    token = csrf_token(client, f"/plans/{plan_id}")
    return client.post(
        f"/plans/{plan_id}/assignment", data={"csrf_token": token, "advisor": advisor_id}
    )


def test_an_advisor_reassigns_a_plan(app: Flask, login_as, make) -> None:
    student = login_as("student")
    adavis = signed_in(app, "adavis")
    signed_in(app, "mwong")
    sam = signed_in(app, "sokafor")
    plan_id = make.plan(
        user_id(app, "sokafor"), PlanState.draft, sponsor_id=make.user("fkim", Role.faculty)
    )
    submit(app, sam, plan_id)
    page = html.unescape(adavis.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert f'action="/plans/{plan_id}/assignment"' in page
    options = dict((n, i) for i, n in re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]+)<', page))
    assert "Sam Okafor" not in options  # his own plan is never his
    mwong = user_id(app, "mwong")

    refused = _reassign(adavis, plan_id, user_id(app, "sokafor"))
    assert refused.status_code == 422
    assert "Choose one of the advisors listed." in html.unescape(refused.get_data(as_text=True))

    response = _reassign(adavis, plan_id, mwong)
    assert response.status_code == 302
    assert assigned(app, plan_id) == "mwong"
    told = [m for m in mails(app, address("mwong")) if m.subject.startswith("Credit plan assigned")]
    assert len(told) == 1
    assert "assigned you the credit plan of Sam Okafor" in told[0].body
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.reassign"))
        assert event is not None
        assert event.details == {"advisor": "mwong"}
    assert _reassign(student, plan_id, mwong).status_code == 404
    # The student, who is an advisor too, may not reassign his own plan.
    assert _reassign(sam, plan_id, user_id(app, "adavis")).status_code == 403
    assert assigned(app, plan_id) == "mwong"


def test_with_no_advisor_signed_in_every_advisor_is_asked(app: Flask, login_as, make) -> None:
    student = login_as("student")
    for uid in ("adavis", "mwong"):
        make.user(uid, Role.advisor)  # known from the directory, never signed in
    plan_id = draft_of(app, make)
    submit(app, student, plan_id)
    assert assigned(app, plan_id) is None
    assert sorted(_asked_to_review(app)) == [address("adavis"), address("mwong")]
    # The first advisor to sign in is given the next plan.
    signed_in(app, "mwong")
    second = draft_of(app, make)
    submit(app, student, second)
    assert assigned(app, second) == "mwong"
