"""Each report view, and the term report PDF, is a dozen queries at most, however many plans."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from careercredit.reports.views import VIEWS
from tests.conftest import login
from tests.reports.conftest import KnownTerm

#: The issue's budget per report view (the person, their roles and the menu included).
MOST = 12


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_report_view_stays_within_its_query_budget(
    known: KnownTerm, make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    monkeypatch.setenv("CAREERCREDIT_BENCH_COUNT_QUERIES", "1")
    client = make_app().test_client()
    login(client, "rlopez")
    response = client.get(f"/reports/?view={view}&first=2026FA&last=2027SP")
    assert response.status_code == 200
    assert int(response.headers["X-Query-Count"]) <= MOST


def test_the_term_report_pdf_stays_within_the_budget(
    known: KnownTerm, make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERCREDIT_BENCH_COUNT_QUERIES", "1")
    client = make_app().test_client()
    login(client, "rlopez")
    response = client.get("/reports/term.pdf?first=2027SP&last=2027SP")
    assert response.status_code == 200
    assert int(response.headers["X-Query-Count"]) <= MOST
