"""Long lists: pages found by id, counts that stop at a limit, text searches counted as read."""

from __future__ import annotations

import pytest
from flask import Flask

from careercredit import pagination
from careercredit.models import PlanState, Role


def _submitted_plans(app: Flask, make, count: int) -> None:
    term = make.term()
    project = make.project()
    sponsor = make.user(None, Role.faculty)
    for _ in range(count):
        student = make.user(None, Role.student)
        make.plan(
            student, PlanState.submitted, term_id=term, sponsor_id=sponsor, project_ids=[project]
        )


def test_a_long_list_is_counted_only_up_to_a_limit(
    app: Flask, login_as, make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 10)
    _submitted_plans(app, make, 30)
    advisor = login_as("advisor")
    first = advisor.get("/plans/queue").get_data(as_text=True)
    assert "more than 10 plans in the queue" in first
    assert 'rel="next"' in first
    assert first.count("/plans/") >= 25
    last = advisor.get("/plans/queue?page=2").get_data(as_text=True)
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last
    assert "Page 2 of" in last


def test_a_short_list_is_counted_exactly(app: Flask, login_as, make) -> None:
    _submitted_plans(app, make, 27)
    advisor = login_as("advisor")
    page = advisor.get("/plans/queue?page=2").get_data(as_text=True)
    assert "27 plans in the queue" in page
    assert "Page 2 of 2" in page


def test_a_page_past_the_end_is_empty(app: Flask, login_as, make) -> None:
    _submitted_plans(app, make, 3)
    response = login_as("advisor").get("/plans/queue?page=500")
    assert response.status_code == 200
    assert "3 plans in the queue" in response.get_data(as_text=True)


def test_a_text_search_counts_only_what_its_page_read(app: Flask, login_as, make) -> None:
    employer = make.employer("Harbor Analytics")
    for n in range(30):
        make.project(employer, title=f"Survey {n:02d}")
    advisor = login_as("advisor")
    first = advisor.get("/catalogue/projects?q=survey").get_data(as_text=True)
    assert "(more than 25 in all)" in first
    assert 'rel="next"' in first
    last = advisor.get("/catalogue/projects?q=survey&page=2").get_data(as_text=True)
    assert "Page 2 of 2 (30 in all)" in last
    beyond = advisor.get("/catalogue/projects?q=survey&page=9").get_data(as_text=True)
    assert "Page 2 of 2 (30 in all)" in beyond
