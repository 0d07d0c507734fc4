"""The summaries the services keep equal the summaries rebuilt from the live rows.

A random day at the office, through the services the pages call (plans
created, edited, submitted, decided, completed, signed off, posted, amended,
withdrawn, deleted; hours logged, verified, disputed, corrected, deleted;
supervisors answering), each action in its own transaction as a view runs
it, refusals and all. Afterwards every summary table must hold exactly what
``flask reports rebuild-summaries`` computes from the rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.hours.services import delete_entry, log_hours, update_entry
from careercredit.models import (
    CreditPlan,
    HourEntry,
    LinkPurpose,
    PlanState,
    Role,
    RubricCriterion,
    SupervisorLink,
    User,
)
from careercredit.plans.services import add_placement, create_plan, delete_draft, update_plan
from careercredit.plans.workflow import Action, perform
from careercredit.refusals import Refused, unit_of_work
from careercredit.registrar.amendments import amend_plan
from careercredit.reports import summaries
from careercredit.supervisors.answers import dispute_entry, submit_evaluation, verify_entry
from careercredit.supervisors.links import create_link
from tests.factories import OBJECTIVES, Factory
from tests.reports.conftest import KnownTerm

LEAVING = {Action.withdraw, Action.reject, Action.recall, Action.request_changes}
REFLECTION = "What I learned: " + "interviews, analysis and writing for a client. " * 3


class Office:
    """The people, terms and projects of the random day, and its moves."""

    def __init__(self, make: Factory, rng: random.Random) -> None:
        self.rng = rng
        today = clock.today()
        # Two terms the projects fall in: plans move between them, employers start in either.
        self.terms = [make.term("2027SP"), make.term("2027SQ", starts_on=today - timedelta(days=7))]
        self.projects = [make.project(make.employer(), hours=90) for _ in range(3)]
        self.students = [make.user(f"sumstudent{n}", Role.student) for n in range(6)]
        self.advisor = make.user("sumadvisor", Role.advisor)
        self.sponsor = make.user("sumsponsor", Role.faculty)
        self.registrar = make.user("sumregistrar", Role.registrar)

    def person(self, user_id: int) -> User:
        user = db.session.get(User, user_id)
        assert user is not None
        return user

    def plans(self) -> list[CreditPlan]:
        return list(db.session.scalars(select(CreditPlan).order_by(CreditPlan.id)))

    def any_plan(self) -> CreditPlan:
        plans = self.plans()
        if not plans:
            raise Refused("No plan yet.")
        return self.rng.choice(plans)

    def entries(self) -> list[HourEntry]:
        return list(db.session.scalars(select(HourEntry).order_by(HourEntry.id)))

    # -- the moves ----------------------------------------------------------------

    def new_plan(self) -> None:
        student = self.person(self.rng.choice(self.students))
        plan = create_plan(
            student,
            term_id=self.rng.choice(self.terms),
            credits_requested=1,
            objectives=OBJECTIVES,
        )
        plan.sponsor_id = self.sponsor
        for project_id in self.rng.sample(self.projects, self.rng.choice([1, 1, 2])):
            add_placement(plan, student, project_id)

    def edit_plan(self) -> None:
        plan = self.any_plan()
        update_plan(plan, plan.student, term_id=self.rng.choice(self.terms))

    def delete_plan(self) -> None:
        plan = self.any_plan()
        delete_draft(plan, plan.student)

    def act(self) -> None:
        plan = self.any_plan()
        actors = {
            Action.approve: self.advisor,
            Action.request_changes: self.advisor,
            Action.reject: self.advisor,
            Action.sign_off: self.sponsor,
            Action.send_back: self.sponsor,
            Action.post: self.registrar,
        }
        possible = [
            (action, self.person(actors.get(action, plan.student_id)))
            for action in Action
            if action != Action.start
            and plan.can(action, self.person(actors.get(action, plan.student_id)))
        ]
        if not possible:
            return
        # Leaving (withdrawn, rejected) ends a plan's day: it is tried less often.
        weights = [1 if action in LEAVING else 6 for action, _ in possible]
        action, by = self.rng.choices(possible, weights)[0]
        hours = int(plan.verified_hours) // plan.term.hours_per_credit
        perform(
            plan,
            action,
            by=by,
            comment="Noted, with thanks.",
            credits=min(plan.credits_requested, hours) if action == Action.sign_off else None,
            reflection=REFLECTION,
            grade="S",
        )

    def log(self) -> None:
        plans = [p for p in self.plans() if p.state in {PlanState.approved, PlanState.in_progress}]
        if not plans:
            return
        plan = self.rng.choice(plans)
        log_hours(
            self.rng.choice(plan.placements),
            by=plan.student,
            work_date=clock.today() - timedelta(days=self.rng.randrange(7)),
            hours=Decimal(self.rng.choice(["4", "7.5", "8"])),
            description="Interviews and notes.",
        )

    def answer(self) -> None:
        waiting = [e for e in self.entries() if e.is_waiting]
        if not waiting:
            return
        entry = self.rng.choice(waiting)
        link = db.session.scalar(
            select(SupervisorLink).where(SupervisorLink.placement_id == entry.placement_id)
        ) or create_link(entry.placement, LinkPurpose.hours, self.person(self.advisor))
        if self.rng.random() < 0.8:
            verify_entry(link, entry.id)
        else:
            dispute_entry(link, entry.id, "I have no record of that day.")

    def evaluate(self) -> None:
        placements = [
            placement
            for plan in self.plans()
            if plan.state == PlanState.in_progress
            for placement in plan.placements
            if placement.evaluation(LinkPurpose.final) is None
        ]
        if not placements:
            return
        link = create_link(
            self.rng.choice(placements), LinkPurpose.final, self.person(self.advisor)
        )
        criteria = list(db.session.scalars(select(RubricCriterion)))
        submit_evaluation(link, criteria, {c.id: 4 for c in criteria}, "Reliable and thorough.")

    def correct(self) -> None:
        entries = [e for e in self.entries() if not e.is_verified]
        if not entries:
            return
        entry = self.rng.choice(entries)
        student = entry.placement.plan.student
        if self.rng.random() < 0.7:
            when = entry.work_date + timedelta(days=self.rng.choice([-1, 0, 1]))
            update_entry(
                entry,
                by=student,
                work_date=when,
                hours=Decimal(6),
                description="Fixed the day and the hours.",
            )
        else:
            delete_entry(entry, by=student)

    def amend(self) -> None:
        posted = [p for p in self.plans() if p.state == PlanState.posted]
        if posted:
            plan = self.rng.choice(posted)
            credits = self.rng.choice([1, 2])
            amend_plan(
                plan, self.person(self.registrar), grade="S", credits=credits, reason="Re-read."
            )


#: Each move and how often it is tried.
MOVES: dict[str, int] = {
    "new_plan": 4,
    "edit_plan": 1,
    "delete_plan": 1,
    "act": 12,
    "log": 10,
    "answer": 10,
    "evaluate": 3,
    "correct": 2,
    "amend": 1,
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summaries_the_services_keep_equal_a_rebuild(
    app: Flask, make: Factory, seed: int
) -> None:
    rng = random.Random(seed)
    office = Office(make, rng)
    moves: list[Callable[[], None]] = [getattr(office, name) for name in MOVES]
    weights = list(MOVES.values())
    with app.app_context():
        for _ in range(500):
            move = rng.choices(moves, weights)[0]
            try:
                with unit_of_work():
                    move()
            except Refused:
                pass
        kept = summaries.summary_rows()
        summaries.rebuild()
        rebuilt = summaries.summary_rows()
        states = {row[1] for row in kept["report_plan_count"]}
        measures = {row[1] for row in kept["report_duration"]}
    # The day went far enough to move every kind of counter.
    assert {"posted", "draft"} <= states
    assert measures == {summaries.DECISION, summaries.SIGNOFF, summaries.RESPONSE}
    assert kept["report_term_day"]
    assert kept["report_employer_start"]
    assert kept == rebuilt


def test_rebuild_summaries_finds_and_mends_drift(
    app: Flask, make: Factory, known: KnownTerm
) -> None:
    runner = app.test_cli_runner()
    check = runner.invoke(args=["reports", "rebuild-summaries", "--check"])
    assert check.exit_code == 0
    assert "Summaries are current." in check.output
    # An hour entry written past the services (an import, a hand edit) is drift.
    with app.app_context():
        plan = db.session.get(CreditPlan, known.plans["p7"])
        assert plan is not None
        db.session.add(
            HourEntry(
                placement_id=plan.placements[0].id,
                work_date=plan.term.starts_on,
                hours=Decimal(3),
                description="Imported.",
            )
        )
        db.session.commit()
    check = runner.invoke(args=["reports", "rebuild-summaries", "--check"])
    assert check.exit_code == 1
    assert "report_term_day" in check.output
    assert "Summaries drifted." in check.output
    rebuilt = runner.invoke(args=["reports", "rebuild-summaries"])
    assert rebuilt.exit_code == 0
    assert "Summaries rebuilt." in rebuilt.output
    assert runner.invoke(args=["reports", "rebuild-summaries", "--check"]).exit_code == 0
