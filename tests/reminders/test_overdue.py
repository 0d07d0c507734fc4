"""The advisors' overdue list and its one-click Re-send."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, HourStatus, LinkPurpose, Placement, PlanState
from tests.conftest import PEOPLE, csrf_token, login
from tests.reminders.conftest import Supervision
from tests.statements import statements

OVERDUE = "/advisor/overdue"


def rows(page: str) -> list[int]:
    """The link ids listed on the overdue page, in order."""
    return [int(n) for n in re.findall(r'<tr id="link-(\d+)"', page)]


def resend(client: FlaskClient, link_id: int) -> str:
    """Press Re-send on a row and follow the redirect back to the list."""
    token = csrf_token(client, OVERDUE)
    response = client.post(
        f"{OVERDUE}/{link_id}/resend", data={"csrf_token": token}, follow_redirects=True
    )
    assert response.status_code == 200
    assert response.request.path == OVERDUE
    return response.get_data(as_text=True)


@pytest.fixture
def advisor(login_as: Callable[[str], FlaskClient]) -> FlaskClient:
    return login_as("advisor")


def test_lists_waiting_and_expired_links_with_their_details(
    app: Flask, advisor: FlaskClient, supervision: Supervision
) -> None:
    scene = supervision.placement(name="José Ñúñez")
    waiting = supervision.link(scene, LinkPurpose.final, age=9)
    supervision.hours(scene)
    expired = supervision.link(scene, LinkPurpose.hours, age=20, lifetime=14)

    page = advisor.get(OVERDUE).get_data(as_text=True)

    assert rows(page) == [expired, waiting]  # oldest first
    row = page[page.index(f'id="link-{waiting}"') :]
    row = row[: row.index("</tr>")]
    assert "José Ñúñez" in row
    assert f"/plans/{scene.plan}" in row
    assert scene.supervisor_email in row
    assert "final evaluation" in row
    assert "waiting 9 days" in row
    assert "Re-send" in row
    expired_row = page[page.index(f'id="link-{expired}"') :]
    expired_row = expired_row[: expired_row.index("</tr>")]
    assert "verify hours" in expired_row
    assert "expired" in expired_row
    with app.app_context():
        placement = db.session.get_one(Placement, scene.placement)
        assert placement.project.title in row
        assert placement.project.employer.name in row


def test_leaves_out_links_that_need_nothing(advisor: FlaskClient, supervision: Supervision) -> None:
    scene = supervision.placement()
    supervision.link(scene, LinkPurpose.final, age=3)  # not yet 7 days
    supervision.link(scene, LinkPurpose.midterm, age=9, answered=True)
    supervision.link(scene, LinkPurpose.hours, age=9)  # no hours waiting
    other = supervision.placement()
    supervision.evaluation(other, LinkPurpose.final)
    supervision.link(other, LinkPurpose.final, age=9)  # already evaluated
    supervision.link(other, LinkPurpose.midterm, age=40, lifetime=14)  # superseded:
    supervision.link(other, LinkPurpose.midterm, age=1)  # sent again since
    closed = supervision.placement(state=PlanState.withdrawn)
    supervision.link(closed, LinkPurpose.final, age=9)

    page = advisor.get(OVERDUE).get_data(as_text=True)

    assert rows(page) == []
    assert "Nothing to show." in page


def test_pages_in_sql_without_a_query_per_row(
    app: Flask, advisor: FlaskClient, supervision: Supervision
) -> None:
    first = supervision.placement()
    supervision.link(first, LinkPurpose.final, age=9)

    with statements(app) as one_row:
        advisor.get(OVERDUE)
    for _ in range(26):
        scene = supervision.placement()
        supervision.link(scene, LinkPurpose.final, age=9)
    with statements(app) as full_page:
        page = advisor.get(OVERDUE).get_data(as_text=True)

    assert len(rows(page)) == 25
    assert "Page 1 of 2 (27 in all)" in page
    assert len(full_page) == len(one_row), full_page
    second = advisor.get(f"{OVERDUE}?page=2").get_data(as_text=True)
    assert len(rows(second)) == 2


def test_resend_replaces_the_link_and_mails_the_new_one(
    app: Flask, advisor: FlaskClient, supervision: Supervision
) -> None:
    scene = supervision.placement(name="Zoë Ødegård")
    old = supervision.link(scene, LinkPurpose.final, age=20, lifetime=14)

    page = resend(advisor, old)

    assert f"A new link (final evaluation) went to {scene.supervisor_email}" in page
    assert "Zoë Ødegård" in page
    [old_row, new_row] = supervision.links(scene)
    assert old_row.id == old
    assert old_row.revoked
    assert new_row.purpose == LinkPurpose.final
    assert not new_row.revoked
    [mail] = supervision.outbox()
    assert mail.to == scene.supervisor_email
    assert new_row.url in mail.body
    assert old_row.url not in mail.body
    assert rows(page) == []  # the new link is not overdue
    with app.app_context():
        event_ = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "supervisor_link.send")
        )
        assert event_ is not None
        assert event_.details["link_id"] == new_row.id


def test_resend_revokes_a_waiting_link_that_still_worked(
    advisor: FlaskClient, supervision: Supervision
) -> None:
    scene = supervision.placement()
    supervision.hours(scene, HourStatus.submitted)
    old = supervision.link(scene, LinkPurpose.hours, age=8)

    resend(advisor, old)

    old_row, new_row = supervision.links(scene)
    assert old_row.revoked
    assert not new_row.revoked
    assert len(supervision.outbox()) == 1


def test_resend_twice_sends_once(advisor: FlaskClient, supervision: Supervision) -> None:
    scene = supervision.placement()
    old = supervision.link(scene, LinkPurpose.final, age=20, lifetime=14)
    resend(advisor, old)

    page = resend(advisor, old)

    assert "no longer overdue" in page
    assert len(supervision.links(scene)) == 2
    assert len(supervision.outbox()) == 1


def test_resend_refused_without_consent(advisor: FlaskClient, supervision: Supervision) -> None:
    scene = supervision.placement(consent=False, name="Milo Park")
    old = supervision.link(scene, LinkPurpose.final, age=9)

    page = resend(advisor, old)

    assert "Milo Park has not yet agreed that the supervisor may see their name" in page
    [row] = supervision.links(scene)
    assert not row.revoked
    assert supervision.outbox() == []
    assert rows(page) == [old]


def test_resend_refused_without_a_supervisor(
    advisor: FlaskClient, supervision: Supervision
) -> None:
    scene = supervision.placement()
    old = supervision.link(scene, LinkPurpose.final, age=9)
    supervision.drop_supervisor(scene)

    page = resend(advisor, old)

    assert "has no supervisor. Add one to the project in the catalogue" in page
    assert len(supervision.links(scene)) == 1
    assert supervision.outbox() == []


def test_resend_of_an_unknown_link_is_404(advisor: FlaskClient) -> None:
    token = csrf_token(advisor, OVERDUE)
    assert advisor.post(f"{OVERDUE}/999/resend", data={"csrf_token": token}).status_code == 404


def test_resend_needs_the_csrf_token(advisor: FlaskClient, supervision: Supervision) -> None:
    scene = supervision.placement()
    old = supervision.link(scene, LinkPurpose.final, age=9)

    assert advisor.post(f"{OVERDUE}/{old}/resend").status_code == 400
    assert supervision.outbox() == []


@pytest.mark.parametrize("person", ["anonymous", *[p for p in PEOPLE if p != "advisor"]])
def test_only_advisors_reach_the_list(app: Flask, supervision: Supervision, person: str) -> None:
    scene = supervision.placement()
    old = supervision.link(scene, LinkPurpose.final, age=9)
    client = app.test_client()
    if person != "anonymous":
        assert login(client, PEOPLE[person]).status_code == 302
    token = csrf_token(client, "/login" if person == "anonymous" else "/")

    answers = [
        client.get(OVERDUE),
        client.post(f"{OVERDUE}/{old}/resend", data={"csrf_token": token}),
    ]

    for response in answers:
        if person == "anonymous":
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/login")
        else:
            assert response.status_code == 404
    assert supervision.outbox() == []
    assert len(supervision.links(scene)) == 1


def test_advisors_find_the_list_in_the_menu(advisor: FlaskClient) -> None:
    page = advisor.get("/").get_data(as_text=True)
    assert f'href="{OVERDUE}"' in page
