"""Credit plans with hostile input: the agreement, advisors' comments, reflection, filters."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanComment, PlanState, Role
from tests.conftest import user_id
from tests.factories import OBJECTIVES, Factory
from tests.hostile.checks import html_of, inert, not_a_server_error, redirected, shown_escaped
from tests.hostile.conftest import HOSTILE, storable
from tests.hostile.strings import bad_number, hostile_text, mostly, stripped, with_filler
from tests.plans.conftest import post_form
from tests.signoff.pages import finished_plan

FILLER = "I will learn to analyse survey data and to present it clearly to the client"
CREDITS = mostly("1", "2", "12")


def as_int(text: str) -> int | None:
    """What an integer field reads from ``text`` (Python's ``int``), or None."""
    try:
        return int(text)
    except ValueError:
        return None


def plan_row(app: Flask, plan_id: int) -> CreditPlan:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        db.session.expunge(plan)
        return plan


@pytest.fixture
def student(login_as) -> FlaskClient:
    return login_as("student")


@pytest.fixture
def alice(app: Flask, student: FlaskClient) -> int:
    return user_id(app, "alice")


@pytest.fixture
def term_id(make: Factory) -> int:
    return make.term()


@pytest.fixture
def sponsor(make: Factory) -> int:
    return make.user(None, Role.faculty)


@pytest.fixture
def draft(new_plan: Callable[..., int], alice: int) -> int:
    return new_plan(alice)


@pytest.fixture
def advisor(login_as) -> FlaskClient:
    return login_as("advisor")


@HOSTILE
@given(objectives=with_filler(FILLER), credits=CREDITS)
def test_new_plan(
    app: Flask, student: FlaskClient, term_id: int, objectives: str, credits: str
) -> None:
    assume(storable(objectives))
    response = post_form(
        student,
        "/plans/new",
        "/plans/new",
        term_id=term_id,
        credits_requested=credits,
        objectives=objectives,
    )
    if not redirected(response):
        shown_escaped(html_of(response), objectives)  # kept in the box, escaped
        return
    plan_id = int(re.search(r"/plans/(\d+)/edit", response.headers["Location"]).group(1))
    plan = plan_row(app, plan_id)
    assert plan.objectives == stripped(objectives)
    assert plan.credits_requested == as_int(credits)
    if plan.objectives:
        shown_escaped(html_of(student.get(f"/plans/{plan_id}")), plan.objectives)


@HOSTILE
@given(objectives=with_filler(FILLER), credits=CREDITS, term=st.one_of(st.none(), hostile_text()))
def test_edit_plan(
    app: Flask,
    new_plan: Callable[..., int],
    student: FlaskClient,
    alice: int,
    objectives: str,
    credits: str,
    term: str | None,
) -> None:
    assume(storable(objectives))
    plan_id = new_plan(alice)
    before = plan_row(app, plan_id)
    page = f"/plans/{plan_id}/edit"
    response = post_form(
        student,
        page,
        page,
        term_id=before.term_id if term is None else term,
        credits_requested=credits,
        objectives=objectives,
    )
    plan = plan_row(app, plan_id)
    if not redirected(response):
        shown_escaped(html_of(response), objectives)
        assert (plan.objectives, plan.credits_requested) == (OBJECTIVES, 1)  # nothing saved
        return
    assert plan.objectives == stripped(objectives)
    assert plan.credits_requested == as_int(credits)
    edit = html_of(student.get(page))
    shown = html_of(student.get(f"/plans/{plan_id}"))
    if plan.objectives:
        shown_escaped(edit, plan.objectives)
        shown_escaped(shown, plan.objectives)


@HOSTILE
@given(
    action=st.sampled_from(["request-changes", "reject", "approve"]),
    comment=with_filler("Please add a second project"),
    credits=st.one_of(st.just(""), CREDITS),
)
def test_advisor_review_comment(
    app: Flask,
    new_plan: Callable[..., int],
    advisor: FlaskClient,
    student: FlaskClient,
    alice: int,
    action: str,
    comment: str,
    credits: str,
) -> None:
    assume(storable(comment))
    plan_id = new_plan(alice, PlanState.submitted, credits=2)
    page = f"/plans/{plan_id}"
    response = post_form(advisor, page, f"{page}/{action}", comment=comment, credits=credits)
    if not redirected(response):
        shown_escaped(html_of(response), comment)
        assert plan_row(app, plan_id).state == PlanState.submitted
        return
    with app.app_context():
        bodies = list(
            db.session.scalars(select(PlanComment.body).where(PlanComment.plan_id == plan_id))
        )
    assert bodies == ([stripped(comment)] if comment.strip() else [])
    for body in bodies:
        shown_escaped(html_of(student.get(page)), body)
        shown_escaped(html_of(advisor.get(page)), body)


@HOSTILE
@given(reflection=with_filler(FILLER + ", and I learned to explain my numbers to people"))
def test_reflection(
    app: Flask,
    make: Factory,
    student: FlaskClient,
    alice: int,
    term_id: int,
    sponsor: int,
    reflection: str,
) -> None:
    assume(storable(reflection))
    plan_id = finished_plan(
        app, make, alice, sponsor=sponsor, state=PlanState.in_progress, credits=1, term_id=term_id
    )
    page = f"/plans/{plan_id}"
    response = post_form(student, page, f"{page}/complete", reflection=reflection)
    plan = plan_row(app, plan_id)
    if not redirected(response):
        shown_escaped(html_of(response), reflection)
        assert plan.state == PlanState.in_progress
        return
    assert plan.state == PlanState.awaiting_signoff
    assert plan.reflection == stripped(reflection)
    shown_escaped(html_of(student.get(page)), plan.reflection)


@HOSTILE
@given(
    state=hostile_text(),
    term=hostile_text(),
    sponsor=hostile_text(),
    employer=hostile_text(),
    page=hostile_text(),
)
def test_plan_filters(
    advisor: FlaskClient, state: str, term: str, sponsor: str, employer: str, page: str
) -> None:
    assume(not any(bad_number(value) for value in (term, sponsor, employer, page)))
    assume(storable(state, term, sponsor, employer, page))
    query = {"state": state, "term": term, "sponsor": sponsor, "employer": employer, "page": page}
    for path in ("/plans/all", "/plans/queue"):
        response = advisor.get(path, query_string=query)
        not_a_server_error(response)
        assert response.status_code == 200


@HOSTILE
@given(sponsor_q=hostile_text(), project_q=hostile_text())
def test_sponsor_and_project_search(
    student: FlaskClient, draft: int, sponsor_q: str, project_q: str
) -> None:
    assume(storable(sponsor_q, project_q))
    response = student.get(
        f"/plans/{draft}/edit", query_string={"sponsor_q": sponsor_q, "project_q": project_q}
    )
    not_a_server_error(response)
    page = html_of(response)
    shown_escaped(page, sponsor_q[:100])
    shown_escaped(page, project_q[:100])


def sponsor_of(app: Flask, plan_id: int) -> int | None:
    with app.app_context():
        return db.session.get(CreditPlan, plan_id).sponsor_id


@HOSTILE
@given(uid=hostile_text())
def test_sponsor_username(
    app: Flask, student: FlaskClient, new_plan: Callable[..., int], alice: int, uid: str
) -> None:
    """The hidden username goes to the directory: nothing but that one person is chosen."""
    plan_id = new_plan(alice, sponsor_id=None)
    page = f"/plans/{plan_id}/edit"
    response = post_form(student, page, f"/plans/{plan_id}/sponsor", uid=uid)
    not_a_server_error(response)
    assert response.status_code in (302, 400)
    assert sponsor_of(app, plan_id) is None  # no faculty member is called that
    inert(html_of(student.get(page)), uid)


@pytest.mark.parametrize("uid", ["fk*", "*", "f*m", "fkim)(uid=*", "*)(|(uid=fkim"])
def test_ldap_metacharacters_never_choose_a_sponsor(
    app: Flask, login_as, student: FlaskClient, new_plan: Callable[..., int], alice: int, uid: str
) -> None:
    login_as("faculty")  # fkim is known and a faculty member: a wildcard would find them
    plan_id = new_plan(alice, sponsor_id=None)
    page = f"/plans/{plan_id}/edit"
    post_form(student, page, f"/plans/{plan_id}/sponsor", uid=uid)
    assert sponsor_of(app, plan_id) is None
    post_form(student, page, f"/plans/{plan_id}/sponsor", uid="fkim")
    assert sponsor_of(app, plan_id) == user_id(app, "fkim")  # the real name still works
