"""The sponsor's sign-off with hostile input: the comment, the send-back comment, the bulk form."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import PlanComment, SignOff
from tests.factories import Factory
from tests.hostile.checks import html_of, inert, not_a_server_error, redirected, shown_escaped
from tests.hostile.conftest import HOSTILE, storable
from tests.hostile.strings import hostile_text, mostly, sometimes, stripped, with_filler
from tests.signoff.pages import finished_plan, post_form, sponsor_id, student


@pytest.fixture
def sponsor(login_as) -> FlaskClient:
    return login_as("faculty")


@pytest.fixture
def alice(app: Flask, login_as) -> FlaskClient:
    return login_as("student")


@pytest.fixture
def term_id(make: Factory) -> int:
    return make.term()


@pytest.fixture
def student_id(make: Factory, alice: FlaskClient) -> int:
    return student(make, "alice")


@HOSTILE
@given(
    grade=mostly("S", "S", "U"),
    credits=sometimes(),
    comment=with_filler("Careful work"),
)
def test_sign_off_comment(
    app: Flask,
    make: Factory,
    sponsor: FlaskClient,
    student_id: int,
    term_id: int,
    grade: str,
    credits: str | None,
    comment: str,
) -> None:
    assume(storable(comment))
    plan_id = finished_plan(
        app, make, student_id, sponsor=sponsor_id(app), credits=1, term_id=term_id
    )
    page = f"/signoff/{plan_id}"
    if credits is None:
        credits = "0" if grade == "U" else "1"
    response = post_form(sponsor, page, page, grade=grade, credits=credits, comment=comment)
    with app.app_context():
        stored = db.session.scalars(select(SignOff.comment).where(SignOff.plan_id == plan_id)).all()
    if not redirected(response):
        assert stored == []
        shown_escaped(html_of(response), comment)
        return
    assert stored == [stripped(comment)]
    if stored[0]:
        shown_escaped(html_of(sponsor.get(page)), stored[0])
        # The sponsor sees the sign-off on the plan page; the student once it is posted.
        shown_escaped(html_of(sponsor.get(f"/plans/{plan_id}")), stored[0])


@HOSTILE
@given(comment=with_filler("Please finish the hours"))
def test_send_back_comment(
    app: Flask,
    make: Factory,
    sponsor: FlaskClient,
    alice: FlaskClient,
    student_id: int,
    term_id: int,
    comment: str,
) -> None:
    assume(storable(comment))
    plan_id = finished_plan(
        app, make, student_id, sponsor=sponsor_id(app), credits=1, term_id=term_id
    )
    page = f"/signoff/{plan_id}"
    response = post_form(sponsor, page, f"{page}/send-back", back_comment=comment)
    with app.app_context():
        stored = db.session.scalars(
            select(PlanComment.body).where(PlanComment.plan_id == plan_id)
        ).all()
    if not redirected(response):
        assert stored == []
        shown_escaped(html_of(response), comment)
        return
    assert stored == [stripped(comment)]
    shown_escaped(html_of(alice.get(f"/plans/{plan_id}")), stored[0])


@HOSTILE
@given(
    plan_ids=st.lists(st.one_of(st.none(), hostile_text()), min_size=1, max_size=3),
    grade=mostly("S", "U", ""),
    award_max=mostly("y", ""),
)
def test_bulk_choice(
    app: Flask,
    make: Factory,
    sponsor: FlaskClient,
    student_id: int,
    term_id: int,
    plan_ids: list[str | None],
    grade: str,
    award_max: str,
) -> None:
    plan_id = finished_plan(
        app, make, student_id, sponsor=sponsor_id(app), credits=1, term_id=term_id
    )
    chosen = [str(plan_id) if value is None else value for value in plan_ids]
    response = post_form(
        sponsor,
        "/signoff/",
        "/signoff/bulk/confirm",
        plan_ids=chosen,
        grade=grade,
        award_max=award_max,
    )
    not_a_server_error(response)
    assert response.status_code in (200, 404, 422)
    for value in (*chosen, grade):
        inert(html_of(response), value)
