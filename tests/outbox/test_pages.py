"""The development outbox and the admins' outbox page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, MessageStatus
from tests.conftest import csrf_token, user_id
from tests.outbox.conftest import add_message, row

LINK = "http://careercredit.test/supervise/abc?sig=1&n=2"


def test_dev_outbox_shows_full_messages_with_clickable_links(
    app: Flask, client: FlaskClient
) -> None:
    add_message(app, to="older@employer.example", subject="Older")
    add_message(
        app,
        to="boss@employer.example",
        subject="Verify the hours of José Ñúñez",
        body=f"Please verify: {LINK}\n<script>alert(1)</script>",
    )

    response = client.get("/dev/outbox")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Verify the hours of José Ñúñez") < page.index("Older"), "newest first"
    assert "boss@employer.example" in page
    assert '<a href="http://careercredit.test/supervise/abc?sig=1&amp;n=2"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page


def test_dev_outbox_filters_by_recipient_and_pages(app: Flask, client: FlaskClient) -> None:
    for n in range(30):
        add_message(app, to="many@employer.example", subject=f"Message number {n:02d}")
    add_message(app, to="other@employer.example", subject="For someone else")

    first = client.get("/dev/outbox?to=Many@Employer.example").get_data(as_text=True)
    assert "Message number 29" in first
    assert "Message number 05" in first
    assert "Message number 04" not in first
    assert "For someone else" not in first
    assert "Page 1 of 2 (30 in all)" in first

    second = client.get("/dev/outbox?to=many@employer.example&page=2").get_data(as_text=True)
    assert "Message number 04" in second
    assert "Message number 00" in second
    assert "Message number 05" not in second


def test_dev_outbox_is_missing_in_production(make_app: Callable[..., Flask]) -> None:
    app = make_app(DEV_OUTBOX=False)
    add_message(app)
    assert app.test_client().get("/dev/outbox").status_code == 404


def test_admin_outbox_sends_anonymous_visitors_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/admin/outbox?status=failed")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["student", "advisor", "faculty", "registrar"])
def test_admin_outbox_is_missing_for_everyone_but_admins(app: Flask, login_as, role: str) -> None:
    message_id = add_message(app, status=MessageStatus.failed, attempts=8)
    client = login_as(role)
    assert client.get("/admin/outbox").status_code == 404
    token = csrf_token(client, "/")
    response = client.post(f"/admin/outbox/{message_id}/retry", data={"csrf_token": token})
    assert response.status_code == 404
    assert row(app, message_id).status == MessageStatus.failed


def test_admin_outbox_lists_delivery_state_but_no_bodies(app: Flask, login_as) -> None:
    add_message(app, to="sent@university.example", status=MessageStatus.sent, attempts=1)
    add_message(
        app,
        to="failed@employer.example",
        subject="Verify hours",
        body="Private link http://careercredit.test/supervise/SECRET",
        status=MessageStatus.failed,
        attempts=8,
        last_error="SMTPRecipientsRefused: 550 No such user",
    )
    client = login_as("admin")

    page = client.get("/admin/outbox").get_data(as_text=True)

    assert "failed@employer.example" in page
    assert "sent@university.example" in page
    assert "Verify hours" in page
    assert "550 No such user" in page
    assert "SECRET" not in page
    assert "Private link" not in page

    failed_only = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "failed@employer.example" in failed_only
    assert "sent@university.example" not in failed_only
    assert "Retry" in failed_only


def test_retry_needs_a_csrf_token(app: Flask, login_as) -> None:
    message_id = add_message(app, status=MessageStatus.failed, attempts=8)
    client = login_as("admin")

    response = client.post(f"/admin/outbox/{message_id}/retry")

    assert response.status_code == 400
    assert row(app, message_id).status == MessageStatus.failed


def test_admin_retries_a_failed_message(app: Flask, login_as) -> None:
    message_id = add_message(
        app, to="failed@employer.example", status=MessageStatus.failed, attempts=8
    )
    client = login_as("admin")
    token = csrf_token(client, "/admin/outbox?status=failed")

    response = client.post(
        f"/admin/outbox/{message_id}/retry?status=failed",
        data={"csrf_token": token},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert response.request.path == "/admin/outbox"
    assert "The message to failed@employer.example is queued again" in response.get_data(
        as_text=True
    )
    retried = row(app, message_id)
    assert (retried.status, retried.attempts) == (MessageStatus.pending, 0)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retry"))
        assert event is not None
        assert event.actor_id == user_id(app, "root1")
        assert event.object_type == "outbox_message"
        assert event.object_id == str(message_id)


def test_retrying_a_message_that_is_not_failed_changes_nothing(app: Flask, login_as) -> None:
    message_id = add_message(app, status=MessageStatus.sent, attempts=1)
    client = login_as("admin")
    token = csrf_token(client, "/admin/outbox")

    response = client.post(
        f"/admin/outbox/{message_id}/retry", data={"csrf_token": token}, follow_redirects=True
    )

    assert "is sent; nothing to retry" in response.get_data(as_text=True)
    assert row(app, message_id).status == MessageStatus.sent
    assert client.post("/admin/outbox/999999/retry", data={"csrf_token": token}).status_code == 404
