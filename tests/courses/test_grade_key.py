"""The official record's key to grades comes from the schemes of the plans on it."""

from __future__ import annotations

import io

from flask import Flask
from pypdf import PdfReader

from careercredit.courses.services import grade_keys
from careercredit.extensions import db
from careercredit.models import CreditPlan, GradingScheme, Role
from careercredit.pdf.record import build_record
from tests.courses.schemes import course, section
from tests.factories import Factory
from tests.pdf.sample import make_record


def test_the_key_lists_the_schemes_of_the_plans_on_the_record(app: Flask, make: Factory) -> None:
    student = make.user("kstudent", Role.student)
    letter_term = make.term(grading_scheme=GradingScheme.letter)
    pass_fail = section(app, make.term(), course(app, "NURS 3950", "Pass / fail"))
    plans = [
        make.plan(student, term_id=letter_term),
        make.plan(student, section_id=pass_fail),
    ]
    with app.app_context():
        keys = grade_keys(db.session.get(CreditPlan, plan_id) for plan_id in plans)
    assert [key.scheme for key in keys] == ["Letter grades", "Pass / fail"]
    assert keys[1].grades == [("P", "pass", "", True), ("F", "fail", "", False)]
    assert keys[0].grades[-1] == ("F", "fail", "", False)

    pdf = build_record(make_record(grade_keys=keys))
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Key to grades" in words
    assert "Pass / fail: P pass; F fail, no credit" in " ".join(words.split())


def test_a_record_without_keys_prints_none() -> None:
    pdf = build_record(make_record())
    assert "Key to grades" not in PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
