"""Deciding several plans from the queue: confirm first, then each plan through the workflow."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanComment, PlanState, Role
from careercredit.refusals import STALE_MESSAGE
from tests.conftest import csrf_token, login, user_id
from tests.factories import Factory
from tests.plans.conftest import actions, plan_state

_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTR = re.compile(r'(name|value)="([^"]*)"')
OWN_REFUSAL = "You can't act on your own record; another advisor must."


def hidden_fields(page: str) -> list[tuple[str, str]]:
    """The hidden inputs of a page, as a browser would send them."""
    found = []
    for tag in _HIDDEN.findall(page):
        attrs = dict(_ATTR.findall(tag))
        if "name" in attrs:
            found.append((attrs["name"], html.unescape(attrs.get("value", ""))))
    return found


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def row(page: str, plan_id: int, prefix: str = "plan") -> str:
    found = page[page.index(f'id="{prefix}-{plan_id}"') :]
    return found[: found.index("</tr>")]


def choose(client: FlaskClient, plan_ids: list[int], decision: str, comment: str = ""):
    """Tick plans in the queue, choose a decision, and ask for the confirmation page."""
    data = {
        "csrf_token": csrf_token(client, "/plans/queue"),
        "plan_ids": [str(i) for i in plan_ids],
        "decision": decision,
        "comment": comment,
    }
    return client.post("/plans/queue/confirm", data=data)


def confirm(client: FlaskClient, confirmation: str, extra: dict[str, str] | None = None):
    fields = dict(hidden_fields(confirmation))
    fields.update(extra or {})
    return client.post("/plans/queue/decide", data=fields)


def waiting(make: Factory, uid: str, name: str) -> int:
    return make.plan(make.user(uid, Role.student, name=name), PlanState.submitted)


def test_bulk_approval_lists_a_plan_changed_meanwhile_and_approves_the_rest(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    bea, cal, dee = (
        waiting(make, "bsmith", "Bea Smith"),
        waiting(make, "cjones", "Cal Jones"),
        waiting(make, "dlee", "Dee Lee"),
    )
    confirmation = text(choose(advisor, [bea, cal, dee], "approve"))
    assert "Confirm: approve 3 of 3 selected plans" in confirmation
    for plan_id in (bea, cal, dee):
        assert "Approve" in row(confirmation, plan_id)
    assert plan_state(app, bea) == "submitted"  # nothing decided before confirming

    # Meanwhile another advisor sends Cal's plan back.
    other = app.test_client()
    login(other, "mwong")
    with app.app_context():
        version = db.session.get(CreditPlan, cal).version
    sent_back = other.post(
        f"/plans/{cal}/request-changes",
        data={
            "csrf_token": csrf_token(other, f"/plans/{cal}"),
            "version": str(version),
            "comment": "Add the second project's dates.",
        },
    )
    assert sent_back.status_code == 302

    done = confirm(advisor, confirmation)

    page = text(done)
    assert done.status_code == 200
    assert "2 plans decided; 1 refused" in page
    assert STALE_MESSAGE in row(page, cal, "refused")
    assert f'id="done-{bea}"' in page
    assert f'id="done-{dee}"' in page
    assert (plan_state(app, bea), plan_state(app, dee)) == ("approved", "approved")
    assert plan_state(app, cal) == "changes_requested"
    # Each plan its own decision in its own history.
    assert actions(app, bea)[-1] == "plan.approve"
    assert actions(app, dee)[-1] == "plan.approve"
    assert "plan.approve" not in actions(app, cal)


def test_an_advisor_who_is_a_student_never_decides_her_own_plan_in_bulk(
    app: Flask, make: Factory
) -> None:
    client = app.test_client()
    login(client, "sokafor")  # a student and a career advisor
    own = make.plan(user_id(app, "sokafor"), PlanState.submitted)
    other = waiting(make, "bsmith", "Bea Smith")

    queue = text(client.get("/plans/queue"))
    assert "your own plan — another advisor decides" in row(queue, own)
    assert 'name="plan_ids"' not in row(queue, own)
    assert f'name="plan_ids" value="{other}"' in row(queue, other)

    # A selection crafted to carry her own plan: refused on its row.
    confirmation = text(choose(client, [own, other], "approve"))
    assert "Confirm: approve 1 of 2 selected plans" in confirmation
    assert OWN_REFUSAL in row(confirmation, own)

    # A confirmation crafted to carry it too: the workflow refuses it, the other goes through.
    with app.app_context():
        version = db.session.get(CreditPlan, own).version
    done = confirm(
        client, confirmation, {"rows-1-plan_id": str(own), "rows-1-version": str(version)}
    )
    page = text(done)
    assert done.status_code == 200
    assert OWN_REFUSAL in row(page, own, "refused")
    assert plan_state(app, own) == "submitted"
    assert plan_state(app, other) == "approved"
    assert "plan.approve" not in actions(app, own)

    alone = confirm(
        client,
        confirmation,
        {"rows-0-plan_id": str(own), "rows-0-version": str(version)},
    )
    assert alone.status_code == 403
    assert plan_state(app, own) == "submitted"


def test_sending_back_in_bulk_needs_a_comment_and_gives_it_to_each_student(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    bea, cal = waiting(make, "bsmith", "Bea Smith"), waiting(make, "cjones", "Cal Jones")

    without = text(choose(advisor, [bea, cal], "request_changes"))
    assert "Confirm: send back for changes 0 of 2 selected plans" in without
    assert "Write a comment for the student." in row(without, bea)
    assert "rows-0-plan_id" not in without

    comment = "Describe what you will learn in each project."
    confirmation = text(choose(advisor, [bea, cal], "request_changes", comment))
    done = confirm(advisor, confirmation)

    assert done.status_code == 200
    with app.app_context():
        bodies = db.session.scalars(
            select(PlanComment.body).where(PlanComment.plan_id.in_([bea, cal]))
        ).all()
    assert bodies == [comment, comment]
    assert plan_state(app, bea) == plan_state(app, cal) == "changes_requested"


def test_choosing_nothing_gives_the_queue_back_with_the_problem(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    bea = waiting(make, "bsmith", "Bea Smith")

    response = choose(advisor, [], "reject", "Typed and kept.")

    page = text(response)
    assert response.status_code == 422
    assert "Select at least one plan." in page
    assert "Typed and kept." in page
    assert f'id="plan-{bea}"' in page
    assert plan_state(app, bea) == "submitted"
