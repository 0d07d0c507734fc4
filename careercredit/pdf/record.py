"""The official record of posted credit: data in, PDF bytes out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from careercredit import clock
from careercredit.pdf.fonts import register_fonts
from careercredit.pdf.grid import Boxed, Cell, Padding, Row, Ruled, TermTable
from careercredit.pdf.page import FOOTER_HEIGHT, GRID, MARGIN, RecordCanvas, page_size
from careercredit.pdf.stamp import STAMP_WIDTH, Stamp
from careercredit.pdf.text import Run, Text, plain

#: Column widths of a term table on A4; on wider paper the placement column takes the rest.
COLUMNS = (32 * mm, 62 * mm, 16 * mm, 17 * mm, 15 * mm, 32 * mm)
HEADINGS = ("Course", "Placement and supervisor feedback", "Hours", "Credits", "Grade", "Sign-off")
#: The placement column's heading when the office keeps supervisors' feedback off records.
PLACEMENT_ONLY = "Placement"
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
    #: The IANA zone the issue date is printed in (``CAREERCREDIT_TIMEZONE``).
    time_zone: str = clock.DEFAULT_ZONE


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
    #: The term's credit rule: verified hours per credit (none printed if None).
    hours_per_credit: int | None = None

    @property
    def credits(self) -> int:
        return sum(plan.credits for plan in self.plans)

    @property
    def hours(self) -> Decimal:
        return sum((Decimal(plan.verified_hours) for plan in self.plans), Decimal(0))


@dataclass(frozen=True)
class GradeKey:
    """One grading scheme on the record: its name and, per grade, what it means."""

    scheme: str
    #: (grade, meaning, grade points or "", earns credit), best grade first.
    grades: Sequence[tuple[str, str, str, bool]]


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
    #: The key to grades: the schemes of the plans on the record (none printed if empty).
    grade_keys: Sequence[GradeKey] = ()
    #: The paper: ``letter`` or ``a4`` (``page.PAGE_SIZES``).
    page_size: str = "letter"
    #: The notice about passing the record on (FERPA's re-disclosure notice); none if empty.
    redisclosure: str = ""
    #: Whether page 1 of an official record carries a visible certification stamp.
    stamp: bool = False
    #: Whether supervisors' feedback is printed (the office's choice).
    feedback: bool = True

    def __post_init__(self) -> None:
        if not self.unofficial and not (self.verification_code and self.verification_url):
            raise ValueError("An official record needs a verification code and URL.")
        page_size(self.page_size)  # refuse an unknown paper before anything is drawn

    @property
    def credits(self) -> int:
        return sum(term.credits for term in self.terms)

    @property
    def hours(self) -> Decimal:
        return sum((term.hours for term in self.terms), Decimal(0))

    @property
    def issued_on(self) -> date:
        """The day of issue on the institution's calendar (records are built outside the app)."""
        return clock.local(self.issued_at, ZoneInfo(self.institution.time_zone)).date()

    @property
    def title(self) -> str:
        kind = "Unofficial copy of the record" if self.unofficial else "Official record"
        return f"{kind} of {self.student.legal_name}"


