"""A supervisor's comment of ``<script>alert(1)</script>`` is inert everywhere it appears.

The comment goes in through the supervisor's final-evaluation page, as a
supervisor would send it; it is then read on every page that shows it, in
e-mail and audit pages, in the registrar's grade roll (with a student whose
name is the same script, and one whose name is a formula) and in the official
record's PDF.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    PlanState,
    RecordDocument,
    User,
)
from careercredit.records.services import issue_record
from tests.conftest import user_id
from tests.factories import Factory
from tests.hostile.checks import html_of, inert, shown_escaped
from tests.hostile.pdfscan import active_parts, text_of
from tests.hostile.strings import SCRIPT
from tests.hostile.supervision import ensure_rubric
from tests.plans.conftest import post_form
from tests.registrar.conftest import Desk, csv_rows
from tests.signoff.pages import REFLECTION, SCORES, review
from tests.supervisors.conftest import last_link, supervisor_post

FORMULA = "=cmd|' /C calc'!A0"


def evaluate(app: Flask, student: FlaskClient, plan_id: int) -> tuple[str, int]:
    """Consent and send the final link as the student; answer it as the supervisor."""
    with app.app_context():
        placement = db.session.get(CreditPlan, plan_id).placements[0]
        placement_id, email = placement.id, placement.project.supervisor.email
    consent = f"/plans/{plan_id}/placements/{placement_id}/consent"
    sent = post_form(student, f"{consent}?purpose=final", consent, purpose="final", agree="y")
    assert sent.status_code == 302, html_of(sent)
    path = last_link(app, email)
    answer = {f"criterion_{cid}": 4 for cid in ensure_rubric(app)}
    supervisor = app.test_client()
    response = supervisor_post(supervisor, path, "/evaluation", comments=SCRIPT, **answer)
    assert response.status_code == 302, html_of(response)
    shown_escaped(html_of(supervisor.get(path)), SCRIPT)
    return path, placement_id


def finish(app: Flask, plan_id: int) -> None:
    """Set-up: the required hours verified, a midterm evaluation, the plan sent for sign-off."""
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        placement = plan.placements[0]
        for day in range(6):
            placement.hour_entries.append(
                HourEntry(
                    work_date=plan.term.starts_on + timedelta(days=day),
                    hours=Decimal("7.5"),
                    description="Analysed the survey data.",
                    status=HourStatus.verified,
                )
            )
        placement.evaluations.append(
            Evaluation(kind=LinkPurpose.midterm, scores=SCORES, comments="On track.")
        )
        plan.reflection = REFLECTION
        plan.state = PlanState.awaiting_signoff
        db.session.commit()


def issue(app: Flask, student_id: int, registrar_id: int) -> bytes:
    """Issue an official record as the registrar's page would; return its PDF."""
    with app.test_request_context():
        document = issue_record(
            db.session.get(User, student_id), by=db.session.get(User, registrar_id)
        )
        db.session.commit()
        return db.session.get(RecordDocument, document.id).content


def test_a_supervisors_script_comment_is_inert_everywhere(
    app: Flask, make: Factory, login_as
) -> None:
    student, sponsor = login_as("student"), login_as("faculty")
    advisor, registrar, admin = login_as("advisor"), login_as("registrar"), login_as("admin")
    desk = Desk(
        app=app,
        make=make,
        registrar=registrar,
        student=student,
        sponsor=sponsor,
        term_id=make.term("2027SP", hours_per_credit=45),
        alice=user_id(app, "alice"),
        fkim=user_id(app, "fkim"),
        rlopez=user_id(app, "rlopez"),
    )
    desk.student_number(desk.alice, "900100001")
    plan_id = make.plan(
        desk.alice, PlanState.approved, term_id=desk.term_id, sponsor_id=desk.fkim, credits=1
    )
    plan_page = f"/plans/{plan_id}"

    # In through the supervisor's page, stored exactly.
    _, placement_id = evaluate(app, student, plan_id)
    with app.app_context():
        stored = db.session.scalar(
            select(Evaluation.comments).where(
                Evaluation.placement_id == placement_id, Evaluation.kind == LinkPurpose.final
            )
        )
    assert stored == SCRIPT

    # The plan page of everyone who reads it.
    for client in (student, sponsor, advisor, registrar, admin):
        shown_escaped(html_of(client.get(plan_page)), SCRIPT)

    # The sponsor's sign-off summary, then the sign-off itself (with the same comment).
    finish(app, plan_id)
    shown_escaped(html_of(sponsor.get(f"/signoff/{plan_id}")), SCRIPT)
    signed = review(sponsor, plan_id, grade="S", credits="1", comment=SCRIPT)
    assert signed.status_code == 302, html_of(signed)
    shown_escaped(html_of(sponsor.get(f"/signoff/{plan_id}")), SCRIPT)
    shown_escaped(html_of(sponsor.get(plan_page)), SCRIPT)

    # The grade roll has no comments; students named like the comment and like a formula.
    scripted = desk.signed_off(desk.other_student(SCRIPT), grade="S")
    formula = desk.signed_off(desk.other_student(FORMULA), grade="S")
    assert desk.export().status_code == 302
    export = desk.latest_export()
    rows = {row["plan_id"]: row for row in csv_rows(export.content)}
    assert rows[str(scripted)]["student_name"] == SCRIPT  # data, exactly as named
    assert rows[str(formula)]["student_name"] == "'" + FORMULA  # never run as a formula
    download = registrar.get(f"/registrar/exports/{export.id}/download")
    assert download.content_type.startswith("text/csv")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    shown_escaped(html_of(registrar.get(f"/registrar/exports/{export.id}")), SCRIPT)

    # Posted: the student now sees the sponsor's comment; the record is issued.
    assert desk.post(export.id).status_code == 302
    shown_escaped(html_of(student.get(plan_page)), SCRIPT)
    for owner in (desk.alice, student_of(app, scripted)):
        pdf = issue(app, owner, desk.rlopez)
        assert SCRIPT in " ".join(text_of(pdf).split())  # literally, as text
        assert active_parts(pdf) == set()
    unofficial = student.get("/records/mine/unofficial.pdf")
    assert unofficial.status_code == 200
    assert SCRIPT in " ".join(text_of(unofficial.data).split())
    assert active_parts(unofficial.data) == set()

    # Where the comment and the name travel on: record pages, verification, e-mail, audit log.
    with app.app_context():
        documents = db.session.scalars(select(RecordDocument)).all()
        codes = [(d.id, d.code, d.student_id) for d in documents]
    for document_id, code, owner in codes:
        record_page = html_of(registrar.get(f"/records/documents/{document_id}"))
        verify_page = html_of(app.test_client().get(f"/verify/{code}"))
        if owner == desk.alice:
            inert(record_page, SCRIPT)
            inert(verify_page, SCRIPT)
        else:
            shown_escaped(record_page, SCRIPT)
            shown_escaped(verify_page, SCRIPT)
    shown_escaped(html_of(registrar.get("/records/", query_string={"q": "script"})), SCRIPT)
    inert(html_of(admin.get("/admin/outbox")), SCRIPT)
    audit = html_of(registrar.get("/admin/audit", query_string={"action": "plan.sign_off"}))
    shown_escaped(audit, SCRIPT)


def student_of(app: Flask, plan_id: int) -> int:
    with app.app_context():
        return db.session.get(CreditPlan, plan_id).student_id
