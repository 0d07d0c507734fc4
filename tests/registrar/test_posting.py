"""The registrar's path: roster, export, download, mark posted; the student sees the credit."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import OutboxMessage, PlanState, Posting, Role
from tests.plans.conftest import actions
from tests.registrar.conftest import ALICE_ID, Desk, csv_rows, text_of
from tests.statements import statements


def test_export_then_post_then_the_student_sees_grade_and_credits(desk: Desk) -> None:
    plan_id = desk.signed_off(grade="A-", credits=1)
    before = text_of(desk.student.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert "A-" not in before
    assert "Careful, well documented" not in before

    roster = text_of(desk.registrar.get(f"/registrar/terms/{desk.term_id}").get_data(as_text=True))
    assert f"{ALICE_ID} Alice Student CAREER 2990 001 1 A- Farid Kim" in roster

    response = desk.export()
    export = desk.latest_export()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/registrar/exports/{export.id}"
    page = text_of(desk.registrar.get(response.headers["Location"]).get_data(as_text=True))
    assert f"Exported 1 row to {export.filename}" in page
    assert "Rosa Lopez" in page
    assert f"{ALICE_ID} Alice Student CAREER 2990 001 1 A- post" in page

    response = desk.post(export.id)
    assert response.status_code == 302
    page = text_of(desk.registrar.get(response.headers["Location"]).get_data(as_text=True))
    assert "Posted 1 plan." in page
    assert desk.state(plan_id) == PlanState.posted
    assert actions(desk.app, plan_id)[-1] == "plan.post"
    with desk.app.app_context():
        posting = db.session.scalar(select(Posting).where(Posting.plan_id == plan_id))
        assert (posting.export_id, posting.posted_by_id) == (export.id, desk.rlopez)
        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
        assert "Your credit for 2027SP is posted" in subjects

    after = text_of(desk.student.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert "Grade and credit Grade A- Credits 1" in after
    assert "Careful, well documented analysis." in after
    assert "Rosa Lopez posted the credit to the student record" in after


def test_export_posts_nothing_and_records_the_export(desk: Desk) -> None:
    plan_id = desk.signed_off()
    desk.export()
    export = desk.latest_export()
    assert desk.state(plan_id) == PlanState.signed_off
    assert actions(desk.app, plan_id)[-1] == "plan.sign_off"
    assert export.row_count == 1
    assert export.sha256 == hashlib.sha256(export.content).hexdigest()
    assert export.filename.startswith("grades-2027SP-")
    assert export.filename.endswith("-1.csv")
    with desk.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Posting)) == 0
    log = desk.registrar.get("/admin/audit?action=grades.export").get_data(as_text=True)
    assert f"export {export.id}" in log
    assert export.filename in log
    # Still on the roster: the next export carries it again, numbered for the day.
    roster = desk.registrar.get(f"/registrar/terms/{desk.term_id}").get_data(as_text=True)
    assert "Alice Student" in roster
    desk.export()
    assert desk.latest_export().filename == export.filename.replace("-1.csv", "-2.csv")


def test_downloading_again_gives_the_same_bytes(desk: Desk) -> None:
    desk.signed_off()
    desk.export()
    export = desk.latest_export()
    first = desk.registrar.get(f"/registrar/exports/{export.id}/download")
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert first.headers["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    desk.post(export.id)  # posting changes the plans, never the file
    desk.signed_off(desk.other_student("Later Student"))
    again = desk.registrar.get(f"/registrar/exports/{export.id}/download")
    assert hashlib.sha256(again.data).hexdigest() == hashlib.sha256(first.data).hexdigest()
    assert hashlib.sha256(again.data).hexdigest() == export.sha256


def test_posting_selected_rows_leaves_the_others(desk: Desk) -> None:
    first = desk.signed_off()
    second = desk.signed_off(desk.other_student("Bea Second"), grade="B")
    third = desk.signed_off(desk.other_student("Cy Third"), grade="C")
    desk.export()
    export = desk.latest_export()
    assert len(csv_rows(export.content)) == 3

    response = desk.post(export.id, "selected", [second, third])
    assert response.status_code == 302
    assert [desk.state(p) for p in (first, second, third)] == [
        PlanState.signed_off,
        PlanState.posted,
        PlanState.posted,
    ]
    page = desk.registrar.get(f"/registrar/exports/{export.id}").get_data(as_text=True)
    assert "Posted 2 plans." in page
    assert page.count('name="plan_id"') == 1
    assert f'value="{first}"' in page

    # Posting all now posts the rest and says which were posted already; one message.
    desk.post(export.id)
    page = text_of(desk.registrar.get(f"/registrar/exports/{export.id}").get_data(as_text=True))
    assert "Posted 1 plan. Skipped: Bea Second (already posted); Cy Third (already posted)." in page
    assert desk.state(first) == PlanState.posted
    assert "Every plan of this export is posted." in page


def test_selected_posting_without_a_row_is_refused(desk: Desk) -> None:
    plan_id = desk.signed_off()
    desk.export()
    export = desk.latest_export()
    response = desk.post(export.id, "selected", [])
    assert response.status_code == 422
    assert "Tick the rows to post, or post all." in response.get_data(as_text=True)
    assert desk.state(plan_id) == PlanState.signed_off


def test_a_plan_posted_from_an_older_export_is_skipped(desk: Desk) -> None:
    plan_id = desk.signed_off()
    desk.export()
    older = desk.latest_export()
    desk.export()
    newer = desk.latest_export()
    desk.post(newer.id)
    response = desk.post(older.id)
    page = text_of(desk.registrar.get(response.headers["Location"]).get_data(as_text=True))
    assert "Posted 0 plans. Skipped: Alice Student (already posted)." in page
    assert f"(with {newer.filename})" in page
    with desk.app.app_context():
        postings = db.session.scalars(select(Posting).where(Posting.plan_id == plan_id)).all()
        assert [p.export_id for p in postings] == [newer.id]


def test_index_counts_what_waits_in_each_term(desk: Desk) -> None:
    other_term = desk.make.term("2027FA")
    desk.signed_off()
    desk.signed_off(desk.other_student("Bea Second"))
    desk.make.plan(desk.alice, PlanState.in_progress, term_id=desk.term_id)
    html = desk.registrar.get("/registrar/").get_data(as_text=True)
    page = text_of(html)
    assert "2027SP Test term CAREER 2990-001 2 0 Roster of 2027SP" in page
    assert "2027FA Test term CAREER 2990-001 0 0" in page
    assert f'href="/registrar/terms/{other_term}"' in html


def test_nothing_to_export_is_said_not_made(desk: Desk) -> None:
    response = desk.export()
    assert response.status_code == 422
    assert "Nothing to export for 2027SP" in response.get_data(as_text=True)
    assert desk.latest_export() is None


def test_a_student_without_a_student_id_stays_on_the_roster(desk: Desk) -> None:
    ready = desk.signed_off()
    waiting = desk.signed_off(desk.make.user(None, Role.student, name="No Number"))
    roster = text_of(desk.registrar.get(f"/registrar/terms/{desk.term_id}").get_data(as_text=True))
    assert "missing No Number" in roster
    response = desk.export()
    page = text_of(desk.registrar.get(response.headers["Location"]).get_data(as_text=True))
    assert "Left out, with no student id in the campus directory: No Number." in page
    export = desk.latest_export()
    assert [r["plan_id"] for r in csv_rows(export.content)] == [str(ready)]
    roster = desk.registrar.get(f"/registrar/terms/{desk.term_id}").get_data(as_text=True)
    assert "No Number" in roster
    assert desk.state(waiting) == PlanState.signed_off


def test_roster_queries_do_not_grow_with_plans(desk: Desk) -> None:
    def add(count: int) -> None:
        for n in range(count):
            desk.signed_off(desk.other_student(f"Student {n:02d}"))

    add(5)
    desk.registrar.get(f"/registrar/terms/{desk.term_id}")
    with statements(desk.app) as five:
        page = desk.registrar.get(f"/registrar/terms/{desk.term_id}").get_data(as_text=True)
    assert page.count("badge action-post") == 5
    add(25)
    with statements(desk.app) as thirty:
        page = desk.registrar.get(f"/registrar/terms/{desk.term_id}").get_data(as_text=True)
    assert page.count("badge action-post") == 25
    assert "Page 1 of 2 (30 in all)" in page
    assert len(thirty) == len(five)
