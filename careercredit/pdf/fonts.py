"""The embedded Unicode font every record is set in (DejaVu Sans, from fonts-dejavu-core)."""

from functools import cache
from pathlib import Path
from typing import Literal

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans and DejaVu Sans Bold once per process; return their names."""
    for name in (REGULAR, BOLD):
        path = FONT_DIR / f"{name}.ttf"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: install fonts-dejavu-core (make venv)")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> and <i> inside paragraphs must stay in the family, never fall back to Helvetica.
    faces: tuple[tuple[Literal[0, 1], Literal[0, 1], str], ...] = (
        (0, 0, REGULAR),
        (1, 0, BOLD),
        (0, 1, REGULAR),
        (1, 1, BOLD),
    )
    for bold, italic, face in faces:
        addMapping(REGULAR, bold, italic, face)
    return REGULAR, BOLD
