"""Helpers for the credit-plan tests: forms posted as a browser would."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, OutboxMessage
from tests.conftest import csrf_token

_VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def post_form(client: FlaskClient, page: str, target: str, /, **data: object):
    """Load ``page``, then post ``data`` with its CSRF token (and plan version) to ``target``."""
    html = client.get(page).get_data(as_text=True)
    token = csrf_token(client, page)
    form = {"csrf_token": token}
    version = _VERSION.search(html)
    if version and "version" not in data:
        form["version"] = version.group(1)
    form.update({k: str(v) for k, v in data.items()})
    return client.post(target, data=form)


def plan_state(app: Flask, plan_id: int) -> str:
    with app.app_context():
        return db.session.get(CreditPlan, plan_id).state.value


def actions(app: Flask, plan_id: int, *, views: bool = False) -> list[str]:
    """The audit trail of a plan, oldest first; staff page views left out unless asked."""
    with app.app_context():
        query = (
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "credit_plan", AuditEvent.object_id == str(plan_id))
            .order_by(AuditEvent.id)
        )
        return [a for a in db.session.scalars(query) if views or a != "plan.view"]


def outbox(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.to_addr, m.subject) for m in rows]
