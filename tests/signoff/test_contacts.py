"""The sign-off summary shows who answered for each placement, from which address.

Hours verified and evaluations given through a link to another address than
the one the supervisor had when the plan was approved are flagged: here an
advisor changed the supervisor's e-mail after approval, and the final
evaluation and some hours came from the new address.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

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
    PlanState,
    Role,
    SupervisorLink,
    User,
)
from careercredit.supervisors.links import create_link
from tests.catalogue.pages import submit
from tests.catalogue.test_own_placement import supervisor_form
from tests.factories import Factory
from tests.signoff.pages import REFLECTION, SCORES, sponsor_id, student, text

APPROVED = "ann@northwind.example"
CHANGED = "ann.lee@gmail.example"
FLAG = "Not the address at approval"


def answer(app: Flask, plan_id: int, purpose: LinkPurpose, *hours: str) -> None:
    """The supervisor answers through a new link of ``purpose`` to their current address."""
    with app.app_context():
        placement = db.session.get_one(CreditPlan, plan_id).placements[0]
        advisor = db.session.scalars(select(User).where(User.uid == "adviser1")).one()
        link = create_link(placement, purpose, by=advisor)
        for n, amount in enumerate(hours):
            placement.hour_entries.append(
                HourEntry(
                    work_date=clock.today() - timedelta(days=n + 1),
                    hours=Decimal(amount),
                    description="Analysed the survey data.",
                    status=HourStatus.verified,
                    decided_via_id=link.id,
                )
            )
        if purpose != LinkPurpose.hours:
            placement.evaluations.append(
                Evaluation(kind=purpose, scores=SCORES, comments="Great.", link_id=link.id)
            )
        db.session.commit()


def contacts(page: str) -> list[tuple[str, str]]:
    """The (term, description) pairs of the placement's supervisor contacts, as read."""
    block = page[page.index('class="facts supervisor-contacts"') :]
    block = block[: block.index("</dl>")]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", block, re.S)
    return [(term, re.sub(r"<[^>]+>", "", value).strip()) for term, value in pairs]


def test_answers_from_another_address_than_at_approval_are_flagged(
    app: Flask, make: Factory, login_as: Any
) -> None:
    sponsor = login_as("faculty")
    advisor = login_as("advisor")
    make.user("adviser1", Role.advisor)
    employer = make.employer("Northwind")
    supervisor = make.supervisor(employer, name="Ann Lee", email=APPROVED)
    project = make.project(employer, supervisor_id=supervisor)
    plan_id = make.plan(
        student(make, "bsmith", "Bea Smith"),
        PlanState.in_progress,
        sponsor_id=sponsor_id(app),
        project_ids=[project],
        reflection=REFLECTION,
    )
    answer(app, plan_id, LinkPurpose.hours, "5", "5")
    answer(app, plan_id, LinkPurpose.midterm)
    path = f"/catalogue/supervisors/{supervisor}/edit"
    assert submit(advisor, path, supervisor_form(app, supervisor, email=CHANGED)).status_code == 302
    answer(app, plan_id, LinkPurpose.hours, "3")
    answer(app, plan_id, LinkPurpose.final)
    with app.app_context():
        db.session.get_one(CreditPlan, plan_id).state = PlanState.awaiting_signoff
        db.session.commit()
        assert {link.recipient_email for link in db.session.scalars(select(SupervisorLink))} == {
            APPROVED,
            CHANGED,
        }

    page = text(sponsor.get(f"/signoff/{plan_id}"))

    assert contacts(page) == [
        ("Supervisor's address when the plan was approved", APPROVED),
        ("Verified 10 hours", f"from {APPROVED}"),
        ("Verified 3 hours", f"from {CHANGED} {FLAG}"),
        ("Midterm evaluation", f"from {APPROVED}"),
        ("Final evaluation", f"from {CHANGED} {FLAG}"),
    ]


def test_nothing_is_flagged_when_the_address_never_changed(
    app: Flask, make: Factory, login_as: Any
) -> None:
    sponsor = login_as("faculty")
    make.user("adviser1", Role.advisor)
    employer = make.employer("Northwind")
    supervisor = make.supervisor(employer, name="Ann Lee", email=APPROVED)
    plan_id = make.plan(
        student(make, "bsmith", "Bea Smith"),
        PlanState.awaiting_signoff,
        sponsor_id=sponsor_id(app),
        project_ids=[make.project(employer, supervisor_id=supervisor)],
        reflection=REFLECTION,
    )
    answer(app, plan_id, LinkPurpose.hours, "8")
    answer(app, plan_id, LinkPurpose.final)

    page = text(sponsor.get(f"/signoff/{plan_id}"))

    assert FLAG not in page
    assert contacts(page) == [
        ("Supervisor's address when the plan was approved", APPROVED),
        ("Verified 8 hours", f"from {APPROVED}"),
        ("Final evaluation", f"from {APPROVED}"),
    ]
