"""A placement's disclosure history: who received what from the student's record, and when."""

from __future__ import annotations

from careercredit.models import PlanState, Role
from tests.conftest import user_id
from tests.supervisors.conftest import Case, add_entries, events


def test_the_history_lists_every_opening(case: Case, login_as) -> None:
    add_entries(case.app, case.placement_id, "2", "3")
    path = case.link("hours")
    supervisor = case.app.test_client()
    supervisor.get(path, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    supervisor.get(path, environ_base={"REMOTE_ADDR": "203.0.113.10"})
    history = f"/plans/{case.plan_id}/placements/{case.placement_id}/disclosures"

    plan_page = case.student.get(case.plan_page).get_data(as_text=True)
    assert f'href="{history}"' in plan_page
    response = case.student.get(history)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count(case.supervisor_email) == 2
    assert "203.0.113.9" in page
    assert "203.0.113.10" in page
    assert "2 hour entries" in page
    assert "verifies the student&#39;s hours" in page
    assert page.index("203.0.113.10") < page.index("203.0.113.9")  # newest first
    assert events(case.app, "placement.disclosures_view") == []  # the student's own record

    advisor = login_as("advisor")
    assert advisor.get(history).status_code == 200
    (view,) = events(case.app, "placement.disclosures_view")
    assert view.actor_id == user_id(case.app, "adavis")
    assert view.object_id == str(case.placement_id)


def test_an_empty_history_says_so(case: Case) -> None:
    history = f"/plans/{case.plan_id}/placements/{case.placement_id}/disclosures"
    page = case.student.get(history).get_data(as_text=True)
    assert "Nothing has been disclosed yet" in page


def test_the_sponsor_sees_evaluations_but_not_the_history(case: Case, login_as) -> None:
    sponsor = login_as("faculty")
    case.make.user("fkim", Role.faculty)
    plan_id = case.make.plan(
        user_id(case.app, "alice"), PlanState.in_progress, sponsor_id=user_id(case.app, "fkim")
    )
    page = sponsor.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Supervisors: hours and evaluations" in page
    assert "Disclosure history" not in page
    assert "Send hour verification request" not in page
