"""The official record of posted credit: data in, PDF bytes out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from careercredit.pdf.fonts import register_fonts
from careercredit.pdf.page import FOOTER_HEIGHT, GRID, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, RecordCanvas

#: Column widths of a term table; they add up to the frame width.
COLUMNS = (32 * mm, 62 * mm, 16 * mm, 17 * mm, 15 * mm, 32 * mm)
HEADINGS = ("Course", "Placement and supervisor feedback", "Hours", "Credits", "Grade", "Sign-off")
SHADE = colors.HexColor("#e8ecf0")
DEFAULT_STATEMENT = (
    "I certify that this is a true and complete record of the academic credit earned "
    "through supervised placements, as posted by the Office of the Registrar."
)


@dataclass(frozen=True)
class Institution:
    """The issuing institution, shown in the header and as the PDF author."""

    name: str
    address_lines: Sequence[str] = ()
    logo_path: Path | str | None = None


@dataclass(frozen=True)
class Student:
    """The student the record belongs to."""

    legal_name: str
    student_id: str
    program: str


@dataclass(frozen=True)
class Placement:
    """One placement of a plan with its verified hours and the supervisor's feedback."""

    employer: str
    project: str
    verified_hours: Decimal
    feedback_summary: str = ""
    deliverables: Sequence[str] = ()  #: titles of the accepted deliverables


@dataclass(frozen=True)
class PlanRow:
    """A posted credit plan: one row of a term table."""

    course: str
    section: str
    placements: Sequence[Placement]
    verified_hours: Decimal
    credits: int
    grade: str
    sponsor_name: str
    signed_off_on: date


@dataclass(frozen=True)
class TermRecord:
    """The posted plans of one term."""

    code: str
    name: str
    plans: Sequence[PlanRow]

    @property
    def credits(self) -> int:
        return sum(plan.credits for plan in self.plans)

    @property
    def hours(self) -> Decimal:
        return sum((Decimal(plan.verified_hours) for plan in self.plans), Decimal(0))


@dataclass(frozen=True)
class RecordData:
    """Everything printed on a record; unofficial copies ignore the verification fields."""

    institution: Institution
    student: Student
    terms: Sequence[TermRecord]
    registrar_name: str
    issued_at: datetime
    verification_code: str = ""
    verification_url: str = ""
    unofficial: bool = False
    statement: str = DEFAULT_STATEMENT

    def __post_init__(self) -> None:
        if not self.unofficial and not (self.verification_code and self.verification_url):
            raise ValueError("An official record needs a verification code and URL.")

    @property
    def credits(self) -> int:
        return sum(term.credits for term in self.terms)

    @property
    def hours(self) -> Decimal:
        return sum((term.hours for term in self.terms), Decimal(0))

    @property
    def title(self) -> str:
        kind = "Unofficial copy of the record" if self.unofficial else "Official record"
        return f"{kind} of {self.student.legal_name}"


def build_record(data: RecordData) -> bytes:
    """Build the PDF record of data; the same data always gives the same bytes."""
    register_fonts()
    buffer = io.BytesIO()
    frame = Frame(
        MARGIN,
        FOOTER_HEIGHT,
        PAGE_WIDTH - 2 * MARGIN,
        PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate("record", frames=[frame])],
        title=data.title,
        author=data.institution.name,
        subject=f"Academic credit for supervised placements, student {data.student.student_id}",
        creator="CareerCredit",
        producer="CareerCredit (ReportLab)",
        lang="en",
        invariant=1,
        initialFontName=_styles().font,
    )

    def canvasmaker(*args: object, **kwargs: object) -> RecordCanvas:
        return RecordCanvas(*args, record=data, **kwargs)

    doc.build(_story(data), canvasmaker=canvasmaker)
    return buffer.getvalue()


class _Styles:
    """Paragraph styles, all set in the embedded font."""

    def __init__(self) -> None:
        self.font, self.bold = register_fonts()
        base = ParagraphStyle("base", fontName=self.font, fontSize=9, leading=12)
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=7.5, leading=9.5)
        self.cell = ParagraphStyle("cell", base, fontSize=8, leading=10)
        self.number = ParagraphStyle("number", self.cell, alignment=TA_RIGHT)
        self.head = ParagraphStyle("head", self.cell, fontName=self.bold)
        self.label = ParagraphStyle("label", base, fontName=self.bold)
        self.institution = ParagraphStyle(
            "institution", base, fontName=self.bold, fontSize=16, leading=20
        )
        self.title = ParagraphStyle(
            "title", base, fontName=self.bold, fontSize=13, leading=17, spaceBefore=8
        )
        self.term = ParagraphStyle("term", base, fontName=self.bold, fontSize=10, leading=13)


@cache
def _styles() -> _Styles:
    """Return the styles, registering the fonts on first use."""
    return _Styles()


def _text(value: object) -> str:
    """Escape value for paragraph markup."""
    return escape(str(value))


def _hours(value: Decimal) -> str:
    """Format hours with at most two decimals and no trailing zeros."""
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _story(data: RecordData) -> list[Flowable]:
    story = [*_header(data), *_student_block(data)]
    for term in data.terms:
        story += [_term_table(term), Spacer(1, 6 * mm)]
    story.append(_totals(data))
    story.append(_certification(data))
    return story


