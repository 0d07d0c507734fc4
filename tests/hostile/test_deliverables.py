"""Deliverables with hostile input: the student's title, description and link; the review."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Deliverable, DeliverableStatus, LinkPurpose
from tests.conftest import user_id
from tests.hostile.checks import (
    html_of,
    inert,
    not_a_server_error,
    redirected,
    refused_with_message,
    shown_escaped,
)
from tests.hostile.conftest import HOSTILE
from tests.hostile.strings import cleaned, hostile_text, one_line, with_filler
from tests.hostile.supervision import approved_placement, link_path
from tests.plans.conftest import post_form
from tests.supervisors.conftest import supervisor_post

GOOD_LINK = "https://files.example/report.pdf"
ODD_LINKS = st.one_of(
    hostile_text(),
    hostile_text().map(lambda text: f"https://files.example/{text}"),
    st.sampled_from(
        [
            "https://files.example/report.pdf",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            'https://files.example/"><script>alert(1)</script>',
            "https://exämple.example/ü?q=<b>",
            "//evil.example/x",
            "http://[::1",
        ]
    ),
)
LINKS = st.integers(0, 2).flatmap(lambda n: ODD_LINKS if n == 0 else st.just(GOOD_LINK))


@pytest.fixture
def student(login_as) -> FlaskClient:
    return login_as("student")


@pytest.fixture
def alice(app: Flask, student: FlaskClient) -> int:
    return user_id(app, "alice")


@pytest.fixture
def placement(app: Flask, new_plan: Callable[..., int], alice: int) -> tuple[int, int]:
    return approved_placement(app, new_plan, alice)


def deliverables(app: Flask, placement_id: int) -> list[Deliverable]:
    with app.app_context():
        rows = db.session.scalars(
            select(Deliverable)
            .where(Deliverable.placement_id == placement_id)
            .order_by(Deliverable.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


@HOSTILE
@given(
    title=with_filler("Final report"),
    description=hostile_text(),
    link=LINKS,
)
def test_new_deliverable(
    app: Flask,
    student: FlaskClient,
    placement: tuple[int, int],
    title: str,
    description: str,
    link: str,
) -> None:
    plan_id, placement_id = placement
    before = len(deliverables(app, placement_id))
    url = f"/plans/{plan_id}/placements/{placement_id}/deliverables/new"
    response = post_form(student, url, url, title=title, description=description, link=link)
    rows = deliverables(app, placement_id)
    if not redirected(response):
        assert len(rows) == before
        page = html_of(response)
        shown_escaped(page, one_line(title))  # what was typed stays, cleaned
        shown_escaped(page, cleaned(description))
        return
    row = rows[-1]
    assert row.title == one_line(title)
    assert row.description == cleaned(description)
    assert row.link_url == link.strip()
    assert row.link_url.lower().startswith(("http://", "https://"))
    page = html_of(student.get(f"/plans/{plan_id}"))
    for value in (row.title, row.description, row.link_url):
        shown_escaped(page, value)


@pytest.fixture
def reviewable(app: Flask, placement: tuple[int, int], alice: int) -> tuple[int, str]:
    """The placement's id and an hours link to its supervisor, who reviews deliverables."""
    _, placement_id = placement
    return placement_id, link_path(app, placement_id, LinkPurpose.hours)


def _deliverable(app: Flask, placement_id: int, alice: int) -> int:
    with app.app_context():
        row = Deliverable(
            placement_id=placement_id,
            title="Final report",
            link_url=GOOD_LINK,
            created_by_id=alice,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


@HOSTILE
@given(
    action=st.sampled_from(["revision", "revision", "accept"]),  # tampered: see the test below
    comment=with_filler("Add the charts"),
)
def test_review_comment(
    app: Flask,
    student: FlaskClient,
    alice: int,
    placement: tuple[int, int],
    reviewable: tuple[int, str],
    action: str,
    comment: str,
) -> None:
    plan_id, _ = placement
    placement_id, path = reviewable
    deliverable_id = _deliverable(app, placement_id, alice)
    supervisor = app.test_client()
    response = supervisor_post(
        supervisor,
        path,
        f"/deliverables/{deliverable_id}/review",
        action=action,
        comment=comment,
    )
    not_a_server_error(response)
    (row,) = [d for d in deliverables(app, placement_id) if d.id == deliverable_id]
    if not redirected(response):
        assert row.status == DeliverableStatus.submitted
        return
    assert row.review_comment == (cleaned(comment) or None)
    if row.review_comment:
        shown_escaped(html_of(student.get(f"/plans/{plan_id}")), row.review_comment)
        if row.status == DeliverableStatus.revision_requested:
            revise = f"/plans/{plan_id}/deliverables/{deliverable_id}/revise"
            shown_escaped(html_of(student.get(revise)), row.review_comment)


@pytest.mark.parametrize("action", ["", "reject", "<script>alert(1)</script>"])
def test_a_tampered_review_action_gets_a_message(
    app: Flask, alice: int, reviewable: tuple[int, str], action: str
) -> None:
    placement_id, path = reviewable
    deliverable_id = _deliverable(app, placement_id, alice)
    response = supervisor_post(
        app.test_client(),
        path,
        f"/deliverables/{deliverable_id}/review",
        action=action,
        comment="Add the charts",
    )
    inert(html_of(response), action)
    refused_with_message(response)
