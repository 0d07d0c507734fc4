"""Supervisor links for the hostile tests: made directly (set-up), then used as supervisors do."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, LinkPurpose, Placement, PlanState, RubricCriterion
from careercredit.supervisors.links import create_link, token_for
from tests.supervisors.conftest import default_rubric


def ensure_rubric(app: Flask) -> list[int]:
    """The ids of the active criteria, the default rubric installed if the table is empty."""
    with app.app_context():
        if db.session.scalar(select(RubricCriterion.id).limit(1)) is None:
            db.session.add_all(
                RubricCriterion(key=key, label=label, descriptors=texts, position=n, active=True)
                for n, (key, label, texts) in enumerate(default_rubric())
            )
            db.session.commit()
        query = select(RubricCriterion.id).where(RubricCriterion.active)
        return list(db.session.scalars(query.order_by(RubricCriterion.position)))


def approved_placement(
    app: Flask, new_plan: Callable[..., int], student_id: int
) -> tuple[int, int]:
    """A new approved plan of ``student_id`` (fixture ``new_plan``): its id, its placement's."""
    plan_id = new_plan(student_id, PlanState.approved)
    with app.app_context():
        return plan_id, db.session.get(CreditPlan, plan_id).placements[0].id


def link_path(app: Flask, placement_id: int, purpose: LinkPurpose) -> str:
    """A new link of ``purpose`` for the placement's supervisor: the path they open."""
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        link = create_link(placement, purpose, by=placement.plan.student)
        db.session.commit()
        return f"/s/{token_for(link)}"
