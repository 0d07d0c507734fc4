"""What every page of a record carries: running header, footer with "Page X of Y",
verification code and QR code, and the UNOFFICIAL watermark on unofficial copies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from careercredit.pdf.fonts import register_fonts
from careercredit.pdf.qr import draw_qr
from careercredit.pdf.text import draw_string

if TYPE_CHECKING:
    from careercredit.pdf.record import RecordData

# Page contents are zlib-compressed binary, as embedded fonts always are: ASCII85 armour over
# them (ReportLab's default) adds a quarter to their size and a slow pure-Python pass.
rl_config.useA85 = 0

#: The paper a record is laid out on, by the name ``CAREERCREDIT_RECORD_PAGE_SIZE`` takes.
PAGE_SIZES: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}
MARGIN = 18 * mm
#: Height kept free at the bottom of every page for the footer.
FOOTER_HEIGHT = 34 * mm
QR_SIZE = 24 * mm
GRID = colors.HexColor("#9aa3ad")
#: Name of the form XObject holding the QR code: drawn once, placed on every page.
QR_FORM = "VerificationQR"


def _pdf_date(moment: datetime) -> str:
    """Format moment in UTC as a PDF date string."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


class RecordCanvas(Canvas):
    """Defer each page until the end so its footer can say "Page X of Y"."""

    def __init__(self, filename: str | IO[bytes], *, record: RecordData, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self._record = record
        self._pages: list[dict[str, object]] = []
        stamp = _pdf_date(record.issued_at)
        self.setDateFormatter(lambda *_: stamp)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # Canvas's own page reset, private

    def save(self) -> None:
        if not self._record.unofficial:
            self.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
            draw_qr(self, self._record.verification_url, 0, 0, QR_SIZE)
            self.endForm()
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            _decorate(self, self._record, number, total)
            super().showPage()
        super().save()


def page_size(name: str) -> tuple[float, float]:
    """The width and height of the paper called ``name`` (``letter`` or ``a4``), in points."""
    try:
        return PAGE_SIZES[name]
    except KeyError:
        raise ValueError(f"unknown page size {name!r}; one of {', '.join(PAGE_SIZES)}") from None


def _decorate(canvas: Canvas, data: RecordData, number: int, total: int) -> None:
    """Draw the running header, the footer and, on unofficial copies, the watermark."""
    font, bold = register_fonts()
    width, height = page_size(data.page_size)
    right = width - MARGIN
    canvas.saveState()
    if number > 1:
        student = data.student
        canvas.setFillColor(colors.HexColor("#555555"))
        top = height - 11 * mm
        draw_string(canvas, MARGIN, top, data.institution.name, font, 7.5)
        running = f"{student.legal_name} · {student.student_id}"
        draw_string(canvas, right, top, running, font, 7.5, right=True)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, FOOTER_HEIGHT - 4 * mm, right, FOOTER_HEIGHT - 4 * mm)
    canvas.setFillColor(colors.black)
    page = f"Page {number} of {total}"
    if data.unofficial:
        notice = "UNOFFICIAL COPY — not valid as an official record"
        draw_string(canvas, MARGIN, 22 * mm, notice, bold, 8.5)
        draw_string(canvas, MARGIN, 17 * mm, page, font, 8)
        canvas.restoreState()
        _watermark(canvas, width, height)
        return
    text_right = right - QR_SIZE - 4 * mm
    draw_string(canvas, MARGIN, 24 * mm, f"Verification code: {data.verification_code}", bold, 8.5)
    draw_string(canvas, MARGIN, 19.5 * mm, f"Verify at {data.verification_url}", font, 7.5)
    scan = "Scan the code or visit the address to confirm this record."
    draw_string(canvas, MARGIN, 15 * mm, scan, font, 7.5)
    draw_string(canvas, text_right, 24 * mm, page, font, 8, right=True)
    canvas.translate(right - QR_SIZE, 6 * mm)
    canvas.doForm(QR_FORM)
    canvas.restoreState()


def _watermark(canvas: Canvas, width: float, height: float) -> None:
    canvas.saveState()
    canvas.translate(width / 2, height / 2)
    canvas.rotate(50)
    canvas.setFont(register_fonts()[1], 96)
    canvas.setFillColor(colors.HexColor("#c0392b"), alpha=0.18)
    canvas.drawCentredString(0, -32, "UNOFFICIAL")
    canvas.restoreState()
