"""Helpers for the hour-log tests: plans with placements, entries set up directly, forms posted."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, HourEntry, HourStatus, PlanState
from tests.conftest import user_id
from tests.factories import Factory
from tests.plans.conftest import post_form

TODAY = clock.today()
WORK = "Cleaned the client's survey data and documented the gaps."


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def student_plan(
    app: Flask,
    make: Factory,
    state: PlanState = PlanState.approved,
    *,
    uid: str = "alice",
    projects: list[int] | None = None,
    **values: Any,
) -> tuple[int, list[int]]:
    """A plan of ``uid`` (who signed in already) and the ids of its placements."""
    plan_id = make.plan(user_id(app, uid), state, project_ids=projects, **values)
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        return plan_id, [p.id for p in plan.placements]


def add_entry(
    app: Flask,
    placement_id: int,
    *,
    work_date: date | None = None,
    hours: str = "2",
    description: str = WORK,
    status: HourStatus = HourStatus.submitted,
    dispute_comment: str | None = None,
) -> int:
    """An entry written straight to the database (set-up, not the page)."""
    with app.app_context():
        entry = HourEntry(
            placement_id=placement_id,
            work_date=work_date or days_ago(1),
            hours=Decimal(hours),
            description=description,
            status=status,
            dispute_comment=dispute_comment,
        )
        db.session.add(entry)
        db.session.commit()
        return entry.id


def entry_row(app: Flask, entry_id: int) -> HourEntry | None:
    """The entry as stored now (detached), or ``None`` once deleted."""
    with app.app_context():
        entry = db.session.get(HourEntry, entry_id)
        if entry is not None:
            db.session.expunge(entry)
        return entry


def new_url(plan_id: int, placement_id: int) -> str:
    return f"/plans/{plan_id}/placements/{placement_id}/hours/new"


def edit_url(plan_id: int, entry_id: int) -> str:
    return f"/plans/{plan_id}/hours/{entry_id}/edit"


def delete_url(plan_id: int, entry_id: int) -> str:
    return f"/plans/{plan_id}/hours/{entry_id}/delete"


def log(
    client: FlaskClient,
    plan_id: int,
    placement_id: int,
    *,
    work_date: object = None,
    hours: object = "2.5",
    description: object = WORK,
):
    """Post the log form as a browser would."""
    url = new_url(plan_id, placement_id)
    return post_form(
        client, url, url, work_date=work_date or days_ago(1), hours=hours, description=description
    )


def edit(client: FlaskClient, plan_id: int, entry_id: int, **data: object):
    """Post the edit form (loaded with the entry's values) with ``data`` changed."""
    url = edit_url(plan_id, entry_id)
    page = client.get(url).get_data(as_text=True)
    values = {
        "work_date": _input_value(page, "work_date"),
        "hours": _input_value(page, "hours"),
        "description": textarea(page, "description"),
    }
    values.update(data)
    return post_form(client, url, url, **values)


def _input_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no {name} input"
    return html.unescape(match.group(1))


def input_value(page: str, name: str) -> str:
    """The value a text or date input shows."""
    return _input_value(page, name)


def textarea(page: str, name: str) -> str:
    """The text a textarea shows."""
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no {name} textarea"
    return html.unescape(match.group(1)).strip()


def error_of(page: str, name: str) -> str:
    """The message shown next to field ``name`` (empty if none)."""
    match = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def events(app: Flask, action: str) -> list[AuditEvent]:
    """Audit events of ``action``, oldest first (detached)."""
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)
