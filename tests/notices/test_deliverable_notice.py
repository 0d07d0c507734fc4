"""The student hears when the supervisor accepts a deliverable or asks for a revision."""

from __future__ import annotations

from tests.deliverables.conftest import PDF, Case, app, case, sponsor, upload_dir
from tests.deliverables.test_review import review
from tests.notices.conftest import address, mails
from tests.supervisors.conftest import add_entries

__all__ = ["app", "case", "sponsor", "upload_dir"]  # the deliverables' fixtures, used here too


def test_a_review_is_told_to_the_student(case: Case) -> None:
    assert case.upload("report.pdf", PDF, title="Client report").status_code == 302
    report = case.deliverable().id
    assert case.upload("chart.pdf", PDF, title="Dashboard").status_code == 302
    dashboard = case.deliverable().id
    add_entries(case.app, case.placement_id, "2")  # an hours link needs hours to verify
    path = case.supervisor_link()
    supervisor = case.app.test_client()
    assert review(supervisor, path, report, action="accept").status_code == 302
    asked = review(supervisor, path, dashboard, action="revision", comment="Label the axes.")
    assert asked.status_code == 302

    accepted, revision = mails(case.app, address("alice"))
    assert accepted.subject == 'Your supervisor accepted "Client report"'
    assert f"/plans/{case.plan_id}" in accepted.body
    assert revision.subject == 'Your supervisor asked for a revision of "Dashboard"'
    assert "Label the axes." in revision.body
    assert "Hand in a revised version" in revision.body
    page = case.student.get("/notices").get_data(as_text=True)
    assert page.index("Dashboard") < page.index("Client report")  # newest first
