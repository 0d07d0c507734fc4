"""The term report: one term's figures on a few pages, for a dean.

A pure function like the builders in ``careercredit/pdf``: charts in, bytes
out, in the records' fonts. Each chart is printed as its table — the same
rows the page draws and the CSV files hold — with a bar for each figure of
its first series, so the numbers on paper are the numbers on screen.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from careercredit.pdf.fonts import register_fonts
from careercredit.reports.charts import PALETTE, Chart, Kind
from careercredit.reports.figures import TermRow

#: Width of the longest bar beside a table's rows.
BAR_WIDTH = 40 * mm
#: The text width of an A4 page with 18 mm margins, and the label column's share.
WIDTH = 174 * mm
LABEL_WIDTH = 50 * mm
#: A cell's left and right padding, and the height of a bar.
PADDING = 3
BAR_HEIGHT = 8


class Bar(Flowable):
    """A filled bar of a given width, drawn beside a table's row."""

    def __init__(self, width: float) -> None:
        super().__init__()
        self.width, self.height = width, BAR_HEIGHT

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(colors.HexColor(PALETTE[0]))
        self.canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)


def _styles(font: str, bold: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4),
        "heading": ParagraphStyle(
            "heading", fontName=bold, fontSize=12, leading=15, spaceBefore=10
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=12, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10),
    }


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _fitted(text: str, style: ParagraphStyle, width: float) -> object:
    """``text`` as a plain cell when it fits on one line of ``width``, else a wrapping paragraph.

    A paragraph is parsed as markup and laid out line by line; most labels
    and headings fit, and a plain cell of the same font costs far less.
    """
    if stringWidth(text, style.fontName, style.fontSize) <= width - 2 * PADDING:
        return text
    return Paragraph(escape(text), style)


def _table(chart: Chart, font: str, bold: str, cell: ParagraphStyle) -> Table:
    rows = chart.table_rows()
    # A bar beside each row where there is one figure to draw (and room for it).
    drawn = chart.kind in {Kind.bars, Kind.lines} and len(chart.drawn_series) == 1
    figures = [float(values[0] or 0) for _, values in chart.rows]
    top = max(figures, default=0) if drawn else 0
    wide = len(chart.header) > 4
    # The label column is wide enough for an employer's name; the figures share the rest.
    label = 18 * mm if wide else LABEL_WIDTH
    rest = WIDTH - label - (BAR_WIDTH + 2 * mm if top else 0)
    widths = [label] + [rest / (len(chart.header) - 1)] * (len(chart.header) - 1)
    # Wide tables (a column per state) get smaller headings, so words are not broken.
    heading = 7 if wide else 8
    head = ParagraphStyle("head", parent=cell, fontName=bold, alignment=2, fontSize=heading)
    first = ParagraphStyle("first", parent=cell, fontName=bold)
    data: list[list[object]] = [
        [_fitted(chart.header[0], first, widths[0])]
        + [
            _fitted(name, head, width)
            for name, width in zip(chart.header[1:], widths[1:], strict=True)
        ]
        + ([""] if top else [])
    ]
    for row, figure in zip(rows, figures, strict=True):
        cells: list[object] = [_fitted(_cell(row[0]), cell, label), *map(_cell, row[1:])]
        if top:
            cells.append(Bar(max(figure / top * BAR_WIDTH, 0.5)))
        data.append(cells)
    table = Table(
        data, colWidths=widths + ([BAR_WIDTH + 2 * mm] if top else []), repeatRows=1, hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LEADING", (0, 0), (-1, -1), 10),
                ("FONTSIZE", (1, 0), (-1, 0), heading),
                ("ALIGN", (1, 0), (len(chart.header) - 1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table


def _together(section: list[Flowable]) -> list[Flowable]:
    """``section`` on one page: a new page first if what is left of this one is too short.

    What ``KeepTogether`` does for a section that fits on a page, for less:
    it copies the page's frame for each section and splits itself to place
    its parts, 6 % of the report's Python calls more than this. A section
    longer than a page starts a page and goes on over the next (its table
    repeats its heading).
    """
    height = sum(f.wrap(WIDTH, 10**6)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in section)
    return [CondPageBreak(height), *section]


def build_term_report(term: TermRow, charts: Sequence[Chart], *, made_on: date) -> bytes:
    """The term report of ``term``: a section per chart, its description and its numbers."""
    font, bold = register_fonts()
    styles = _styles(font, bold)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"CareerCredit term report {term.code}",
        author="CareerCredit",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    story: list[Flowable] = [
        Paragraph(escape(f"Term report: {term.code} — {term.name}"), styles["title"]),
        Paragraph(
            escape(
                f"{term.starts_on.isoformat()} to {term.ends_on.isoformat()}; "
                f"figures as of {made_on.isoformat()}."
            ),
            styles["body"],
        ),
    ]
    for chart in charts:
        if not chart.rows:
            continue
        section: list[Flowable] = [
            Paragraph(escape(chart.title), styles["heading"]),
            Paragraph(escape(chart.description), styles["body"]),
            _table(chart, font, bold, styles["cell"]),
            Spacer(1, 4 * mm),
        ]
        story.extend(_together(section))
    doc.build(story)
    return out.getvalue()
