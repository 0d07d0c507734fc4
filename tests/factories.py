"""Factories for test data: each call commits in its own app context and returns the new id.

Ids, not objects: test clients open their own app contexts and sessions, so
objects would be detached by the time a test looks at them. Reload with
``with app.app_context(): db.session.get(Model, id)``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Employer,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    Placement,
    PlanState,
    Posting,
    Project,
    ProjectStatus,
    Role,
    SignOff,
    Supervisor,
    Term,
    User,
)

OBJECTIVES = (
    "Apply data analysis to a real client problem and present the findings "
    "to the client's team in a short written report."
)


class Factory:
    """Make rows for tests; every method returns the id of what it made."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def _save(self, obj: Any) -> int:
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            return obj.id

    def user(self, uid: str | None = None, *roles: Role, name: str | None = None) -> int:
        """A person as if they had signed in; reuses the row of a known uid."""
        uid = uid or f"person{self._next()}"
        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.uid == uid))
            if user is None:
                user = User(
                    directory_id=str(uuid.uuid4()),
                    uid=uid,
                    display_name=name or uid.title(),
                    email=f"{uid}@university.example",
                )
                db.session.add(user)
            if roles:
                user.set_roles(set(user.roles) | set(roles))
            db.session.commit()
            return user.id

    def term(self, code: str | None = None, **values: Any) -> int:
        """A term of 16 weeks starting two weeks ago, unless told otherwise."""
        start = values.pop("starts_on", clock.today() - timedelta(days=14))
        fields = {
            "code": code or f"T{self._next():03d}",
            "name": "Test term",
            "starts_on": start,
            "ends_on": start + timedelta(days=112),
            "census_on": start + timedelta(days=21),
            "grading_deadline": start + timedelta(days=126),
            "hours_per_credit": 45,
            "max_credits": 3,
        }
        fields.update(values)
        return self._save(Term(**fields))

    def employer(self, name: str | None = None, **values: Any) -> int:
        return self._save(Employer(name=name or f"Employer {self._next()}", **values))

    def supervisor(self, employer_id: int | None = None, **values: Any) -> int:
        n = self._next()
        fields = {"name": f"Supervisor {n}", "email": f"supervisor{n}@employer.example"}
        fields.update(values)
        return self._save(Supervisor(employer_id=employer_id or self.employer(), **fields))

    def project(self, employer_id: int | None = None, hours: int | str = 30, **values: Any) -> int:
        employer_id = employer_id or self.employer()
        fields: dict[str, Any] = {
            "title": f"Project {self._next()}",
            "description": "A short project.",
            "deliverables": "A report.",
            "starts_on": clock.today() - timedelta(days=14),
            "ends_on": clock.today() + timedelta(days=60),
            "status": ProjectStatus.open,
        }
        fields.update(values)
        if "supervisor_id" not in fields:
            fields["supervisor_id"] = self.supervisor(employer_id)
        return self._save(
            Project(employer_id=employer_id, estimated_hours=Decimal(str(hours)), **fields)
        )

    def plan(
        self,
        student_id: int,
        state: PlanState = PlanState.draft,
        *,
        term_id: int | None = None,
        sponsor_id: int | None = -1,
        project_ids: list[int] | None = None,
        credits: int = 1,
        **values: Any,
    ) -> int:
        """A plan put straight into ``state`` (test set-up, not the workflow).

        A new faculty member sponsors it unless ``sponsor_id`` is given (None: no sponsor).
        """
        term_id = term_id or self.term()
        if sponsor_id == -1:
            sponsor_id = self.user(None, Role.faculty)
        if project_ids is None:
            project_ids = [self.project(hours=45 * credits)]
        plan = CreditPlan(
            student_id=student_id,
            term_id=term_id,
            sponsor_id=sponsor_id,
            objectives=values.pop("objectives", OBJECTIVES),
            credits_requested=credits,
            state=state,
            **values,
        )
        plan.placements = [Placement(project_id=pid) for pid in project_ids]
        if state not in {PlanState.draft}:
            plan.submitted_at = values.get("submitted_at") or db.func.now()
        if state in {
            PlanState.approved,
            PlanState.in_progress,
            PlanState.awaiting_signoff,
            PlanState.signed_off,
            PlanState.posted,
        }:
            plan.credits_approved = credits
        return self._save(plan)

    def posted_plan(
        self,
        student_id: int,
        *,
        term_id: int | None = None,
        credits: int = 1,
        grade: str = "S",
        feedback: str = "Careful, punctual work; clear reports.",
        registrar_id: int | None = None,
        **values: Any,
    ) -> int:
        """A posted plan with verified hours, a final evaluation, a sign-off and a posting."""
        plan_id = self.plan(
            student_id, PlanState.posted, term_id=term_id, credits=credits, **values
        )
        with self.app.app_context():
            plan = db.session.get(CreditPlan, plan_id)
            assert plan is not None
            days = plan.term.hours_per_credit * credits // 5  # five-hour days
            for placement in plan.placements:
                db.session.add_all(
                    HourEntry(
                        placement_id=placement.id,
                        work_date=plan.term.starts_on + timedelta(days=day),
                        hours=Decimal(5),
                        description="Field work and the written report.",
                        status=HourStatus.verified,
                    )
                    for day in range(days)
                )
                db.session.add(
                    Evaluation(
                        placement_id=placement.id,
                        kind=LinkPurpose.final,
                        scores={},
                        comments=feedback,
                    )
                )
            db.session.add(
                SignOff(
                    plan_id=plan_id,
                    grade=grade,
                    credits_awarded=credits,
                    signed_by_id=plan.sponsor_id,
                )
            )
            db.session.commit()
        registrar_id = registrar_id or self.user(None, Role.registrar)
        return self._save(Posting(plan_id=plan_id, posted_by_id=registrar_id)) and plan_id
