"""An amended record in Chromium: the verification page says it is out of date; Reissue replaces it.

Alice's record is issued, then the registrar amends the credit it shows.
An anonymous visitor checking the code is told the record was accurate
when issued and what changed since (the README's picture); Rosa Lopez
reissues it from the record's page, and the old code then names the new.
"""

from __future__ import annotations

from careercredit.extensions import db
from careercredit.models import CreditPlan, User
from careercredit.records.services import issue_record
from careercredit.registrar.amendments import amend_plan
from tests.browser.conftest import LiveServer
from tests.conftest import PEOPLE, user_id


def _issued_then_amended(server: LiveServer) -> tuple[int, str]:
    """Alice's posted credit, her record issued by Rosa, then the credit amended (1 → 2)."""
    app = server.app
    alice, rosa = user_id(app, PEOPLE["student"]), user_id(app, PEOPLE["registrar"])
    term = server.make.term("2026FA", name="Fall 2026")
    plan_id = server.make.posted_plan(alice, term_id=term, registrar_id=rosa)
    with app.app_context():
        registrar = db.session.get(User, rosa)
        student = db.session.get(User, alice)
        plan = db.session.get(CreditPlan, plan_id)
        assert registrar is not None
        assert student is not None
        assert plan is not None
        document = issue_record(student, by=registrar)
        db.session.commit()
        amend_plan(
            plan, registrar, grade=plan.final_grade, credits=2, reason="Hours verified late."
        )
        db.session.commit()
        return document.id, document.code


def test_an_amended_record_is_out_of_date_and_reissued(serve, people) -> None:
    server = serve()
    registrar, student = people(server, "registrar"), people(server, "student")
    registrar.sign_in(PEOPLE["registrar"])
    student.sign_in(PEOPLE["student"])
    document_id, code = _issued_then_amended(server)

    visitor = people(server, "visitor")
    visitor.open(f"/verify/{code}")
    page = visitor.text()
    assert "This record is out of date" in page
    assert "the credit it shows was amended on" in page
    assert "ask the registrar for a current record" in page
    assert "This record is valid" not in page
    visitor.screenshot("verification-amended")

    registrar.open(f"/records/documents/{document_id}")
    assert "Out of date" in registrar.text()
    registrar.page.get_by_role("button", name="Reissue").click()
    assert "Tick the box to confirm" in registrar.text()  # nothing happens without it
    registrar.page.locator("#reissue-confirm").check()
    registrar.press("Reissue")
    new_code = registrar.page.locator("h1 code").inner_text()
    assert new_code != code

    visitor.open(f"/verify/{new_code}")
    assert "This record is valid" in visitor.text()
    visitor.open(f"/verify/{code}")
    assert f"This record was superseded by {new_code}" in visitor.text()
