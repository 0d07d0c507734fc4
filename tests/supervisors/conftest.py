"""Fixtures for the supervisor tests: an approved plan, hour entries, and links read from e-mail."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    CreditPlan,
    Disclosure,
    HourEntry,
    HourStatus,
    OutboxMessage,
    PlanState,
    RubricCriterion,
)
from tests.conftest import csrf_token, user_id
from tests.factories import Factory
from tests.plans.conftest import post_form

_LINK = re.compile(r"https?://[^/\s]+(/s/\S+)")


@dataclass
class Case:
    """A student's approved plan with one placement whose project has a supervisor."""

    app: Flask
    make: Factory
    student: FlaskClient
    plan_id: int
    placement_id: int
    supervisor_email: str

    @property
    def plan_page(self) -> str:
        return f"/plans/{self.plan_id}"

    def send_url(self, placement_id: int | None = None) -> str:
        return f"/plans/{self.plan_id}/placements/{placement_id or self.placement_id}/links"

    def consent_url(self, placement_id: int | None = None) -> str:
        return f"/plans/{self.plan_id}/placements/{placement_id or self.placement_id}/consent"

    def hours_to_verify(self, purpose: str) -> None:
        """An hours request needs hours waiting for the supervisor: log some if none wait."""
        if purpose != "hours":
            return
        with self.app.app_context():
            waiting = db.session.scalar(
                select(HourEntry.id)
                .where(
                    HourEntry.placement_id == self.placement_id,
                    HourEntry.status == HourStatus.submitted,
                )
                .limit(1)
            )
        if waiting is None:
            add_entries(self.app, self.placement_id, "2")

    def consent(self, purpose: str = "hours", client: FlaskClient | None = None) -> Any:
        """Agree on the consent page and send the first link of ``purpose``."""
        self.hours_to_verify(purpose)
        page = f"{self.consent_url()}?purpose={purpose}"
        return post_form(
            client or self.student, page, self.consent_url(), purpose=purpose, agree="y"
        )

    def send(self, purpose: str = "hours", client: FlaskClient | None = None) -> Any:
        """Press a send button on the plan page."""
        self.hours_to_verify(purpose)
        return post_form(client or self.student, self.plan_page, self.send_url(), purpose=purpose)

    def link(self, purpose: str = "hours") -> str:
        """Consent (if needed) and send a link; return its path as the supervisor gets it."""
        with self.app.app_context():
            consented = db.session.get(CreditPlan, self.plan_id).placements[0].consent_at
        response = self.send(purpose) if consented else self.consent(purpose)
        assert response.status_code == 302, response.get_data(as_text=True)
        return last_link(self.app, self.supervisor_email)


def last_link(app: Flask, address: str) -> str:
    """The path of the link in the newest e-mail to ``address``, as the supervisor reads it."""
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_addr == address.lower())
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None, f"no e-mail to {address}"
        match = _LINK.search(message.body)
        assert match, message.body
        return match.group(1)


MIGRATION = Path(__file__).parents[2] / "migrations/versions/20261126_0003_hours_supervision.py"


def default_rubric() -> list[tuple[str, str, list[str]]]:
    """The rubric the migration installs."""
    spec = importlib.util.spec_from_file_location("rubric_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DEFAULT_RUBRIC


@pytest.fixture(autouse=True)
def rubric(app: Flask) -> None:
    """The default rubric, also on PostgreSQL, where each test starts from empty tables."""
    with app.app_context():
        if db.session.scalar(select(RubricCriterion.id).limit(1)) is None:
            db.session.add_all(
                RubricCriterion(key=key, label=label, descriptors=texts, position=n, active=True)
                for n, (key, label, texts) in enumerate(default_rubric())
            )
            db.session.commit()


@pytest.fixture
def case(app: Flask, make: Factory, login_as) -> Case:
    """alice's approved plan, signed in as alice."""
    student = login_as("student")
    plan_id = make.plan(user_id(app, "alice"), state=PlanState.approved)
    with app.app_context():
        placement = db.session.get(CreditPlan, plan_id).placements[0]
        return Case(app, make, student, plan_id, placement.id, placement.project.supervisor.email)


def add_entries(
    app: Flask, placement_id: int, *hours: str, status: HourStatus = HourStatus.submitted
) -> list[int]:
    """Log hour entries on a placement (as the hours pages would); return their ids."""
    with app.app_context():
        entries = [
            HourEntry(
                placement_id=placement_id,
                work_date=clock.today() - timedelta(days=len(hours) - n),
                hours=Decimal(h),
                description=f"Task number {n + 1} on the client report",
                status=status,
            )
            for n, h in enumerate(hours)
        ]
        db.session.add_all(entries)
        db.session.commit()
        return [e.id for e in entries]


def entry(app: Flask, entry_id: int) -> HourEntry:
    with app.app_context():
        found = db.session.get(HourEntry, entry_id)
        db.session.expunge(found)
        return found


def events(app: Flask, action: str) -> list[AuditEvent]:
    """Audit events of ``action``, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def disclosures(app: Flask) -> list[Disclosure]:
    with app.app_context():
        rows = db.session.scalars(select(Disclosure).order_by(Disclosure.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def supervisor_post(client: FlaskClient, path: str, page: str, **data: object) -> Any:
    """Open the link like the supervisor, then post ``data`` to ``path + page``."""
    form = {"csrf_token": csrf_token(client, path)}
    form.update({k: str(v) for k, v in data.items()})
    return client.post(path + page, data=form)