def build_record(data: RecordData) -> bytes:
    """Build the PDF record of data; the same data always gives the same bytes."""
    register_fonts()
    buffer = io.BytesIO()
    width, height = page_size(data.page_size)
    frame = Frame(
        MARGIN,
        FOOTER_HEIGHT,
        width - 2 * MARGIN,
        height - MARGIN - FOOTER_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
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

    def canvasmaker(filename: str | IO[bytes], /, **kwargs: Any) -> RecordCanvas:
        return RecordCanvas(filename, record=data, **kwargs)

    doc.build(_story(data), canvasmaker=canvasmaker)
    return buffer.getvalue()


class _Space(Spacer):
    """Blank space: Spacer without the empty save, move and restore it writes to the page."""

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        pass


class _Together(Flowable):
    """Flowables drawn one under the other and kept on one page, as KeepTogether keeps them,
    for blocks that always fit on one: handled as one flowable, which a document lays out
    at a fraction of the cost of each of its items on its own."""

    def __init__(self, items: Sequence[Flowable]) -> None:
        super().__init__()
        self.items = list(items)
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._sizes = [item.wrap(availWidth, availHeight) for item in self.items]
        self.width = availWidth
        self.height = sum(item.getSpaceBefore() for item in self.items[1:]) + sum(
            height for _, height in self._sizes
        )
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []  # to the next page, whole

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        for i, (item, (width, height)) in enumerate(zip(self.items, self._sizes, strict=True)):
            if i:
                top -= item.getSpaceBefore()
            top -= height
            # Every Flowable's drawOn takes the spare width _sW; types-reportlab leaves it out.
            item.drawOn(canvas, x, top, _sW=self.width - width)  # type: ignore[call-arg]


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


def _text(value: object, style: ParagraphStyle) -> Text:
    """Return value as text in style, all in the style's face."""
    return Text(plain(value, style.fontName), style)


def _hours(value: Decimal) -> str:
    """Format hours with at most two decimals and no trailing zeros."""
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _frame_width(data: RecordData) -> float:
    return page_size(data.page_size)[0] - 2 * MARGIN


def _story(data: RecordData) -> list[Flowable]:
    top = _Together([_stamped(data, _header(data)), *_title(data)])
    story: list[Flowable] = [top, *_student_block(data)]
    for term in data.terms:
        story += [_term_table(term, data), _Space(1, 6 * mm)]
    story.append(_totals(data))
    story += _grade_key(data.grade_keys, data.terms)
    story.append(_certification(data))
    return story


def _stamped(data: RecordData, header: list[Flowable]) -> Flowable:
    """The header, with the certification stamp beside it when the office prints one."""
    if not data.stamp or data.unofficial:
        return _Together(header)
    width = _frame_width(data)
    stamp = Stamp(data.registrar_name, data.issued_on.isoformat(), _styles().font, _styles().bold)
    table = Table([[header, stamp]], colWidths=(width - STAMP_WIDTH, STAMP_WIDTH))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _styles().font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _header(data: RecordData) -> list[Flowable]:
    s, institution = _styles(), data.institution
    lines: list[Flowable] = [_text(institution.name, s.institution)]
    lines += [_text(line, s.body) for line in institution.address_lines]
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
    rows = [
        ("Student", student.legal_name),
        ("Student ID", student.student_id),
        ("Program", student.program),
        ("Issued", data.issued_on.isoformat()),
    ]
    padding = Padding(left=0, top=1, bottom=1)
    size, leading = s.body.fontSize, s.body.leading
    cells = [
        Row([[_text(k, s.label)], [_text(v, s.body)]], s.font, size, leading, padding=padding)
        for k, v in rows
        if v
    ]
    label = 30 * mm
    table = Ruled(cells, (label, _frame_width(data) - label), line=GRID, weight=0.6)
    return [table, _Space(1, 6 * mm)]


def _title(data: RecordData) -> list[Flowable]:
    heading = "Unofficial copy — not a certified record" if data.unofficial else "Official record"
    return [_text(heading, _styles().title), _Space(1, 2 * mm)]


def _placement_cell(plan: PlanRow, feedback: bool) -> list[Text]:
    s = _styles()
    cell: list[Text] = []
    for placement in plan.placements:
        lines: list[list[Run]] = [
            [
                (placement.employer, s.bold),
                (
                    f" — {placement.project} ({_hours(placement.verified_hours)} h verified)",
                    s.font,
                ),
            ]
        ]
        if feedback and placement.feedback_summary:
            lines.append([(f"Supervisor: {placement.feedback_summary}", s.font)])
        if placement.deliverables:
            lines.append([("Deliverables: " + "; ".join(placement.deliverables), s.font)])
        cell.append(Text(lines, s.cell))
    return cell


def _plan_row(plan: PlanRow, feedback: bool) -> list[Cell]:
    s = _styles()
    course = [[(plan.course, s.bold)], [(f"Section {plan.section}", s.font)]]
    sign_off = [[(plan.sponsor_name, s.font)], [(plan.signed_off_on.isoformat(), s.font)]]
    return [
        [Text(course, s.cell)],
        _placement_cell(plan, feedback),
        _hours(plan.verified_hours),
        str(plan.credits),
        plan.grade,
        [Text(sign_off, s.cell)],
    ]


def _columns(frame_width: float) -> tuple[float, ...]:
    """The term table's column widths across the frame: the placement column takes the rest."""
    spare = frame_width - sum(COLUMNS)
    return (COLUMNS[0], COLUMNS[1] + spare, *COLUMNS[2:])


def _term_table(term: TermRecord, data: RecordData) -> TermTable:
    """Return the term's plans; the term title and column headings repeat on every page."""
    s = _styles()
    headings = list(HEADINGS) if data.feedback else [HEADINGS[0], PLACEMENT_ONLY, *HEADINGS[2:]]
    size, leading = s.cell.fontSize, s.cell.leading
    numbers = frozenset({2, 3})  # hours and credits
    title = [f"{term.name} ({term.code})", "", "", "", "", ""]
    total = ["Term total", "", _hours(term.hours), str(term.credits), "", ""]
    rows = [
        Row(title, s.bold, s.term.fontSize, s.term.leading, span=len(COLUMNS), flush_left=True),
        Row(headings, s.bold, size, leading, right=numbers),
        *(
            Row(_plan_row(plan, data.feedback), s.font, size, leading, right=numbers)
            for plan in term.plans
        ),
        Row(total, s.bold, size, leading, span=2, right=numbers),
    ]
    return TermTable(rows, _columns(_frame_width(data)), grid=GRID, shade=SHADE)


def _totals(data: RecordData) -> Flowable:
    s = _styles()
    totals = [("Total credits", str(data.credits)), ("Total verified hours", _hours(data.hours))]
    size, leading = s.cell.fontSize, s.cell.leading
    rows = [
        Row([[_text(label, s.head)], [_text(value, s.number)]], s.font, size, leading)
        for label, value in totals
    ]
    table = Boxed(rows, (45 * mm, 20 * mm), shade=SHADE, line=colors.black, weight=0.8)
    return _Together([table, _Space(1, 8 * mm)])


def _grade_key(keys: Sequence[GradeKey], terms: Sequence[TermRecord]) -> list[Flowable]:
    """The key to grades: one line per scheme, e.g. ``S satisfactory; U unsatisfactory``,
    and what a credit is: the verified hours each term asks for one."""
    credit = _credit_definition(terms)
    if not keys and not credit:
        return []
    s = _styles()
    heading = "Key to grades" if keys else "Key to credit"
    block: list[Flowable] = [Text([[(heading, s.bold)]], s.body), _Space(1, 1.5 * mm)]
    for key in keys:
        grades = "; ".join(
            " ".join(part for part in (grade, meaning, f"({points})" if points else "") if part)
            + ("" if earns else ", no credit")
            for grade, meaning, points, earns in key.grades
        )
        block.append(Text([[(f"{key.scheme}: ", s.bold), (grades, s.font)]], s.small))
    if credit:
        block.append(Text([[("Credit: ", s.bold), (credit, s.font)]], s.small))
    return [_Together(block), _Space(1, 6 * mm)]


def _credit_definition(terms: Sequence[TermRecord]) -> str:
    """What one credit stands for (``one credit stands for 45 hours of supervised work
    verified by the supervisor``), naming the terms when they ask for different hours."""
    by_hours: dict[int, list[str]] = {}
    for term in terms:
        if term.hours_per_credit:
            by_hours.setdefault(term.hours_per_credit, []).append(term.name)
    if not by_hours:
        return ""
    work = "of supervised work verified by the supervisor"
    if len(by_hours) == 1:
        return f"one credit stands for {next(iter(by_hours))} hours {work}."
    parts = [(f"{hours} hours", f"in {', '.join(names)}") for hours, names in by_hours.items()]
    (hours, where), *others = parts
    rest = "; ".join(" ".join(part) for part in others)
    return f"one credit stands for {hours} {work} {where}; {rest}."


def _certification(data: RecordData) -> Flowable:
    s = _styles()
    if data.unofficial:
        notice = (
            "This is an unofficial copy for the student's own use. It is not certified by "
            "the registrar and cannot be verified; request an official record instead."
        )
        return _text(notice, s.body)
    issued = data.issued_on.isoformat()
    block = [
        Text([[("Certification", s.bold)]], s.body),
        _Space(1, 1.5 * mm),
        _text(data.statement, s.body),
        _Space(1, 10 * mm),
        Text([[(data.registrar_name, s.bold), (", Registrar", s.font)]], s.body),
        _text(f"{data.institution.name} · issued {issued}", s.small),
    ]
    if data.redisclosure:
        block += [_Space(1, 5 * mm), _text(data.redisclosure, s.small)]
    return _Together(block)
