"""The term report PDF keeps each chart's heading, words and table on one page."""

from __future__ import annotations

import io
from datetime import date
from itertools import pairwise

from flask import Flask
from pypdf import PdfReader

from careercredit.reports.charts import Chart, Kind
from careercredit.reports.figures import TermRow
from careercredit.reports.pdf import build_term_report


def _chart(number: int, rows: int) -> Chart:
    return Chart(
        key=f"chart-{number}",
        title=f"Chart number {number}",
        description="Bars: plans of each department, the longest first.",
        kind=Kind.bars,
        category="Department",
        series=("Plans",),
        rows=tuple((f"Department {number}-{row}", (row + 1,)) for row in range(rows)),
    )


def test_a_section_that_does_not_fit_starts_on_the_next_page(app: Flask) -> None:
    # Sections of 12 to 30 rows: several cannot finish on the page where the last one ended.
    charts = [_chart(number, 12 + 6 * (number % 4)) for number in range(9)]
    term = TermRow(1, "2027SP", "Spring 2027", date(2027, 1, 11), date(2027, 5, 7))
    with app.app_context():
        data = build_term_report(term, charts, made_on=date(2027, 3, 1))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) > 2
    for chart in charts:
        holding = [i for i, text in enumerate(pages) if f"Chart number {chart.key[6:]}\n" in text]
        assert len(holding) == 1, chart.title
        page = pages[holding[0]]
        lines = [line.strip() for line in page.splitlines()]
        cells = set(pairwise(lines))  # a row's label, then its figure
        # Its words and every one of its rows are on the page of its heading.
        assert chart.description in lines
        assert all((label, str(values[0])) in cells for label, values in chart.rows), chart.title
