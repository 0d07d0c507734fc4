"""Helpers for the sign-off tests: finished plans set up directly, forms posted as browsers do."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    CreditPlan,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    PlanState,
    Role,
    SignOff,
)
from tests.conftest import csrf_token, user_id
from tests.factories import Factory

TODAY = clock.today()
REFLECTION = (
    "I learned to turn a vague question from the client into something I could measure, "
    "and to explain my numbers to people who are not analysts."
)
SCORES = {
    "quality": {"label": "Quality of work", "score": 4},
    "communication": {"label": "Communication", "score": 5},
}


def sponsor_id(app: Flask) -> int:
    """The row of fkim, the faculty member ``login_as("faculty")`` signs in."""
    return user_id(app, "fkim")


def student(make: Factory, uid: str, name: str | None = None) -> int:
    """Another student, who never needs to sign in."""
    return make.user(uid, Role.student, name=name)


def finished_plan(
    app: Flask,
    make: Factory,
    student_id: int,
    *,
    sponsor: int,
    credits: int = 2,
    verified: str | None = None,
    state: PlanState = PlanState.awaiting_signoff,
    term_id: int | None = None,
    project_ids: list[int] | None = None,
    **values: Any,
) -> int:
    """A plan sent for sign-off: ``verified`` hours (default: all required), evaluations in."""
    plan_id = make.plan(
        student_id,
        state,
        sponsor_id=sponsor,
        credits=credits,
        term_id=term_id,
        project_ids=project_ids or [make.project(hours=45 * credits)],
        reflection=REFLECTION,
        **values,
    )
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        placement = plan.placements[0]
        left = Decimal(verified if verified is not None else plan.required_hours)
        day = 1
        while left > 0:  # at most 8 hours a day, as a person would log them
            hours = min(left, Decimal(8))
            placement.hour_entries.append(
                HourEntry(
                    work_date=TODAY - timedelta(days=day),
                    hours=hours,
                    description="Analysed the survey data.",
                    status=HourStatus.verified,
                )
            )
            left, day = left - hours, day + 1
        placement.evaluations = [
            Evaluation(kind=LinkPurpose.midterm, scores=SCORES, comments="On track, keep going."),
            Evaluation(kind=LinkPurpose.final, scores=SCORES, comments="Clear, careful work."),
        ]
        db.session.commit()
    return plan_id


def text(response: Any) -> str:
    """The page as a person reads its text (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


def version_on(page: str, name: str = "version") -> str | None:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="(\d+)"', page)
    return match.group(1) if match else None


def post_form(client: FlaskClient, page: str, action: str, **data: object) -> Any:
    """Load ``page``, then post ``data`` with its CSRF token and shown versions to ``action``."""
    shown = client.get(page).get_data(as_text=True)
    form: dict[str, Any] = {"csrf_token": csrf_token(client, page)}
    for name in ("version", "back-version"):
        if (value := version_on(shown, name)) is not None:
            form[name] = value
    for key, value in data.items():
        form[key.replace("back_", "back-")] = (
            [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
        )
    return client.post(action, data=form)


def review(client: FlaskClient, plan_id: int, **data: object) -> Any:
    """Post the sign-off form of ``plan_id``'s page."""
    return post_form(client, f"/signoff/{plan_id}", f"/signoff/{plan_id}", **data)


def state_of(app: Flask, plan_id: int) -> PlanState:
    with app.app_context():
        return db.session.get(CreditPlan, plan_id).state


def sign_off_of(app: Flask, plan_id: int) -> tuple[str, int, str, int] | None:
    """(grade, credits, comment, signer) of the plan's sign-off, if any."""
    with app.app_context():
        row = db.session.scalar(select(SignOff).where(SignOff.plan_id == plan_id))
        return row and (row.grade, row.credits_awarded, row.comment, row.signed_by_id)


def events(app: Flask, plan_id: int, action: str) -> list[dict[str, Any]]:
    """Details of the plan's audit events named ``action``, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "credit_plan",
                AuditEvent.object_id == str(plan_id),
                AuditEvent.action == action,
            )
            .order_by(AuditEvent.id)
        )
        return [row.details for row in rows]


def touch(app: Flask, plan_id: int) -> None:
    """Change the plan behind the sponsor's back (as another request would)."""
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        plan.objectives += " "
        db.session.commit()
