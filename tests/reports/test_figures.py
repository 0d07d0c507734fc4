"""Every figure of the known term (tests/reports/conftest.py) against a hand count.

Each figure is read back where a person reads it: the table beneath the chart
on the page, the chart's CSV file, and the term report PDF.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.reports.conftest import KnownTerm
from tests.reports.pages import table

TERM = "first=2027SP&last=2027SP"

#: view → chart → the table a person counted by hand (header first).
HAND_COUNT: dict[str, dict[str, list[list[str]]]] = {
    "plans": {
        "states": [
            [
                "Term",
                "Draft",
                "Under review",
                "Approved, under way",
                "Signed off",
                "Posted",
                "Rejected",
                "Withdrawn",
            ],
            ["2027SP", "1", "1", "1", "0", "2", "1", "1"],
        ],
        "funnel": [
            ["Step", "Plans"],
            ["Submitted", "6"],
            ["Approved", "3"],
            ["Signed off", "2"],
            ["Posted", "2"],
        ],
        "rates": [
            [
                "Term",
                "Submitted",
                "Approved",
                "Signed off",
                "Posted",
                "Withdrawn",
                "Withdrawn %",
                "Rejected",
                "Rejected %",
            ],
            ["2027SP", "6", "3", "2", "2", "1", "16.7", "1", "16.7"],
        ],
    },
    "credits": {
        "credits": [["Term", "Credits approved", "Credits posted"], ["2027SP", "6", "3"]],
        "students": [["Term", "Students"], ["2027SP", "2"]],
    },
    "employers": {
        "employers-placements": [
            ["Employer", "Placements"],
            ["Acme Analytics", "2"],
            ["Birch Bank", "1"],
        ],
        "employers-hours": [
            ["Employer", "Hours verified"],
            ["Acme Analytics", "90.00"],
            ["Birch Bank", "45.00"],
        ],
        "employers-new": [["Term", "New employers"], ["2027SP", "1"]],
    },
    "times": {
        "decision": [
            ["Term", "Median hours", "90th percentile hours", "Count"],
            ["2027SP", "24.0", "48.0", "4"],
        ],
        "signoff": [
            ["Term", "Median hours", "90th percentile hours", "Count"],
            ["2027SP", "120.0", "120.0", "1"],
        ],
        "response": [
            ["Term", "Median hours", "90th percentile hours", "Count"],
            ["2027SP", "4.0", "72.0", "3"],
        ],
        "slowest": [
            ["Supervisor", "Answers", "Median hours", "90th percentile hours"],
            ["slow@acme.example", "1", "72.0", "72.0"],
            ["quick@birch.example", "2", "2.0", "4.0"],
        ],
    },
    "departments": {
        "departments": [
            ["Department", "Submitted", "Posted"],
            ["Department not known", "5", "1"],
            ["Department of BUS", "1", "1"],
        ],
    },
}


def _page_table(page: str, key: str) -> list[list[str]]:
    return table(page, f"table-{key}")


def _csv(client: FlaskClient, view: str, key: str) -> list[list[str]]:
    response = client.get(f"/reports/chart.csv?view={view}&chart={key}&{TERM}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{key}-2027SP.csv"'
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


CASES = [(view, key) for view, charts in HAND_COUNT.items() for key in charts]


@pytest.mark.parametrize(("view", "key"), CASES)
def test_page_and_csv_show_the_hand_count(
    known: KnownTerm, login_as: Callable[[str], FlaskClient], view: str, key: str
) -> None:
    client = login_as("registrar")
    page = client.get(f"/reports/?view={view}&{TERM}")
    assert page.status_code == 200
    expected = HAND_COUNT[view][key]
    assert _page_table(page.get_data(as_text=True), key) == expected
    assert _csv(client, view, key) == expected


def test_hours_per_week(known: KnownTerm, login_as: Callable[[str], FlaskClient]) -> None:
    client = login_as("advisor")
    page = client.get(f"/reports/?view=hours&{TERM}").get_data(as_text=True)
    rows = _page_table(page, "weeks")
    assert rows[0] == ["Week", "Hours logged", "Hours verified"]
    # p1: 18 five-hour days, p2: 9, from the term's first day; p7: 4 hours on day 8.
    assert rows[1:4] == [["1", "70.00", "70.00"], ["2", "49.00", "45.00"], ["3", "20.00", "20.00"]]
    assert {tuple(r[1:]) for r in rows[4:]} == {("0", "0")}
    assert _csv(client, "hours", "weeks") == rows


def test_a_range_of_terms_adds_the_older_term(
    known: KnownTerm, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("admin")
    page = client.get("/reports/?view=credits&first=2026FA&last=2027SP").get_data(as_text=True)
    assert _page_table(page, "credits")[1:] == [["2026FA", "1", "1"], ["2027SP", "6", "3"]]
    assert _page_table(page, "students")[1:] == [["2026FA", "1"], ["2027SP", "2"]]


def test_the_term_report_pdf_carries_the_same_figures(
    known: KnownTerm, login_as: Callable[[str], FlaskClient]
) -> None:
    response = login_as("registrar").get(f"/reports/term.pdf?{TERM}")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    metadata = PdfReader(io.BytesIO(response.data)).metadata
    assert metadata is not None
    assert metadata.title == "CareerCredit term report 2027SP"
    # pdftotext -layout keeps each table row on one line.
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Term report: 2027SP — Test term" in lines
    for view, charts in HAND_COUNT.items():
        for key, rows in charts.items():
            for row in rows[1:]:
                assert " ".join(row) in lines, (view, key, row)


def test_no_student_is_named(known: KnownTerm, login_as: Callable[[str], FlaskClient]) -> None:
    client = login_as("advisor")
    for view in HAND_COUNT:
        page = client.get(f"/reports/?view={view}&{TERM}").get_data(as_text=True)
        assert "Reportstudent" not in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("first=NOPE&last=2027SP", "first", "Choose a term from the list."),
        ("first=2027SP&last=2026FA", "last", "Choose a last term on or after the first."),
    ],
)
def test_a_wrong_term_choice_is_shown_on_the_form(
    known: KnownTerm,
    login_as: Callable[[str], FlaskClient],
    query: str,
    field: str,
    message: str,
) -> None:
    response = login_as("registrar").get(f"/reports/?view=plans&{query}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}</p>' in page
    assert re.search(f'<select[^>]*aria-invalid="true"[^>]*id="{field}"', page)


def test_an_unknown_view_or_chart_is_not_found(
    known: KnownTerm, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("registrar")
    assert client.get("/reports/?view=nope").status_code == 404
    assert client.get(f"/reports/chart.csv?view=plans&chart=nope&{TERM}").status_code == 404


def test_the_charts_draw_the_same_numbers_without_script_or_style(
    known: KnownTerm, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("registrar")
    page = client.get(f"/reports/?view=plans&{TERM}").get_data(as_text=True)
    svg = page[page.index("<svg") : page.rindex("</svg>")]
    for state, count in (("Draft", 1), ("Under review", 1), ("Posted", 2), ("Withdrawn", 1)):
        assert f"<title>2027SP, {state}: {count}</title>" in svg
    assert "Signed off: 0" not in svg  # an empty segment is not drawn
    assert "<title>Submitted: 6</title>" in svg
    assert 'role="img" aria-labelledby="chart-states-title chart-states-desc"' in svg
    for forbidden in ("<script", "<style", "style=", "<foreignObject"):
        assert forbidden not in svg
    times = client.get(f"/reports/?view=times&{TERM}").get_data(as_text=True)
    assert "<title>2027SP, Median hours: 24</title>" in times
    assert "<title>2027SP, 90th percentile hours: 48</title>" in times


def test_without_terms_the_page_says_so(login_as: Callable[[str], FlaskClient]) -> None:
    response = login_as("advisor").get("/reports/")
    assert response.status_code == 200
    assert "No term yet." in response.get_data(as_text=True)
