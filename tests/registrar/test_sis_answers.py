"""The SIS's answer: rows stay sent until confirmed; rejected rows go back to the roster."""

from __future__ import annotations

import io

from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Amendment, Posting
from careercredit.models import PlanState as S
from careercredit.models.records import SisRejection
from tests.conftest import csrf_token
from tests.plans.conftest import actions
from tests.registrar.conftest import ALICE_ID, Desk, csv_rows, text_of
from tests.registrar.test_amendments import REASON, amend, posted_plan
from tests.registrar.test_own_record import priya  # noqa: F401 (a fixture)


def reject(desk: Desk, export_id: int, plan_ids: list[int], reason: str, client=None):
    """Tick rows and press "Reject selected" with the SIS's reason."""
    client = client or desk.registrar
    token = csrf_token(client, f"/registrar/exports/{export_id}")
    data = {"csrf_token": token, "reason": reason, "plan_id": [str(i) for i in plan_ids]}
    return client.post(f"/registrar/exports/{export_id}/reject", data=data)


def upload(desk: Desk, export_id: int, report: str):
    """Upload the SIS's error report on the export page."""
    token = csrf_token(desk.registrar, f"/registrar/exports/{export_id}")
    data = {"csrf_token": token, "report": (io.BytesIO(report.encode()), "errors.csv")}
    return desk.registrar.post(
        f"/registrar/exports/{export_id}/report", data=data, content_type="multipart/form-data"
    )


def page(desk: Desk, path: str) -> str:
    return text_of(desk.registrar.get(path).get_data(as_text=True))


def test_rows_stay_sent_until_confirmed_and_confirming_asks_first(desk: Desk) -> None:
    plan_id = desk.signed_off()
    desk.export()
    export = desk.latest_export()
    assert f"{ALICE_ID} Alice Student CAREER 2990 001 1 B+ post Sent, awaiting the SIS" in page(
        desk, f"/registrar/exports/{export.id}"
    )
    token = csrf_token(desk.registrar, f"/registrar/exports/{export.id}")
    response = desk.registrar.post(
        f"/registrar/exports/{export.id}/post", data={"csrf_token": token, "scope": "all"}
    )
    assert response.status_code == 422
    assert "Tick that the SIS imported these rows" in text_of(response.get_data(as_text=True))
    assert desk.state(plan_id) == S.signed_off

    desk.post(export.id)
    assert desk.state(plan_id) == S.posted
    assert "post Confirmed" in page(desk, f"/registrar/exports/{export.id}")


def test_a_rejected_row_returns_to_the_roster_with_the_reason_and_is_never_posted(
    desk: Desk,
) -> None:
    alice = desk.signed_off()
    bea = desk.signed_off(desk.other_student("Bea Second"), grade="B")
    desk.export()
    export = desk.latest_export()

    response = reject(desk, export.id, [alice], "Student not enrolled in CRN 41237")
    assert response.status_code == 302
    shown = page(desk, f"/registrar/exports/{export.id}")
    assert "Recorded 1 row rejected by the SIS (Alice Student)" in shown
    assert "Rejected by the SIS Student not enrolled in CRN 41237" in shown

    desk.post(export.id)  # confirm all: the rejected row is left alone
    assert (desk.state(alice), desk.state(bea)) == (S.signed_off, S.posted)
    with desk.app.app_context():
        assert db.session.scalars(select(Posting.plan_id)).all() == [bea]

    roster = page(desk, f"/registrar/terms/{desk.term_id}")
    assert "Alice Student" in roster
    assert f"Rejected by the SIS in {export.filename}: Student not enrolled in CRN 41237" in roster
    assert "Bea Second" not in roster
    assert actions(desk.app, alice)[-1] == "plan.sis_reject"
    history = text_of(desk.student.get(f"/plans/{alice}").get_data(as_text=True))
    assert "recorded that the SIS rejected the grade row" in history

    # Sent again with the next export, then confirmed.
    desk.export()
    again = desk.latest_export()
    assert [row["plan_id"] for row in csv_rows(again.content)] == [str(alice)]
    desk.post(again.id)
    assert desk.state(alice) == S.posted


def test_rejecting_needs_a_ticked_row_and_a_reason(desk: Desk) -> None:
    plan_id = desk.signed_off()
    desk.export()
    export = desk.latest_export()
    response = reject(desk, export.id, [], "Bad row")
    assert response.status_code == 422
    assert "Tick the rows the SIS rejected." in response.get_data(as_text=True)
    response = reject(desk, export.id, [plan_id], "  ")
    assert response.status_code == 422
    assert "Write the SIS&#39;s reason" in response.get_data(as_text=True)
    desk.post(export.id)
    response = reject(desk, export.id, [plan_id], "Too late")
    assert response.status_code == 422
    assert "Only rows still waiting for the SIS" in response.get_data(as_text=True)
    assert desk.state(plan_id) == S.posted


