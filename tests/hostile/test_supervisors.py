"""The supervisor's pages (/s/<token>) with hostile input: disputes and evaluations."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Evaluation, HourEntry, HourStatus, LinkPurpose
from tests.conftest import user_id
from tests.hostile.checks import (
    html_of,
    not_a_server_error,
    redirected,
    refused_with_message,
    shown_escaped,
)
from tests.hostile.conftest import HOSTILE, storable
from tests.hostile.strings import mostly, sometimes, stripped, with_filler
from tests.hostile.supervision import approved_placement, ensure_rubric, link_path
from tests.supervisors.conftest import add_entries, supervisor_post


@pytest.fixture
def student(login_as) -> FlaskClient:
    return login_as("student")


@pytest.fixture
def alice(app: Flask, student: FlaskClient) -> int:
    return user_id(app, "alice")


@pytest.fixture
def supervisor(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def hours_link(app: Flask, new_plan: Callable[..., int], alice: int) -> tuple[int, int, str]:
    """alice's approved plan, its placement, and an hours link to its supervisor."""
    plan_id, placement_id = approved_placement(app, new_plan, alice)
    return plan_id, placement_id, link_path(app, placement_id, LinkPurpose.hours)


def entry_row(app: Flask, entry_id: int) -> HourEntry:
    with app.app_context():
        entry = db.session.get(HourEntry, entry_id)
        db.session.expunge(entry)
        return entry


@HOSTILE
@given(
    action=mostly("dispute", "dispute", "verify"),
    entry=sometimes(),
    comment=with_filler("The client says this day was a holiday"),
)
def test_dispute_comment(
    app: Flask,
    student: FlaskClient,
    supervisor: FlaskClient,
    hours_link: tuple[int, int, str],
    action: str,
    entry: str | None,
    comment: str,
) -> None:
    assume(storable(comment))
    plan_id, placement_id, path = hours_link
    (entry_id,) = add_entries(app, placement_id, "1")
    response = supervisor_post(
        supervisor,
        path,
        "/hours",
        action=action,
        entry_id=entry_id if entry is None else entry,
        comment=comment,
    )
    not_a_server_error(response)
    if response.status_code == 404:  # an id of no entry on this link: said on the page
        assert "not on this page" in html_of(response) or "already verified" in html_of(response)
        return
    if not redirected(response):
        return
    row = entry_row(app, entry_id)
    if entry is not None or action != "dispute":
        return  # another entry, or a verification: no comment to look for
    assert row.status == HourStatus.disputed
    assert row.dispute_comment == stripped(comment)
    shown_escaped(html_of(supervisor.get(path)), row.dispute_comment)
    shown_escaped(html_of(student.get(f"/plans/{plan_id}")), row.dispute_comment)


@pytest.fixture
def criteria(app: Flask) -> list[int]:
    return ensure_rubric(app)


@HOSTILE
@given(
    purpose=st.sampled_from([LinkPurpose.midterm, LinkPurpose.final]),
    scores=st.lists(st.sampled_from("12345"), min_size=5, max_size=5),
    bad_score=sometimes(),
    comments=with_filler("Careful and curious work"),
)
def test_evaluation_comments(
    app: Flask,
    new_plan: Callable[..., int],
    student: FlaskClient,
    supervisor: FlaskClient,
    alice: int,
    criteria: list[int],
    purpose: LinkPurpose,
    scores: list[str],
    bad_score: str | None,
    comments: str,
) -> None:
    assume(storable(comments))
    plan_id, placement_id = approved_placement(app, new_plan, alice)
    path = link_path(app, placement_id, purpose)
    answer = {f"criterion_{cid}": score for cid, score in zip(criteria, scores, strict=False)}
    if bad_score is not None:
        answer[f"criterion_{criteria[0]}"] = bad_score
    response = supervisor_post(supervisor, path, "/evaluation", comments=comments, **answer)
    with app.app_context():
        stored = db.session.scalars(
            select(Evaluation.comments).where(Evaluation.placement_id == placement_id)
        ).all()
    if not redirected(response):
        assert stored == []
        shown_escaped(html_of(response), comments)  # kept in the box
        return
    assert stored == [stripped(comments)]
    if stored[0]:
        shown_escaped(html_of(supervisor.get(path)), stored[0])
        shown_escaped(html_of(student.get(f"/plans/{plan_id}")), stored[0])


def test_a_dispute_without_a_reason_gets_a_message(
    app: Flask, supervisor: FlaskClient, hours_link: tuple[int, int, str]
) -> None:
    _, placement_id, path = hours_link
    (entry_id,) = add_entries(app, placement_id, "1")
    for blank in ("", " \r\n\t", "\u3000"):
        response = supervisor_post(
            supervisor, path, "/hours", action="dispute", entry_id=entry_id, comment=blank
        )
        refused_with_message(response)
    assert entry_row(app, entry_id).status == HourStatus.submitted
