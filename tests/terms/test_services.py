"""The terms services guard what the pages check first, for writers that race them."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Role, Term, User
from careercredit.terms.services import (
    DuplicateCode,
    TermInUse,
    create_term,
    delete_term,
    snapshot,
    update_term,
)
from tests.factories import Factory


def test_a_taken_code_is_refused_on_create_and_on_update(app: Flask, make: Factory) -> None:
    admin_id = make.user("root1", Role.admin)
    make.term("2027SP")
    other = make.term("2027FA")
    with app.app_context():
        admin = db.session.get(User, admin_id)
        values = snapshot(db.session.get(Term, other))
        with pytest.raises(DuplicateCode):
            create_term({**values, "code": "2027SP"}, by=admin)
        term = db.session.get(Term, other)
        with pytest.raises(DuplicateCode):
            update_term(term, {**values, "code": "2027SP"}, by=admin)


def test_a_term_in_use_is_refused_with_its_plan_count(app: Flask, make: Factory) -> None:
    admin_id = make.user("root1", Role.admin)
    term_id = make.term("2026FA")
    make.plan(make.user("student1", Role.student), term_id=term_id)
    with app.app_context():
        with pytest.raises(TermInUse) as refused:
            delete_term(db.session.get(Term, term_id), by=db.session.get(User, admin_id))
        assert refused.value.plans == 1
        db.session.rollback()
        assert db.session.scalar(select(Term.code)) == "2026FA"
