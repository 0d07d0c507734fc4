"""Placements with supervisor links of chosen ages, and what the outbox holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    OutboxMessage,
    PlanState,
    Project,
    Role,
    SupervisorLink,
    User,
)
from careercredit.sql import aware
from careercredit.supervisors.links import create_link, now, url_for_link
from tests.factories import Factory


@dataclass(frozen=True)
class Scene:
    """One student's placement, the advisor who sends its links, and its supervisor."""

    student: int
    advisor: int
    plan: int
    placement: int
    supervisor_email: str


@dataclass(frozen=True)
class Mail:
    """A detached copy of an outbox message."""

    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class LinkRow:
    """A detached copy of a supervisor link, times in UTC."""

    id: int
    placement_id: int
    purpose: LinkPurpose
    url: str
    revoked: bool
    reminded: bool
    expiry_notified: bool


class Supervision:
    """Test set-up for supervisor links, written straight to the database."""

    def __init__(self, app: Flask, make: Factory) -> None:
        self.app = app
        self.make = make
        self.advisor = make.user("adviser1", Role.advisor, name="Ada Adviser")

    def placement(
        self,
        *,
        student: str | None = None,
        state: PlanState = PlanState.in_progress,
        consent: bool = True,
        name: str | None = None,
    ) -> Scene:
        """A plan in ``state`` with one placement whose supervisor may be sent links."""
        student_id = self.make.user(student, Role.student, name=name)
        plan_id = self.make.plan(student_id, state)
        with self.app.app_context():
            plan = db.session.get_one(CreditPlan, plan_id)
            placement = plan.placements[0]
            if consent:
                placement.consent_at = now()
            email = placement.project.supervisor.email
            db.session.commit()
            return Scene(student_id, self.advisor, plan_id, placement.id, email)

    def link(
        self,
        scene: Scene,
        purpose: LinkPurpose = LinkPurpose.final,
        *,
        age: float = 0,
        lifetime: float = 14,
        answered: bool = False,
    ) -> int:
        """A link sent ``age`` days ago that works for ``lifetime`` days from then."""
        with self.app.app_context():
            placement = db.session.get_one(CreditPlan, scene.plan).placements[0]
            link = create_link(placement, purpose, by=db.session.get_one(User, scene.advisor))
            sent = now() - timedelta(days=age)
            link.created_at = sent
            link.expires_at = sent + timedelta(days=lifetime)
            if answered:
                link.answered_at = now()
            db.session.commit()
            return link.id

    def hours(self, scene: Scene, status: HourStatus = HourStatus.submitted) -> int:
        """An hour entry of the placement in ``status``."""
        with self.app.app_context():
            entry = HourEntry(
                placement_id=scene.placement,
                work_date=clock.today() - timedelta(days=3),
                hours=Decimal("2.5"),
                description="Cleaned the survey data.",
                status=status,
            )
            db.session.add(entry)
            db.session.commit()
            return entry.id

    def evaluation(self, scene: Scene, kind: LinkPurpose) -> None:
        """A submitted evaluation of ``kind``."""
        with self.app.app_context():
            db.session.add(
                Evaluation(
                    placement_id=scene.placement,
                    kind=kind,
                    scores={"quality": {"score": 4, "label": "Quality of work"}},
                    comments="Good work.",
                )
            )
            db.session.commit()

    def age(self, link_id: int, days: float) -> None:
        """Move a link's sending ``days`` days into the past (its lifetime unchanged)."""
        with self.app.app_context():
            link = db.session.get_one(SupervisorLink, link_id)
            lifetime = aware(link.expires_at) - aware(link.created_at)
            link.created_at = now() - timedelta(days=days)
            link.expires_at = link.created_at + lifetime
            db.session.commit()

    def drop_supervisor(self, scene: Scene) -> None:
        """Leave the placement's project without a supervisor."""
        with self.app.app_context():
            plan = db.session.get_one(CreditPlan, scene.plan)
            project = db.session.get_one(Project, plan.placements[0].project_id)
            project.supervisor_id = None
            db.session.commit()

    def get(self, link_id: int) -> LinkRow:
        """A detached copy of one link."""
        with self.app.app_context():
            link = db.session.get_one(SupervisorLink, link_id)
            return LinkRow(
                link.id,
                link.placement_id,
                link.purpose,
                url_for_link(link),
                link.revoked_at is not None,
                link.reminded_at is not None,
                link.expiry_notified_at is not None,
            )

    def links(self, scene: Scene) -> list[LinkRow]:
        """Every link of the placement, oldest first."""
        with self.app.app_context():
            query = select(SupervisorLink.id).where(SupervisorLink.placement_id == scene.placement)
            ids = list(db.session.scalars(query.order_by(SupervisorLink.id)))
        return [self.get(link_id) for link_id in ids]

    def outbox(self) -> list[Mail]:
        """Every queued message, oldest first."""
        with self.app.app_context():
            messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return [Mail(m.to_addr, m.subject, m.body) for m in messages]


@pytest.fixture
def supervision(app: Flask, make: Factory) -> Supervision:
    """Supervisor-link set-up bound to the test's app."""
    return Supervision(app, make)


def run_reminders(app: Flask) -> str:
    """Run ``flask reminders send`` and return what it printed."""
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output
