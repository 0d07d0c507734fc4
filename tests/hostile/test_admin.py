"""Admin forms with hostile input: terms and the rubric (whose labels supervisors then read)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import LinkPurpose, RubricCriterion, Term
from tests.conftest import user_id
from tests.hostile.checks import html_of, redirected, shown_escaped
from tests.hostile.conftest import HOSTILE, storable
from tests.hostile.strings import mostly, sometimes, stripped, with_filler
from tests.hostile.supervision import approved_placement, ensure_rubric, link_path
from tests.plans.conftest import post_form

#: A new term code for each example: 2100 - 1900 years, four seasons each.
_CODES = (
    f"{year}{season}"
    for year, season in itertools.product(range(2099, 1900, -1), ["SP", "SU", "FA", "WI"])
)


@pytest.fixture
def admin(login_as) -> FlaskClient:
    return login_as("admin")


@HOSTILE
@given(
    code=sometimes(),
    name=with_filler("Spring"),
    first=mostly("2030-01-10"),
    census=mostly("2030-02-01"),
    hours_per_credit=mostly("45", "30"),
    max_credits=mostly("3", "12"),
)
def test_new_term(
    app: Flask,
    admin: FlaskClient,
    code: str | None,
    name: str,
    first: str,
    census: str,
    hours_per_credit: str,
    max_credits: str,
) -> None:
    assume(storable(name))
    code = next(_CODES) if code is None else code
    response = post_form(
        admin,
        "/admin/terms/new",
        "/admin/terms/new",
        code=code,
        name=name,
        starts_on=first,
        ends_on="2030-05-01",
        census_on=census,
        grading_deadline="2030-05-20",
        hours_per_credit=hours_per_credit,
        max_credits=max_credits,
    )
    if not redirected(response):
        shown_escaped(html_of(response), stripped(name))
        return
    with app.app_context():
        term = db.session.scalars(select(Term).order_by(Term.id.desc())).first()
        stored = (term.code, term.name)
    assert stored == (code.strip().upper(), stripped(name))
    shown_escaped(html_of(admin.get("/admin/terms")), stored[1])


@pytest.fixture
def alice(app: Flask, login_as) -> int:
    login_as("student")
    return user_id(app, "alice")


@pytest.fixture
def criterion(app: Flask) -> int:
    return ensure_rubric(app)[0]


@HOSTILE
@given(
    label=with_filler("Teamwork"),
    descriptors=st.lists(with_filler("Works"), min_size=5, max_size=5),
)
def test_edit_criterion(
    app: Flask,
    new_plan: Callable[..., int],
    alice: int,
    admin: FlaskClient,
    criterion: int,
    label: str,
    descriptors: list[str],
) -> None:
    assume(storable(label, *descriptors))
    url = f"/admin/rubric/{criterion}/edit"
    data = {f"descriptor_{n}": text for n, text in enumerate(descriptors, start=1)}
    response = post_form(admin, url, url, label=label, **data)
    with app.app_context():
        row = db.session.get(RubricCriterion, criterion)
        stored = (row.label, list(row.descriptors))
    if not redirected(response):
        page = html_of(response)
        for value in (label, *descriptors):
            shown_escaped(page, stripped(value))
        return
    assert stored == (stripped(label), [stripped(text) for text in descriptors])
    rubric = html_of(admin.get("/admin/rubric"))
    for value in (stored[0], *stored[1]):
        shown_escaped(rubric, value)
    # The supervisor's evaluation form shows the label and the descriptors too.
    _, placement_id = approved_placement(app, new_plan, alice)
    form = html_of(app.test_client().get(link_path(app, placement_id, LinkPurpose.final)))
    shown_escaped(form, stored[0])
    for value in stored[1]:
        shown_escaped(form, value)
