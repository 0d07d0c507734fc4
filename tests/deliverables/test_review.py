"""Through the pages: upload, the supervisor reviews, a new version, the sponsor sees it all."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import AuditEvent, DeliverableStatus, PlanState
from tests.conftest import csrf_token, login
from tests.deliverables.conftest import PDF, PNG, Case, make_case


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def review(supervisor: FlaskClient, path: str, deliverable_id: int, **data: str):
    form = {"csrf_token": csrf_token(supervisor, path), **data}
    return supervisor.post(f"{path}/deliverables/{deliverable_id}/review", data=form)


def test_upload_review_revise_and_the_sponsor_sees_the_history(
    case: Case, sponsor: FlaskClient
) -> None:
    assert case.upload("report.pdf", PDF, title="Client report").status_code == 302
    report = case.deliverable().id
    assert case.upload("chart.png", PNG, title="Dashboard").status_code == 302
    dashboard = case.deliverable().id

    path = case.supervisor_link()
    supervisor = case.app.test_client()
    page = text(supervisor.get(path))
    assert "Client report" in page
    assert "Dashboard" in page
    assert f"{path}/deliverables/{report}" in page

    assert review(supervisor, path, report, action="accept").status_code == 302
    missing = review(supervisor, path, dashboard, action="revision", comment="")
    assert missing.status_code == 422
    assert "Say what needs to change" in text(missing)
    asked = review(supervisor, path, dashboard, action="revision", comment="Label the axes.")
    assert asked.status_code == 302
    assert case.deliverable(report).status == DeliverableStatus.accepted
    old = case.deliverable(dashboard)
    assert old.status == DeliverableStatus.revision_requested
    assert old.review_comment == "Label the axes."
    assert old.reviewed_via_id is not None
    with case.app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("deliverable.%")).order_by("id")
        ).all()
        reviews = [(e.action, e.actor_id, e.details["link_id"]) for e in events[2:]]
    assert [a for a, *_ in reviews] == ["deliverable.accept", "deliverable.request_revision"]
    assert all(actor is None and link for _, actor, link in reviews)

    plan_page = text(case.student.get(case.plan_page))
    assert "Revision requested" in plan_page
    assert "Label the axes." in plan_page
    revise = f"/plans/{case.plan_id}/deliverables/{dashboard}/revise"
    assert revise in plan_page
    assert case.upload("chart-v2.png", PNG + b"v2", url=revise).status_code == 302
    new = case.deliverable()
    assert (new.title, new.version, new.supersedes_id) == ("Dashboard", 2, dashboard)
    assert case.upload("again.png", PNG, url=revise).status_code == 422
    assert case.rows() == 3
    assert len(case.stored()) == 3

    # The supervisor sees only the newest version of each.
    page = text(supervisor.get(path))
    assert "chart-v2.png" in page
    assert "chart.png" not in page

    for response in (sponsor.get(case.plan_page), sponsor.get(f"/signoff/{case.plan_id}")):
        assert response.status_code == 200
        page = text(response)
        assert "Client report" in page
        assert "Accepted" in page
        assert "Dashboard" in page
        assert "version 2" in page
        assert "version 1" in page
        assert "Earlier versions" in page
        assert "Label the axes." in page
        assert "chart.png" in page
        assert "chart-v2.png" in page
        assert f"/deliverables/{dashboard}/download" in page


def test_download_headers(case: Case, sponsor: FlaskClient) -> None:
    case.upload("Rapport final été.pdf", PDF)
    row = case.deliverable()
    for client in (case.student, sponsor):
        response = client.get(f"/deliverables/{row.id}/download")
        assert response.status_code == 200
        assert response.data == PDF
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''Rapport%20final%20%C3%A9t%C3%A9.pdf" in disposition
        response.close()


def test_a_file_named_like_another_type_downloads_with_its_real_extension(case: Case) -> None:
    case.upload("picture.html", PNG)
    row = case.deliverable()
    response = case.student.get(f"/deliverables/{row.id}/download")
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=picture.html.png"
    response.close()


def test_another_student_and_strangers_get_404(case: Case, app, make, upload_dir) -> None:
    case.upload()
    row = case.deliverable()
    other = app.test_client()
    assert login(other, "jnunez").status_code == 302
    assert other.get(f"/deliverables/{row.id}/download").status_code == 404
    assert other.get(case.new_url).status_code == 404
    assert other.get(f"/plans/{case.plan_id}/deliverables/{row.id}/revise").status_code == 404
    assert app.test_client().get(f"/deliverables/{row.id}/download").status_code == 302


def test_a_link_for_one_placement_cannot_reach_another(case: Case, app, make, upload_dir) -> None:
    second = make_case(app, make, case.student, "alice", upload_dir)
    assert second.upload("theirs.pdf", PDF, title="Other work").status_code == 302
    other = second.deliverable()
    assert case.upload("mine.pdf", PDF, title="My work").status_code == 302
    path = case.supervisor_link()
    supervisor = app.test_client()
    assert "Other work" not in text(supervisor.get(path))
    assert supervisor.get(f"{path}/deliverables/{other.id}").status_code == 404
    response = review(supervisor, path, other.id, action="accept")
    assert response.status_code == 404
    assert second.deliverable(other.id).status == DeliverableStatus.submitted
    # A bad token reaches nothing either.
    assert supervisor.get(f"/s/forged/deliverables/{other.id}").status_code == 404


def test_the_supervisor_downloads_through_the_link(case: Case) -> None:
    case.upload("report.pdf", PDF)
    row = case.deliverable()
    path = case.supervisor_link()
    supervisor = case.app.test_client()
    response = supervisor.get(f"{path}/deliverables/{row.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    assert re.search(r"report\.pdf", text(supervisor.get(path)))


def test_no_review_after_the_plan_leaves_progress(case: Case) -> None:
    from careercredit.models import CreditPlan

    case.upload()
    row = case.deliverable()
    path = case.supervisor_link()
    supervisor = case.app.test_client()
    token = csrf_token(supervisor, path)
    with case.app.app_context():
        db.session.get(CreditPlan, case.plan_id).state = PlanState.awaiting_signoff
        db.session.commit()
    response = supervisor.post(
        f"{path}/deliverables/{row.id}/review", data={"csrf_token": token, "action": "accept"}
    )
    assert response.status_code == 404
    assert case.deliverable(row.id).status == DeliverableStatus.submitted
