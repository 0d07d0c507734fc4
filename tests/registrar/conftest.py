"""The registrar's desk for tests: people signed in, a term, signed-off plans set up directly."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    GradeExport,
    GradingScheme,
    PlanState,
    Role,
    SignOff,
    User,
)
from tests.conftest import csrf_token, user_id
from tests.factories import Factory

ALICE_ID = "900100001"


@dataclass
class Desk:
    """A term of letter grades, alice (student) and fkim (her sponsor), the registrar signed in."""

    app: Flask
    make: Factory
    registrar: FlaskClient
    student: FlaskClient
    sponsor: FlaskClient
    term_id: int
    alice: int
    fkim: int
    rlopez: int
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def student_number(self, user: int, number: str | None) -> None:
        """Give a person a student id, as the directory would."""
        with self.app.app_context():
            db.session.get(User, user).student_number = number
            db.session.commit()

    def other_student(self, name: str, number: str | None = None) -> int:
        """A student who never signs in in the test, with a student id."""
        student = self.make.user(None, Role.student, name=name)
        self.student_number(student, number or f"9009{student:05d}")
        return student

    def signed_off(
        self,
        student: int | None = None,
        *,
        grade: str = "B+",
        credits: int = 1,
        comment: str = "Careful, well documented analysis.",
        term_id: int | None = None,
    ) -> int:
        """A plan signed off by fkim (test set-up: state and sign-off written directly)."""
        plan_id = self.make.plan(
            student or self.alice,
            PlanState.signed_off,
            term_id=term_id or self.term_id,
            sponsor_id=self.fkim,
            credits=max(credits, 1),
        )
        with self.app.app_context():
            plan = db.session.get(CreditPlan, plan_id)
            plan.sign_off = SignOff(
                grade=grade, credits_awarded=credits, comment=comment, signed_by_id=self.fkim
            )
            sponsor = db.session.get(User, self.fkim)
            details = {"from": "awaiting_signoff", "to": "signed_off", "grade": grade}
            record_event(
                "plan.sign_off",
                actor=sponsor,
                object_type="credit_plan",
                object_id=plan_id,
                details={**details, "credits": credits, "comment": comment},
            )
            db.session.commit()
        return plan_id

    def export(self, client: FlaskClient | None = None, term_id: int | None = None):
        """Press "Export CSV" on the term's roster."""
        client = client or self.registrar
        term_id = term_id or self.term_id
        token = csrf_token(client, f"/registrar/terms/{term_id}")
        return client.post(f"/registrar/terms/{term_id}/exports", data={"csrf_token": token})

    def latest_export(self) -> GradeExport:
        with self.app.app_context():
            export = db.session.scalars(select(GradeExport).order_by(GradeExport.id.desc())).first()
            db.session.expunge_all()
            return export

    def post(self, export_id: int, scope: str = "all", plan_ids: list[int] | None = None):
        """Tick "the SIS took these rows", press "Confirm all" or "Confirm selected"."""
        token = csrf_token(self.registrar, f"/registrar/exports/{export_id}")
        data: dict[str, object] = {"csrf_token": token, "scope": scope, "sis_took": "y"}
        if plan_ids is not None:
            data["plan_id"] = [str(i) for i in plan_ids]
        return self.registrar.post(f"/registrar/exports/{export_id}/post", data=data)

    def state(self, plan_id: int) -> PlanState:
        with self.app.app_context():
            return db.session.get(CreditPlan, plan_id).state


@pytest.fixture
def desk(app: Flask, make: Factory, login_as) -> Desk:
    """Sign the people in first (signing in copies directory data), then set up the rest."""
    registrar, student, sponsor = login_as("registrar"), login_as("student"), login_as("faculty")
    term_id = make.term("2027SP", grading_scheme=GradingScheme.letter)
    desk = Desk(
        app=app,
        make=make,
        registrar=registrar,
        student=student,
        sponsor=sponsor,
        term_id=term_id,
        alice=user_id(app, "alice"),
        fkim=user_id(app, "fkim"),
        rlopez=user_id(app, "rlopez"),
    )
    desk.student_number(desk.alice, ALICE_ID)
    return desk


def csv_rows(content: bytes) -> list[dict[str, str]]:
    """The rows of a grade roll, read as a spreadsheet import would."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def text_of(html: str) -> str:
    """The visible text of a page, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
