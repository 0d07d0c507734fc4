"""The term roster's rows: the grade that counts, the SIS's latest refusal, few statements."""

from __future__ import annotations

import html

from careercredit.extensions import db
from careercredit.models import Amendment, GradeExport, PlanState, Role
from careercredit.models.records import SisRejection
from tests.registrar.conftest import Desk, text_of
from tests.statements import statements


def _page(desk: Desk, query: str = "") -> str:
    response = desk.registrar.get(f"/registrar/terms/{desk.term_id}{query}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _row(page: str, plan_id: int) -> str:
    marker = f'id="plan-{plan_id}">'
    assert marker in page, f"plan {plan_id} is not listed"
    start = page.index(marker) + len(marker)
    return text_of(page[start : page.index("</tr>", start)])


def _export(desk: Desk, filename: str) -> int:
    with desk.app.app_context():
        export = GradeExport(
            term_id=desk.term_id,
            created_by_id=desk.rlopez,
            filename=filename,
            sha256="0" * 64,
            row_count=1,
            profile="generic",
            rows=[],
            content=b"",
        )
        db.session.add(export)
        db.session.commit()
        return export.id


def _reject(desk: Desk, export_id: int, plan_id: int, reason: str) -> None:
    with desk.app.app_context():
        db.session.add(
            SisRejection(
                export_id=export_id, plan_id=plan_id, reason=reason, rejected_by_id=desk.rlopez
            )
        )
        db.session.commit()


def _amend(desk: Desk, plan_id: int, grade: str, credits: int, before: tuple[str, int]) -> None:
    with desk.app.app_context():
        db.session.add(
            Amendment(
                plan_id=plan_id,
                created_by_id=desk.rlopez,
                reason="Grade change approved by the department.",
                grade_before=before[0],
                grade_after=grade,
                credits_before=before[1],
                credits_after=credits,
            )
        )
        db.session.commit()


def test_the_roster_shows_each_plans_grade_that_counts_and_the_sis_latest_refusal(
    desk: Desk,
) -> None:
    bea = desk.signed_off(desk.other_student("Bea Smith", "900000301"), grade="A-", credits=2)
    amended = desk.make.posted_plan(desk.other_student("Cal Jones"), term_id=desk.term_id)
    _amend(desk, amended, "B", 1, ("S", 1))
    _amend(desk, amended, "A", 2, ("B", 1))  # the last amendment counts
    first, second = _export(desk, "roll-1.csv"), _export(desk, "roll-2.csv")
    _reject(desk, first, bea, "Unknown section.")
    _reject(desk, second, bea, "Student not enrolled in the term.")

    page = _page(desk)
    every = _page(desk, "?state=all")

    assert _row(page, bea).startswith("900000301 Bea Smith CAREER 2990 001 2 A- Farid Kim ")
    assert _row(page, bea).endswith(
        " post Rejected by the SIS in roll-2.csv: Student not enrolled in the term."
    )
    assert "Unknown section." not in page, "only the latest refusal is shown"
    assert " Cal Jones CAREER 2990 001 2 A " in _row(page, amended)
    assert _row(page, amended).endswith(" amend")
    assert page.index("Bea Smith") < page.index("Cal Jones"), "plans to post come first"
    assert f'<a href="/plans/{bea}">Bea Smith</a>' in page
    assert _row(every, bea).startswith("900000301 Bea Smith 2 A- Farid Kim ")
    assert " Cal Jones 2 A " in _row(every, amended)


def test_a_page_past_the_end_lists_nothing_and_says_so(desk: Desk) -> None:
    desk.signed_off(desk.other_student("Bea Smith"))

    for query in ("?page=2", "?page=999999999999", "?state=all&page=3", "?state=posted&page=2"):
        page = _page(desk, query)
        assert "Bea Smith" not in page
    assert "Bea Smith" in _page(desk, "?state=signed_off")


def test_the_roster_reads_the_same_few_statements_for_three_plans_or_thirty(desk: Desk) -> None:
    def counted_for(query: str) -> int:
        with statements(desk.app) as counted:
            _page(desk, query)
        return len(counted)

    for n in range(3):
        desk.signed_off(desk.other_student(f"Student {n:02d}"))
    few = {query: counted_for(query) for query in ("", "?state=all", "?state=signed_off")}
    for n in range(3, 30):
        student = desk.make.user(None, Role.student, name=f"Student {n:02d}")
        desk.signed_off(student)
        desk.make.plan(student, PlanState.in_progress, term_id=desk.term_id)
    many = {query: counted_for(query) for query in few}

    assert many == few
    assert few[""] <= 8, "the signed-in person, the term, counts, amended, rows, exports, notices"
