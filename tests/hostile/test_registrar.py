"""The registrar's desk with hostile input: amendment reasons, audit-log filter, grade roll."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Amendment, GradingScheme
from careercredit.registrar.csvexport import FORMULA_STARTS
from tests.conftest import user_id
from tests.factories import Factory
from tests.hostile.checks import (
    html_of,
    inert,
    not_a_server_error,
    redirected,
    shown_escaped,
)
from tests.hostile.conftest import HOSTILE, storable
from tests.hostile.strings import (
    hostile_text,
    mostly,
    queried,
    sometimes,
    stripped,
    too_big,
    with_filler,
)
from tests.plans.conftest import post_form
from tests.registrar.conftest import Desk, csv_rows


@pytest.fixture
def registrar(login_as) -> FlaskClient:
    return login_as("registrar")


@pytest.fixture
def alice(app: Flask, login_as) -> tuple[FlaskClient, int]:
    client = login_as("student")
    return client, user_id(app, "alice")


@HOSTILE
@given(
    grade=mostly("S", "S", "U"),
    credits=sometimes(),
    reason=with_filler("Grade entered for the wrong term"),
)
def test_amendment_reason(
    app: Flask,
    make: Factory,
    registrar: FlaskClient,
    alice: tuple[FlaskClient, int],
    grade: str,
    credits: str | None,
    reason: str,
) -> None:
    assume(storable(reason))
    student, alice_id = alice
    plan_id = make.posted_plan(alice_id, credits=1, registrar_id=user_id(app, "rlopez"))
    if credits is None:
        credits = "0" if grade == "U" else "2"
    url = f"/registrar/plans/{plan_id}/amend"
    response = post_form(registrar, url, url, grade=grade, credits=credits, reason=reason)
    with app.app_context():
        stored = db.session.scalars(
            select(Amendment.reason).where(Amendment.plan_id == plan_id)
        ).all()
    if not redirected(response):
        assert stored == []
        shown_escaped(html_of(response), reason)
        return
    assert stored == [stripped(reason)]
    for client in (registrar, student):
        shown_escaped(html_of(client.get(f"/plans/{plan_id}")), stored[0])


@HOSTILE
@given(
    person=hostile_text(),
    action=hostile_text(),
    date_from=mostly("2027-01-01", ""),
    date_to=sometimes(),
    object_type=hostile_text(),
    object_id=hostile_text(),
    page=hostile_text(),
)
def test_audit_log_filter(
    registrar: FlaskClient,
    person: str,
    action: str,
    date_from: str,
    date_to: str | None,
    object_type: str,
    object_id: str,
    page: str,
) -> None:
    assume(not too_big(page))
    assume(storable(person, action, date_from, date_to, object_type, object_id, page))
    query = {
        "person": person,
        "action": action,
        "date_from": date_from,
        "date_to": "" if date_to is None else date_to,
        "object_type": object_type,
        "object_id": object_id,
        "page": page,
    }
    response = registrar.get("/admin/audit", query_string=query)
    not_a_server_error(response)
    assert response.status_code in (200, 422)
    html = html_of(response)
    shown_escaped(html, queried(person))  # kept in its box
    shown_escaped(html, queried(object_id))
    for value in (action, object_type, page):
        inert(html, value)


def neutralised(text: str) -> str:
    """A cell as the grade roll writes it: a leading formula character gets a quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


#: Display names come from the campus directory (at most 255 characters), not from a form.
NAMES = st.one_of(
    hostile_text(),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            " =1",
            "a\x00b",
            "Zoë\r\n=1",
        ]
    ),
).map(lambda text: text[:255] or "Nobody")  # the factory names a blank one itself


@HOSTILE
@given(names=st.lists(NAMES, min_size=1, max_size=3))
def test_grade_roll_names(desk: Desk, names: list[str]) -> None:
    term_id = desk.make.term(grading_scheme=GradingScheme.letter)  # a short roll each time
    plans = {desk.signed_off(desk.other_student(name), term_id=term_id): name for name in names}
    response = desk.export(term_id=term_id)
    not_a_server_error(response)
    export = desk.latest_export()
    rows = {row["plan_id"]: row for row in csv_rows(export.content)}
    page = html_of(desk.registrar.get(f"/registrar/exports/{export.id}"))
    for plan_id, name in plans.items():
        cell = rows[str(plan_id)]["student_name"]
        assert cell == neutralised(name)
        assert not cell.startswith(FORMULA_STARTS)
        shown_escaped(page, cell)
    download = desk.registrar.get(f"/registrar/exports/{export.id}/download")
    assert download.status_code == 200
    assert download.data == export.content
