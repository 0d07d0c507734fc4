"""QR codes drawn straight onto a canvas as a single filled path."""

from functools import lru_cache
from itertools import groupby

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

#: Modules of light margin the QR specification asks for around the symbol.
QUIET_ZONE = 4


@lru_cache(maxsize=64)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """Return the dark/light module matrix encoding text (error correction level M)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    return tuple(tuple(bool(module) for module in row) for row in code.modules)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of text, quiet zone included, in the size x size square at (x, y)."""
    matrix = qr_matrix(text)
    step = size / (len(matrix) + 2 * QUIET_ZONE)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + QUIET_ZONE + 1) * step
        column = 0
        for dark, run in groupby(row):
            count = len(list(run))
            if dark:
                path.rect(x + (column + QUIET_ZONE) * step, top, count * step, step)
            column += count
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, fill=1, stroke=0)
    canvas.restoreState()
