"""Separation of duties on the overdue list: an advisor does not re-send their own plan's links.

Sam Okafor (student + advisor) and Kai Morgan (student + every staff role) sign
in through the real slapd; their own plan's overdue link is refused with the
page's usual message and nothing changes, while they still re-send the links
of other students.
"""

from __future__ import annotations

import html

import pytest
from flask import Flask
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import AuditEvent, LinkPurpose
from tests.catalogue.pages import sign_in
from tests.conftest import csrf_token
from tests.reminders.conftest import Supervision
from tests.reminders.test_overdue import resend

OVERDUE = "/advisor/overdue"
REFUSAL = "You can't act on your own record; another advisor must."
TWO_ROLES = ["sokafor", "kmorgan"]


def audit_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize("uid", TWO_ROLES)
def test_an_advisor_cannot_resend_a_link_of_their_own_plan(
    app: Flask, supervision: Supervision, uid: str
) -> None:
    me = sign_in(app, uid)
    own = supervision.placement(student=uid)
    link = supervision.link(own, LinkPurpose.final, age=20, lifetime=14)
    page = html.unescape(me.get(OVERDUE).get_data(as_text=True))
    row = page[page.index(f'id="link-{link}"') :]
    row = row[: row.index("</tr>")]
    assert "Your own plan: another advisor re-sends this link" in row
    assert "/resend" not in row
    events = audit_count(app)

    response = me.post(f"{OVERDUE}/{link}/resend", data={"csrf_token": csrf_token(me, OVERDUE)})

    assert response.status_code == 403
    page = html.unescape(response.get_data(as_text=True))
    assert REFUSAL in page
    assert f'id="link-{link}"' in page  # the list, as it is
    [row_after] = supervision.links(own)
    assert row_after.id == link
    assert not row_after.revoked
    assert supervision.outbox() == []
    assert audit_count(app) == events


@pytest.mark.parametrize("uid", TWO_ROLES)
def test_the_same_advisor_still_resends_the_links_of_other_students(
    app: Flask, supervision: Supervision, uid: str
) -> None:
    me = sign_in(app, uid)
    other = supervision.placement(name="Zoë Ødegård")
    link = supervision.link(other, LinkPurpose.final, age=20, lifetime=14)

    page = html.unescape(resend(me, link))

    assert REFUSAL not in page
    assert f"A new link (final evaluation) went to {other.supervisor_email}" in page
    old, new = supervision.links(other)
    assert old.revoked
    assert not new.revoked
    [mail] = supervision.outbox()
    assert mail.to == other.supervisor_email
