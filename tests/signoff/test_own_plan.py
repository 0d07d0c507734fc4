"""Separation of duties at sign-off: a sponsor never signs off their own plan.

Kai Morgan holds the faculty role and is a student; a plan of theirs that
names them as sponsor (set up directly: the plan pages no longer let a
student choose themself) is marked in the queue without a box to tick,
refused on the confirmation page and, row by row, by bulk sign-off, and shows
no sign-off form. Nothing about it changes, while Kai still signs off the
plans of the other students they sponsor.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, OutboxMessage, PlanState
from tests.catalogue.pages import sign_in
from tests.conftest import csrf_token, user_id
from tests.factories import Factory
from tests.signoff.pages import (
    events,
    finished_plan,
    review,
    sign_off_of,
    state_of,
    student,
    text,
)

REFUSAL = "You can't act on your own record; another faculty member must."
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def kai(app: Flask) -> tuple[FlaskClient, int]:
    return sign_in(app, "kmorgan"), user_id(app, "kmorgan")


def plans(app: Flask, make: Factory, me: int) -> tuple[int, int]:
    """Kai's own plan, and another student's, both sponsored by Kai and waiting."""
    own = finished_plan(app, make, me, sponsor=me)
    other = finished_plan(app, make, student(make, "bsmith", "Bea Smith"), sponsor=me)
    return own, other


def stored(app: Flask, plan_id: int) -> dict[str, Any]:
    with app.app_context():
        return {
            "state": state_of(app, plan_id),
            "sign_off": sign_off_of(app, plan_id),
            "events": db.session.scalar(select(func.count()).select_from(AuditEvent)),
            "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        }


def version(app: Flask, plan_id: int) -> str:
    with app.app_context():
        return str(db.session.get_one(CreditPlan, plan_id).version)


def row(page: str, plan_id: int, prefix: str = "plan") -> str:
    found = page[page.index(f'id="{prefix}-{plan_id}"') :]
    return found[: found.index("</tr>")]


def test_the_queue_marks_ones_own_plan_and_offers_no_box_for_it(app: Flask, make: Factory) -> None:
    client, me = kai(app)
    own, other = plans(app, make, me)

    page = text(client.get("/signoff/"))

    assert "Your own plan" in row(page, own)
    assert REFUSAL in row(page, own)
    assert 'name="plan_ids"' not in row(page, own)
    assert f'name="plan_ids" value="{other}"' in row(page, other)


def test_the_review_page_of_ones_own_plan_shows_no_form_and_refuses_a_post(
    app: Flask, make: Factory
) -> None:
    client, me = kai(app)
    own, _ = plans(app, make, me)
    page = text(client.get(f"/signoff/{own}"))
    assert f"This is your own plan. {REFUSAL}" in page
    assert 'action="/signoff/' not in page  # neither the sign-off nor the send-back form
    assert "Supervisor's address when the plan was approved" in page  # the summary is all there
    before = stored(app, own)

    response = review(client, own, grade="S", credits=2, version=version(app, own))
    back = client.post(
        f"/signoff/{own}/send-back",
        data={
            "csrf_token": csrf_token(client, f"/signoff/{own}"),
            "back-version": version(app, own),
            "back-comment": "Please add more.",
        },
    )

    assert response.status_code == 403
    assert REFUSAL in text(response)
    assert text(response).count(REFUSAL) == 1
    assert back.status_code == 403
    assert REFUSAL in text(back)
    assert stored(app, own) == before


def test_bulk_sign_off_refuses_ones_own_plan_on_its_row_and_signs_the_others(
    app: Flask, make: Factory
) -> None:
    client, me = kai(app)
    own, other = plans(app, make, me)
    choice = {
        "csrf_token": csrf_token(client, "/signoff/"),
        "plan_ids": [str(own), str(other)],
        "grade": "S",
        "award_max": "y",
    }
    confirmation = text(client.post("/signoff/bulk/confirm", data=choice))
    assert "Confirm: sign off 1 of 2 selected plans" in confirmation
    assert "Refused" in row(confirmation, own)
    assert REFUSAL in row(confirmation, own)
    before = stored(app, own)

    # A confirmation crafted (or kept from before) to carry the own plan too.
    fields = dict(_HIDDEN.findall(confirmation))
    fields.update(
        {"rows-1-plan_id": str(own), "rows-1-version": version(app, own), "rows-1-credits": "2"}
    )
    done = client.post("/signoff/bulk", data=fields)

    page = text(done)
    assert done.status_code == 200
    assert "Signed off 1 plan" in page
    assert REFUSAL in row(page, own, "refused")
    assert f'id="signed-{other}"' in page
    assert state_of(app, other) == PlanState.signed_off
    after = stored(app, own)
    assert (after["state"], after["sign_off"]) == (before["state"], before["sign_off"])
    assert after["state"] == PlanState.awaiting_signoff
    assert events(app, own, "plan.sign_off") == []


def test_bulk_sign_off_of_ones_own_plan_alone_answers_403(app: Flask, make: Factory) -> None:
    client, me = kai(app)
    own, _ = plans(app, make, me)
    before = stored(app, own)
    fields = {
        "csrf_token": csrf_token(client, "/signoff/"),
        "grade": "U",
        "rows-0-plan_id": str(own),
        "rows-0-version": version(app, own),
        "rows-0-credits": "0",
    }

    done = client.post("/signoff/bulk", data=fields)

    assert done.status_code == 403
    assert "Signed off 0 plans" in text(done)
    assert REFUSAL in row(text(done), own, "refused")
    assert stored(app, own) == before
