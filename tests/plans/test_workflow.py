"""The state machine: every transition checks state and actor, and a lost race is refused."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, OutboxMessage, PlanState, Role, User
from careercredit.plans.workflow import TRANSITIONS, Action, StalePlan, TransitionError, perform
from tests.statements import statements


def _load(plan_id: int) -> CreditPlan:
    return db.session.get(CreditPlan, plan_id)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_two_advisors_deciding_at_once_only_one_wins(app: Flask, make) -> None:
    first = make.user("adv1", Role.advisor)
    second = make.user("adv2", Role.advisor)
    plan_id = make.plan(make.user("stu", Role.student), state=PlanState.submitted)
    with app.app_context():
        plan_in_first = _load(plan_id)  # first session reads version 1 ...
        with app.app_context():
            perform(_load(plan_id), Action.approve, by=_user(second), version=1)
            db.session.commit()  # ... while the second session approves and commits
        # At the first flush, which may be perform's queries or the commit: both belong inside.
        with pytest.raises(StaleDataError):  # noqa: PT012
            perform(plan_in_first, Action.reject, by=_user(first), version=1, comment="No.")
            db.session.commit()
        db.session.rollback()
        assert _load(plan_id).state == PlanState.approved
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("plan.approve") == 1
        assert "plan.reject" not in actions


def test_stale_version_is_refused_before_anything_is_written(app: Flask, make) -> None:
    advisor = make.user("adv", Role.advisor)
    plan_id = make.plan(make.user("stu", Role.student), state=PlanState.submitted)
    with app.app_context(), pytest.raises(StalePlan):
        perform(_load(plan_id), Action.approve, by=_user(advisor), version=7)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_transitions_refuse_wrong_states(app: Flask, make, name: str) -> None:
    student = make.user("stu", Role.student)
    wrong = next(s for s in PlanState if s not in TRANSITIONS[name].sources)
    plan_id = make.plan(student, state=wrong)
    with app.app_context(), pytest.raises(TransitionError, match="cannot be"):
        perform(_load(plan_id), name, by=_user(student), comment="x")


def test_transitions_refuse_the_wrong_person(app: Flask, make) -> None:
    student = make.user("stu", Role.student)
    stranger = make.user("other", Role.student)
    plan_id = make.plan(student, state=PlanState.submitted)
    with app.app_context():
        with pytest.raises(TransitionError, match="You may not"):
            perform(_load(plan_id), Action.approve, by=_user(student))
        with pytest.raises(TransitionError, match="You may not"):
            perform(_load(plan_id), Action.recall, by=_user(stranger))


def test_rolled_back_transition_leaves_no_message_and_no_audit(app: Flask, make) -> None:
    advisor = make.user("adv", Role.advisor)
    plan_id = make.plan(make.user("stu", Role.student), state=PlanState.submitted)
    with app.app_context():
        perform(_load(plan_id), Action.approve, by=_user(advisor))
        assert db.session.new  # the message and the event wait in the transaction
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert _load(plan_id).state == PlanState.submitted


def test_advisor_queue_queries_do_not_grow_with_plans(app: Flask, login_as, make) -> None:
    advisor = login_as("advisor")
    employer = make.employer()

    def add_plans(count: int) -> None:
        for _ in range(count):
            projects = [make.project(employer, hours=25), make.project(employer, hours=25)]
            make.plan(
                make.user(None, Role.student), state=PlanState.submitted, project_ids=projects
            )

    add_plans(5)
    advisor.get("/plans/queue")  # the first request re-checks roles; measure the next ones
    with statements(app) as with_5:
        page = advisor.get("/plans/queue").get_data(as_text=True)
    assert "5 plans in the queue" in page
    add_plans(45)
    with statements(app) as with_50:
        page = advisor.get("/plans/queue").get_data(as_text=True)
    assert "50 plans in the queue" in page
    assert "Page 1 of 2" in page
    assert len(with_5) == len(with_50)


def test_plan_page_queries_do_not_grow_with_projects_and_hours(app: Flask, login_as, make) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from careercredit.models import HourEntry
    from tests.conftest import user_id

    student = login_as("student")
    alice = user_id(app, "alice")

    def plan_with(projects: int, entries: int) -> int:
        plan_id = make.plan(
            alice, PlanState.in_progress, project_ids=[make.project() for _ in range(projects)]
        )
        with app.app_context():
            for placement in _load(plan_id).placements:
                placement.hour_entries.extend(
                    HourEntry(
                        work_date=clock.today() - timedelta(days=n % 20),
                        hours=Decimal(1),
                        description="Worked on the data.",
                    )
                    for n in range(entries)
                )
            db.session.commit()
        return plan_id

    small, large = plan_with(1, 2), plan_with(4, 50)
    student.get(f"/plans/{small}")  # the first request re-checks roles
    with statements(app) as small_plan:
        student.get(f"/plans/{small}")
    with statements(app) as large_plan:
        page = student.get(f"/plans/{large}").get_data(as_text=True)
    assert "200" in page or "Worked on the data." in page
    assert len(small_plan) == len(large_plan)