def _header(data: RecordData) -> list[Flowable]:
    s, institution = _styles(), data.institution
    lines = [Paragraph(_text(institution.name), s.institution)]
    lines += [Paragraph(_text(line), s.body) for line in institution.address_lines]
    if institution.logo_path is None:
        return lines
    logo = Image(str(institution.logo_path), width=22 * mm, height=22 * mm, kind="proportional")
    table = Table([[logo, lines]], colWidths=(26 * mm, None))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), s.font),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table]


def _student_block(data: RecordData) -> list[Flowable]:
    s, student = _styles(), data.student
    heading = "Unofficial copy — not a certified record" if data.unofficial else "Official record"
    rows = [
        ("Student", student.legal_name),
        ("Student ID", student.student_id),
        ("Program", student.program),
        ("Issued", data.issued_at.date().isoformat()),
    ]
    cells = [[Paragraph(_text(k), s.label), Paragraph(_text(v), s.body)] for k, v in rows if v]
    table = Table(cells, colWidths=(30 * mm, None), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), s.font),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, GRID),
            ]
        )
    )
    return [Paragraph(_text(heading), s.title), Spacer(1, 2 * mm), table, Spacer(1, 6 * mm)]


def _placement_cell(plan: PlanRow) -> list[Flowable]:
    s, cell = _styles(), []
    for placement in plan.placements:
        lines = [
            f"<b>{_text(placement.employer)}</b> — {_text(placement.project)}"
            f" ({_hours(placement.verified_hours)} h verified)"
        ]
        if placement.feedback_summary:
            lines.append(f"Supervisor: {_text(placement.feedback_summary)}")
        if placement.deliverables:
            lines.append("Deliverables: " + "; ".join(_text(t) for t in placement.deliverables))
        cell.append(Paragraph("<br/>".join(lines), s.cell))
    return cell


def _plan_row(plan: PlanRow) -> list[object]:
    s = _styles()
    course = f"<b>{_text(plan.course)}</b><br/>Section {_text(plan.section)}"
    sign_off = f"{_text(plan.sponsor_name)}<br/>{plan.signed_off_on.isoformat()}"
    return [
        Paragraph(course, s.cell),
        _placement_cell(plan),
        _hours(plan.verified_hours),
        str(plan.credits),
        plan.grade,
        Paragraph(sign_off, s.cell),
    ]


def _term_table(term: TermRecord) -> Table:
    """Return the term's plans; the term title and column headings repeat on every page."""
    s = _styles()
    total = ["Term total", "", _hours(term.hours), str(term.credits), "", ""]
    title = f"{term.name} ({term.code})"
    rows = [[title, "", "", "", "", ""], list(HEADINGS), *map(_plan_row, term.plans), total]
    table = Table(rows, colWidths=COLUMNS, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                # Plain-string cells (single lines) are set by the table, not by paragraphs.
                ("FONTNAME", (0, 0), (-1, -1), s.font),
                ("FONTSIZE", (0, 0), (-1, -1), s.cell.fontSize),
                ("LEADING", (0, 0), (-1, -1), s.cell.leading),
                ("FONTNAME", (0, 0), (-1, 1), s.bold),
                ("FONTSIZE", (0, 0), (-1, 0), s.term.fontSize),
                ("LEADING", (0, 0), (-1, 0), s.term.leading),
                ("FONTNAME", (0, -1), (-1, -1), s.bold),
                ("ALIGN", (2, 1), (3, -1), "RIGHT"),
                ("SPAN", (0, 0), (-1, 0)),
                ("SPAN", (0, -1), (1, -1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 1), (-1, 1), SHADE),
                ("INNERGRID", (0, 1), (-1, -1), 0.4, GRID),
                ("BOX", (0, 1), (-1, -1), 0.6, GRID),
                ("LINEABOVE", (0, -1), (-1, -1), 1, GRID),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    return table


def _totals(data: RecordData) -> Flowable:
    s = _styles()
    rows = [
        [Paragraph("Total credits", s.head), Paragraph(str(data.credits), s.number)],
        [Paragraph("Total verified hours", s.head), Paragraph(_hours(data.hours), s.number)],
    ]
    table = Table(rows, colWidths=(45 * mm, 20 * mm), hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), s.font),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
            ]
        )
    )
    return KeepTogether([table, Spacer(1, 8 * mm)])


def _certification(data: RecordData) -> Flowable:
    s = _styles()
    if data.unofficial:
        notice = (
            "This is an unofficial copy for the student's own use. It is not certified by "
            "the registrar and cannot be verified; request an official record instead."
        )
        return Paragraph(notice, s.body)
    block = [
        Paragraph("<b>Certification</b>", s.body),
        Spacer(1, 1.5 * mm),
        Paragraph(_text(data.statement), s.body),
        Spacer(1, 10 * mm),
        Paragraph(f"<b>{_text(data.registrar_name)}</b>, Registrar", s.body),
        Paragraph(
            f"{_text(data.institution.name)} · issued {data.issued_at.date().isoformat()}",
            s.small,
        ),
    ]
    return KeepTogether(block)