def test_the_error_report_of_the_profile_rejects_the_rows_it_names(desk: Desk) -> None:
    desk.app.config["SIS_PROFILE"] = "banner"
    alice = desk.signed_off(grade="F", credits=0)
    bea_id = "900100777"
    bea = desk.signed_off(desk.other_student("Bea Second", bea_id), grade="A")
    desk.export()
    export = desk.latest_export()
    assert export.filename.startswith("banner-grades-202710-")
    rows = csv_rows(export.content)
    assert [(r["ID"], r["TERM_CODE"], r["SUBJ_CODE"], r["CRSE_NUMB"]) for r in rows] == [
        (ALICE_ID, "202710", "CAREER", "2990"),
        (bea_id, "202710", "CAREER", "2990"),
    ]
    assert {(r["GRDE_CODE"], r["GMOD_CODE"], r["INSTRUCTOR_ID"]) for r in rows} == {
        ("F", "L", "fkim"),
        ("A", "L", "fkim"),
    }
    assert "Ellucian Banner" in page(desk, f"/registrar/exports/{export.id}")

    response = upload(desk, export.id, "ID,MESSAGE\r\n999999999,Unknown student\r\n")
    assert response.status_code == 422
    assert "Not among this file&#39;s rows waiting for an answer: 999999999" in (
        response.get_data(as_text=True)
    )
    response = upload(desk, export.id, "student,why\r\n")
    assert response.status_code == 422
    assert "needs the columns ID and MESSAGE" in response.get_data(as_text=True)

    response = upload(desk, export.id, f"ID,MESSAGE\r\n{bea_id},Grade not valid for GMOD\r\n")
    assert response.status_code == 302
    with desk.app.app_context():
        found = db.session.scalars(select(SisRejection)).all()
        assert [(r.plan_id, r.reason) for r in found] == [(bea, "Grade not valid for GMOD")]
    desk.post(export.id)
    assert (desk.state(alice), desk.state(bea)) == (S.posted, S.signed_off)


def test_an_amendment_counts_only_once_the_sis_confirms_it(desk: Desk) -> None:
    plan_id = posted_plan(desk, grade="B", credits=1)
    amend(desk, plan_id, grade="A", credits=2, reason=REASON)
    desk.export()
    first = desk.latest_export()
    row = csv_rows(first.content)[0]
    assert (row["action"], row["grade"], row["credits"]) == ("amend", "A", "2")
    assert "Alice Student" not in page(desk, f"/registrar/terms/{desk.term_id}")  # sent

    reject(desk, first.id, [plan_id], "Grade change needs the dean's code")
    roster = page(desk, f"/registrar/terms/{desk.term_id}")
    assert "Alice Student" in roster  # back: the next export carries it again
    assert "Grade change needs the dean" in roster
    with desk.app.app_context():
        amendment = db.session.scalars(select(Amendment)).one()
        assert (amendment.exported_in_id, amendment.confirmed_at) == (None, None)

    desk.app.config["SIS_PROFILE"] = "peoplesoft"
    desk.export()
    second = desk.latest_export()
    row = csv_rows(second.content)[0]
    assert (row["GRADE_ACTION"], row["CRSE_GRADE_INPUT"], row["UNT_TAKEN"]) == ("CHANGE", "A", "2")
    assert (row["PREV_GRADE"], row["PREV_UNITS"], row["GRD_RSN"]) == ("B", "1", "CORR")
    assert row["EFFDT"]
    desk.post(second.id)
    shown = page(desk, f"/registrar/exports/{second.id}")
    assert "Confirmed the amendment of 1 plan." in shown
    assert "amend Confirmed" in shown
    with desk.app.app_context():
        amendment = db.session.scalars(select(Amendment)).one()
        assert amendment.exported_in_id == second.id
        assert amendment.confirmed_at is not None
    assert "Alice Student" not in page(desk, f"/registrar/terms/{desk.term_id}")


def test_a_registrar_does_not_answer_for_her_own_row(desk: Desk, priya) -> None:  # noqa: F811
    client, me = priya
    own, alices = desk.signed_off(me), desk.signed_off(desk.alice)
    desk.export()
    export = desk.latest_export()
    response = reject(desk, export.id, [own, alices], "Not enrolled", client=client)
    assert response.status_code == 403
    assert "another registrar must record the SIS&#39;s answer" in response.get_data(as_text=True)
    with desk.app.app_context():
        assert db.session.scalars(select(SisRejection)).all() == []
    assert reject(desk, export.id, [alices], "Not enrolled", client=client).status_code == 302
    assert reject(desk, export.id, [own], "Not enrolled").status_code == 302  # rlopez may
