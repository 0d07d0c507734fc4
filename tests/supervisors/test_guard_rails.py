"""Requests a supervisor could not answer are not sent: no hours to verify, a late midterm."""

from __future__ import annotations

from html import unescape

from careercredit.extensions import db
from careercredit.models import CreditPlan, Evaluation, HourStatus, LinkPurpose
from tests.plans.conftest import outbox, post_form
from tests.supervisors.conftest import Case, add_entries
from tests.supervisors.test_sending import links


def _page(case: Case, path: str | None = None) -> str:
    return unescape(case.student.get(path or case.plan_page).get_data(as_text=True))


def test_no_hours_link_is_sent_without_hours_to_verify(case: Case) -> None:
    page = _page(case)
    assert "wait for verification. Log hours first" in page
    assert "Send hour verification request" not in page

    response = post_form(case.student, case.plan_page, case.send_url(), purpose="hours")
    assert response.status_code == 302
    assert "Log hours first" in _page(case, response.headers["Location"])
    assert links(case) == []
    assert outbox(case.app) == []

    add_entries(case.app, case.placement_id, "3")
    assert "Send hour verification request" in _page(case)


def test_verified_hours_alone_give_nothing_to_verify(case: Case) -> None:
    add_entries(case.app, case.placement_id, "3")
    case.link("hours")
    with case.app.app_context():
        placement = db.session.get(CreditPlan, case.plan_id).placements[0]
        for entry in placement.hour_entries:
            entry.status = HourStatus.verified
        db.session.commit()
    response = post_form(case.student, case.plan_page, case.send_url(), purpose="hours")
    assert "Log hours first" in _page(case, response.headers["Location"])
    assert len(links(case)) == 1


def test_no_midterm_request_after_the_final_evaluation(case: Case) -> None:
    case.link("hours")  # the student agreed to share with the supervisor
    assert "Send midterm evaluation request" in _page(case)
    with case.app.app_context():
        db.session.add(
            Evaluation(
                placement_id=case.placement_id,
                kind=LinkPurpose.final,
                scores={},
                comments="Done well.",
            )
        )
        db.session.commit()
    assert "end midterm evaluation request" not in _page(case)
    response = post_form(case.student, case.plan_page, case.send_url(), purpose="midterm")
    assert "a midterm evaluation is no longer asked for" in _page(
        case, response.headers["Location"]
    )
    assert [link.purpose for link in links(case)] == [LinkPurpose.hours]
