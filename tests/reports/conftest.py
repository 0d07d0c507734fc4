"""A small known term for the reports, built with the factories and counted by hand.

2027SP (started two weeks ago) holds seven plans of seven students:

=====  ================  =======  ===========================================
plan   state             credits  what else
=====  ================  =======  ===========================================
p1     posted            2        Acme; 90 h verified; Business section;
                                  decided 12 h after submission; signed off
                                  5 days after it was sent for sign-off
p2     posted            1        Birch; 45 h verified; decided after 36 h
p3     submitted         1        (under review)
p4     rejected          1        Cedar (not approved: no placement counted);
                                  decided after 24 h
p5     withdrawn         1        submitted, then withdrawn
p6     draft             1        never submitted
p7     approved          3        Acme; 4 h logged in week 2, not verified;
                                  decided after 48 h
=====  ================  =======  ===========================================

The rows are written by the factories, past the services, so the fixture
rebuilds the reports' summaries from them, as ``flask reports
rebuild-summaries`` does after a bulk load.

Supervisors' links: slow@ answered after 72 h; quick@ after 2 h and 4 h.
2026FA, an older term, holds one posted plan of 1 credit at Birch, so Birch
is not a new employer in 2027SP and Acme is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    CreditPlan,
    HourEntry,
    HourStatus,
    LinkPurpose,
    PlanState,
    SignOff,
    SupervisorLink,
)
from careercredit.reports import summaries
from careercredit.sql import aware
from tests.courses.schemes import course, section
from tests.factories import Factory


@dataclass(frozen=True)
class KnownTerm:
    """The ids of the known term's rows."""

    term_id: int
    older_term_id: int
    plans: dict[str, int]


def _times(app: Flask, plan_id: int, decided_after: int | None) -> None:
    """Submitted a week ago at a known hour; decided ``decided_after`` hours later."""
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        plan.submitted_at = clock.now().replace(microsecond=0) - timedelta(days=7)
        if decided_after is not None:
            plan.decided_at = plan.submitted_at + timedelta(hours=decided_after)
        db.session.commit()


def _link(app: Flask, placement_id: int, by: int, email: str, hours: int) -> None:
    sent = clock.now().replace(microsecond=0) - timedelta(days=6)
    with app.app_context():
        db.session.add(
            SupervisorLink(
                token_id=secrets.token_hex(16),
                placement_id=placement_id,
                purpose=LinkPurpose.hours,
                recipient_email=email,
                created_by_id=by,
                created_at=sent,
                expires_at=sent + timedelta(days=30),
                answered_at=sent + timedelta(hours=hours),
            )
        )
        db.session.commit()


def _placement(app: Flask, plan_id: int) -> int:
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        return plan.placements[0].id


@pytest.fixture
def known(app: Flask, make: Factory) -> KnownTerm:
    """The known term of the module's docstring."""
    today = clock.today()
    older = make.term("2026FA", starts_on=today - timedelta(days=200))
    term = make.term("2027SP")
    acme, birch, cedar = (make.employer(n) for n in ("Acme Analytics", "Birch Bank", "Cedar Co"))
    business = section(app, term, course(app, "BUS 3990"))
    student = iter(make.user(f"reportstudent{n}") for n in range(8))
    make.posted_plan(next(student), term_id=older, project_ids=[make.project(birch, hours=45)])
    plans = {
        "p1": make.posted_plan(
            next(student),
            term_id=term,
            credits=2,
            project_ids=[make.project(acme, hours=90)],
            section_id=business,
        ),
        "p2": make.posted_plan(
            next(student), term_id=term, project_ids=[make.project(birch, hours=45)]
        ),
        "p3": make.plan(next(student), PlanState.submitted, term_id=term),
        "p4": make.plan(
            next(student), PlanState.rejected, term_id=term, project_ids=[make.project(cedar)]
        ),
        "p5": make.plan(next(student), PlanState.withdrawn, term_id=term),
        "p6": make.plan(next(student), PlanState.draft, term_id=term),
        "p7": make.plan(
            next(student),
            PlanState.approved,
            term_id=term,
            credits=3,
            project_ids=[make.project(acme, hours=135)],
        ),
    }
    for name, hours in (("p1", 12), ("p2", 36), ("p4", 24), ("p7", 48), ("p3", None), ("p5", None)):
        _times(app, plans[name], hours)
    advisor = make.user("reportadvisor")
    with app.app_context():
        starts_on = db.session.get(CreditPlan, plans["p7"]).term.starts_on  # type: ignore[union-attr]
        db.session.add(
            HourEntry(
                placement_id=_placement(app, plans["p7"]),
                work_date=starts_on + timedelta(days=8),
                hours=4,
                description="Interviews.",
                status=HourStatus.submitted,
            )
        )
        # Sign-offs are never changed: the plan was sent for sign-off 5 days before it.
        sign_off = db.session.query(SignOff).filter_by(plan_id=plans["p1"]).one()
        sent = aware(sign_off.signed_at) - timedelta(days=5)
        sign_off.plan.sent_for_signoff_at = sent
        db.session.add(
            AuditEvent(
                created_at=sent,
                actor_id=advisor,
                action="plan.complete",
                object_type="credit_plan",
                object_id=str(plans["p1"]),
                details={},
            )
        )
        db.session.commit()
    _link(app, _placement(app, plans["p1"]), advisor, "slow@acme.example", 72)
    _link(app, _placement(app, plans["p2"]), advisor, "quick@birch.example", 2)
    _link(app, _placement(app, plans["p2"]), advisor, "quick@birch.example", 4)
    # The factories write rows as a bulk load does, past the services: count them afresh.
    with app.app_context():
        summaries.rebuild()
        db.session.commit()
    return KnownTerm(term, older, plans)
