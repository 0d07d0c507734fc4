"""The student hears of disputed hours and evaluations; the supervisor of corrected entries."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from careercredit import clock
from careercredit.models import HourStatus
from tests.hours.pages import edit
from tests.notices.conftest import address, mails
from tests.supervisors.conftest import Case, add_entries, case, entry, rubric, supervisor_post
from tests.supervisors.test_evaluations import full_answer

__all__ = ["case", "rubric"]  # the supervisors' fixtures, used here too

REASON = "She worked 4 hours that day, not 6."


def _dispute(case: Case, path: str, entry_id: int, reason: str = REASON) -> None:
    supervisor = case.app.test_client()
    response = supervisor_post(
        supervisor, path, "/hours", action="dispute", entry_id=entry_id, comment=reason
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _page(client: FlaskClient, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def test_disputed_hours_are_told_to_the_student(case: Case) -> None:
    (entry_id,) = add_entries(case.app, case.placement_id, "6")
    _dispute(case, case.link("hours"), entry_id)

    (mail,) = mails(case.app, address("alice"))
    assert mail.subject.startswith("Your supervisor disputed hours on")
    assert "disputed the 6 hours you logged" in mail.body
    assert REASON in mail.body
    assert f"/plans/{case.plan_id}" in mail.body
    notices = _page(case.student, "/notices")
    assert "Your supervisor disputed 6 hours" in notices
    assert "Notices (1 unread)" in notices


def test_an_evaluation_is_told_to_the_student(case: Case) -> None:
    path = case.link("final")
    supervisor = case.app.test_client()
    response = supervisor_post(supervisor, path, "/evaluation", **full_answer(case.app))
    assert response.status_code == 302
    (mail,) = mails(case.app, address("alice"))
    assert mail.subject.startswith("Your supervisor sent the final evaluation for")
    assert "Your faculty sponsor reads it" in mail.body
    assert "Your supervisor sent the final evaluation" in _page(case.student, "/notices")


def test_corrected_entries_reach_the_supervisor_once_a_day(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = add_entries(case.app, case.placement_id, "6", "5")
    path = case.link("hours")
    for entry_id in (first, second):
        _dispute(case, path, entry_id)
    before = len(mails(case.app, case.supervisor_email))
    for entry_id, hours in ((first, "4"), (second, "4.5")):
        assert edit(case.student, case.plan_id, entry_id, hours=hours).status_code == 302
        assert entry(case.app, entry_id).status == HourStatus.submitted
    # Nothing at once: the corrections wait for the day's digest.
    assert len(mails(case.app, case.supervisor_email)) == before

    runner = case.app.test_cli_runner()
    result = runner.invoke(args=["notices", "digest"])
    assert result.exit_code == 0, result.output
    assert "queued 1 digest(s) listing 2 notice(s)" in result.output
    digest = mails(case.app, case.supervisor_email)[before:]
    assert len(digest) == 1
    assert digest[0].subject.startswith("CareerCredit: 2 notices for")
    assert "Alice Student corrected the 4 hours" in digest[0].body
    assert "Alice Student corrected the 4.5 hours" in digest[0].body
    assert path in digest[0].body  # the link they already have, to verify again

    # Another correction the same day waits for tomorrow, however often cron runs.
    _dispute(case, path, first)
    assert edit(case.student, case.plan_id, first, hours="3").status_code == 302
    again = runner.invoke(args=["notices", "digest"])
    assert "queued 0 digest(s)" in again.output
    assert "1 address(es) already had today's digest" in again.output
    assert len(mails(case.app, case.supervisor_email)) == before + 1

    tomorrow = clock.now() + timedelta(days=1)
    monkeypatch.setattr(clock, "system_time", lambda: tomorrow)
    runner.invoke(args=["notices", "digest"])
    latest = mails(case.app, case.supervisor_email)[-1]
    assert latest.subject.startswith("CareerCredit: 1 notice for")
    assert "corrected the 3 hours" in latest.body
