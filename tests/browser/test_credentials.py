"""Digital credentials in Chromium: the student's page (the README's picture) and a share link.

Alice's credit is posted with her credential issued (set up directly; the
pages that post it are tested in tests/badges). She opens "My credentials",
shares the credential, and a visitor opens the share link. Every page passes
axe-core and the CSP.
"""

from __future__ import annotations

from pathlib import Path

from careercredit.badges.keys import make_demo_key
from careercredit.badges.services import issue_for_plan
from careercredit.extensions import db
from careercredit.models import CreditPlan
from tests.conftest import PEOPLE, user_id


def test_student_shares_a_credential(serve, people, tmp_path: Path) -> None:
    server = serve(BADGE_KEY=str(make_demo_key(tmp_path / "badge.key")))
    student = people(server, "student")
    student.sign_in(PEOPLE["student"])
    app = server.app
    alice, rosa = user_id(app, PEOPLE["student"]), user_id(app, PEOPLE["registrar"])
    term = server.make.term("2026FA", name="Fall 2026")
    plan_id = server.make.posted_plan(alice, term_id=term, credits=2, registrar_id=rosa)
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        issue_for_plan(plan)
        db.session.commit()

    student.open("/credentials/")
    student.press("Share this credential")
    assert "Anyone with the share link can now see this credential." in student.flash()
    page = student.text()
    assert "Micro-internship:" in page
    assert "Status Valid" in " ".join(page.split())
    link = student.page.get_by_role("link", name="Add to LinkedIn")
    assert link.get_attribute("href").startswith("https://www.linkedin.com/profile/add?")
    student.screenshot("student-credentials")
    share_link = student.page.locator("a[href*='/c/']").first.get_attribute("href")

    visitor = people(server, "visitor")
    visitor.open(share_link.removeprefix(server.url))
    assert "This credential is valid" in visitor.text()
