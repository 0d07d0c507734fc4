"""Numbers no browser would send: hidden versions and ids, filters, ids in addresses.

``str.isdigit`` is true for "²" and other digits ``int`` cannot read, and Python
reads numbers far larger than a database integer; both reach the database or
``int`` unless checked. Every place below once answered 500; now ids and
versions are read by ``careercredit.ids.whole_number`` and every ``<int:…>``
route is bounded.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import DataError

from careercredit.models import PlanState
from tests.conftest import csrf_token, user_id
from tests.factories import Factory
from tests.hostile.checks import not_a_server_error
from tests.registrar.conftest import Desk
from tests.signoff.pages import finished_plan

SUPERSCRIPT_TWO = "²"
#: Larger than any database integer (SQLite and PostgreSQL bigint alike).
HUGE = "99999999999999999999"

#: What an unchecked number raises on the way to the database.
BAD_NUMBER = (OverflowError, DataError, ValueError)


@pytest.fixture
def alice(app: Flask, login_as) -> tuple[FlaskClient, int]:
    client = login_as("student")
    return client, user_id(app, "alice")


def _post(client: FlaskClient, page: str, target: str, **data: str):
    return client.post(target, data={"csrf_token": csrf_token(client, page), **data})


@pytest.mark.parametrize("action", ["submit", "withdraw", "recall"])
def test_a_plans_version_field(make: Factory, alice: tuple[FlaskClient, int], action: str) -> None:
    student, alice_id = alice
    plan_id = make.plan(alice_id)
    response = _post(
        student, f"/plans/{plan_id}/edit", f"/plans/{plan_id}/{action}", version=SUPERSCRIPT_TWO
    )
    not_a_server_error(response)


def test_an_advisors_version_field(make: Factory, login_as, alice: tuple[FlaskClient, int]) -> None:
    advisor = login_as("advisor")
    plan_id = make.plan(alice[1], PlanState.submitted)
    page = f"/plans/{plan_id}"
    response = _post(
        advisor, page, f"{page}/approve", version=SUPERSCRIPT_TWO, comment="Fine", credits=""
    )
    not_a_server_error(response)


@pytest.mark.parametrize(
    ("target", "field", "extra"),
    [
        ("", "version", {"grade": "S", "credits": "2"}),
        ("/send-back", "back-version", {"back-comment": "Finish the hours"}),
    ],
)
def test_a_sponsors_version_field(
    app: Flask,
    make: Factory,
    login_as,
    alice: tuple[FlaskClient, int],
    target: str,
    field: str,
    extra: dict[str, str],
) -> None:
    sponsor = login_as("faculty")
    plan_id = finished_plan(app, make, alice[1], sponsor=user_id(app, "fkim"))
    page = f"/signoff/{plan_id}"
    response = _post(sponsor, page, page + target, **{field: SUPERSCRIPT_TWO}, **extra)
    not_a_server_error(response)


@pytest.mark.parametrize(
    "value",
    [
        SUPERSCRIPT_TWO,
        HUGE,
        "-1",
        "<script>alert(1)</script>",
    ],
)
def test_a_plans_project_field(make: Factory, alice: tuple[FlaskClient, int], value: str) -> None:
    student, alice_id = alice
    plan_id = make.plan(alice_id)
    page = f"/plans/{plan_id}/edit"
    response = _post(student, page, f"/plans/{plan_id}/placements", project_id=value)
    not_a_server_error(response)


@pytest.mark.parametrize(
    "value",
    [
        SUPERSCRIPT_TWO,
        HUGE,
        "0",
        "<script>alert(1)</script>",
    ],
)
def test_the_registrars_rows_to_post(app: Flask, make: Factory, login_as, value: str) -> None:
    registrar, student, sponsor = login_as("registrar"), login_as("student"), login_as("faculty")
    desk = Desk(
        app=app,
        make=make,
        registrar=registrar,
        student=student,
        sponsor=sponsor,
        term_id=make.term("2027SP"),
        alice=user_id(app, "alice"),
        fkim=user_id(app, "fkim"),
        rlopez=user_id(app, "rlopez"),
    )
    desk.student_number(desk.alice, "900100001")
    desk.signed_off(grade="S")
    desk.export()
    export_id = desk.latest_export().id
    response = desk.post(export_id, scope="selected", plan_ids=[value])  # type: ignore[list-item]
    not_a_server_error(response)


def _failing(client: FlaskClient, paths: list[str], **query: str) -> list[str]:
    """The paths whose page fails (raises) when loaded with ``query``."""
    failing = []
    for path in paths:
        try:
            not_a_server_error(client.get(path, query_string=query))
        except BAD_NUMBER:
            failing.append(path)
    return failing


def test_the_plan_filters(login_as) -> None:
    advisor = login_as("advisor")
    tried = [
        {"term": HUGE},
        {"sponsor": HUGE},
        {"employer": HUGE},
        {"sponsor": SUPERSCRIPT_TWO},
        {"employer": SUPERSCRIPT_TWO},
    ]
    failing = [query for query in tried if _failing(advisor, ["/plans/all"], **query)]
    assert not failing, failing


#: Pages with ids in the address (every ``<int:…>`` is bounded by careercredit/ids.py).
UNBOUNDED = {
    "student": ["/plans/{}", "/plans/{}/edit"],
    "registrar": ["/registrar/terms/{}", "/registrar/exports/{}", "/registrar/plans/{}/amend"],
    "admin": ["/admin/terms/{}/edit", "/admin/rubric/{}/edit"],
}


def test_ids_in_addresses(login_as) -> None:
    failing = [
        path
        for role, paths in UNBOUNDED.items()
        for path in _failing(login_as(role), [p.format(HUGE) for p in paths])
    ]
    assert not failing, failing


#: List pages and the people who read them (the catalogue's lists bound their page numbers).
LISTS = {
    "student": ["/plans/"],
    "advisor": ["/plans/all", "/plans/queue", "/signoff/late", "/advisor/overdue"],
    "faculty": ["/signoff/"],
    "registrar": ["/registrar/", "/records/", "/records/exports/", "/admin/audit"],
    "admin": ["/admin/terms", "/admin/outbox"],
}


def test_page_numbers(login_as) -> None:
    """A page far past the end: its offset overflows."""
    failing = [
        path for role, paths in LISTS.items() for path in _failing(login_as(role), paths, page=HUGE)
    ]
    assert not failing, failing
