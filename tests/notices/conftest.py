"""Helpers for the notices tests: the outbox read back, people signed in, plans submitted."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, OutboxMessage, Role
from tests.conftest import login, user_id
from tests.factories import Factory
from tests.plans.conftest import post_form


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def mails(app: Flask, to: str | None = None) -> list[Mail]:
    """The outbox, oldest first (only the messages to ``to`` if given)."""
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if to is not None:
            query = query.where(OutboxMessage.to_addr == to)
        return [Mail(m.to_addr, m.subject, m.body) for m in db.session.scalars(query)]


def address(uid: str) -> str:
    return f"{uid}@university.example"


def signed_in(app: Flask, uid: str) -> FlaskClient:
    """A browser signed in as ``uid`` of the test campus."""
    client = app.test_client()
    response = login(client, uid)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def submit(app: Flask, student: FlaskClient, plan_id: int) -> None:
    """Submit a draft plan from its edit page, as the student would."""
    response = post_form(student, f"/plans/{plan_id}/edit", f"/plans/{plan_id}/submit")
    assert response.status_code == 302, response.get_data(as_text=True)


def assigned(app: Flask, plan_id: int) -> str | None:
    """The uid of the plan's assigned advisor, or None."""
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return plan.assigned_advisor.uid if plan.assigned_advisor else None


def draft_of(app: Flask, make: Factory, uid: str = "alice", **values: object) -> int:
    """A draft plan of ``uid``, sponsored by Farid Kim, ready to submit."""
    return make.plan(user_id(app, uid), sponsor_id=make.user("fkim", Role.faculty), **values)
