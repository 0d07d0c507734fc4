"""The demo campus offers three departments' credit courses, one of them letter-graded."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from careercredit.demo.seed import DemoSummary
from careercredit.extensions import db
from careercredit.models import Course, CreditPlan, PlanState, SchemeKind
from tests.demo.test_seed import demo, demo_app, demo_environ, seeded

__all__ = ["demo", "demo_app", "demo_environ", "seeded"]  # the demo's fixtures, used here


def test_demo_courses_and_their_graded_plans(demo_app: Flask, seeded: DemoSummary) -> None:
    with demo_app.app_context():
        courses = {c.code: c for c in db.session.scalars(select(Course))}
        assert set(courses) == {"BUS 3990", "CS 3990", "NURS 3950"}
        assert courses["BUS 3990"].scheme.kind == SchemeKind.letter
        assert {c.department for c in courses.values()} == {
            "School of Business",
            "Computer Science",
            "Nursing",
        }
        plans = list(db.session.scalars(select(CreditPlan)))
        assert all(plan.section is not None for plan in plans)
        graded = {
            plan.section.course.code: plan.sign_off.grade
            for plan in plans
            if plan.sign_off is not None and plan.section is not None
        }
        for code, grade in graded.items():
            assert grade in courses[code].scheme.grades
        assert any(p.state == PlanState.posted for p in plans)
