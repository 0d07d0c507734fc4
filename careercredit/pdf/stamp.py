"""The certification stamp: who certified an official record and when, in a box on page 1.

A certification signature's field has no appearance of its own: a reader that
shows signatures names the signer, but a printed copy carries no sign of it.
The stamp is that sign, printed beside the invisible field where the office
asks for it (``CAREERCREDIT_RECORD_STAMP``).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from careercredit.pdf.text import draw_string, string_width

STAMP_WIDTH, STAMP_HEIGHT = 62 * mm, 18 * mm
STAMP_INK = colors.HexColor("#1f3a5f")
#: Type sizes of the first line (who certified) and of the others.
NAME_SIZE, LINE_SIZE = 8.5, 8.0
LINE_GAP = 4.2 * mm


class Stamp(Flowable):
    """ "Certified by <registrar>, Office of the Registrar, <date>" in a double-ruled box."""

    def __init__(self, registrar_name: str, issued: str, font: str, bold: str) -> None:
        super().__init__()
        name = f"Certified by {registrar_name}" if registrar_name else "Certified"
        self.lines: list[tuple[str, str, float]] = [
            (name, bold, NAME_SIZE),
            ("Office of the Registrar", font, LINE_SIZE),
            (issued, font, LINE_SIZE),
        ]
        self.width, self.height = STAMP_WIDTH, STAMP_HEIGHT

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(STAMP_INK)
        canvas.setLineWidth(1.2)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setLineWidth(0.4)
        canvas.rect(1.2 * mm, 1.2 * mm, self.width - 2.4 * mm, self.height - 2.4 * mm)
        canvas.setFillColor(STAMP_INK)
        room = self.width - 6 * mm
        y = self.height - 6 * mm
        for text, face, largest in self.lines:
            # A long name is set smaller rather than let out of the box.
            size = min(largest, room / max(string_width(text, face, 1), 1))
            x = (self.width - string_width(text, face, size)) / 2
            draw_string(canvas, x, y, text, face, size)
            y -= LINE_GAP
        canvas.restoreState()
