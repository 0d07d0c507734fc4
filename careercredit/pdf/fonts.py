"""The fonts a record is set in.

Everything is set in DejaVu Sans (fonts-dejavu-core), through ReportLab's own TrueType fonts,
as long as the text is made of characters DejaVu has and that need no shaping: Latin, Greek,
Cyrillic, digits and punctuation. Any other character is set in the first of the Noto faces
(fonts-noto-core, fonts-noto-cjk) that has it, shaped by harfbuzz: see scripts.py.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Literal

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from careercredit.pdf.opentype import GlyphFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
#: The fallback faces, in the order they are tried: (name, file, face in the collection).
#: Noto Sans itself comes first for Latin, Greek and Cyrillic with combining marks.
_NOTO = (
    ("NotoSans", NOTO_DIR / "NotoSans-{weight}.ttf", 0),
    ("NotoSansArabic", NOTO_DIR / "NotoSansArabic-{weight}.ttf", 0),
    ("NotoSansHebrew", NOTO_DIR / "NotoSansHebrew-{weight}.ttf", 0),
    ("NotoSansDevanagari", NOTO_DIR / "NotoSansDevanagari-{weight}.ttf", 0),
    # More of the scripts fonts-noto-core has: read only for text the faces above lack.
    *(
        (f"NotoSans{script}", NOTO_DIR / f"NotoSans{script}-{{weight}}.ttf", 0)
        for script in (
            "Bengali",
            "Tamil",
            "Telugu",
            "Gujarati",
            "Gurmukhi",
            "Kannada",
            "Malayalam",
            "Sinhala",
            "Thai",
            "Lao",
            "Khmer",
            "Myanmar",
            "Georgian",
            "Armenian",
            "Ethiopic",
        )
    ),
)
#: The faces of the Noto Sans CJK collection: the same characters are drawn as each
#: country writes them.
CJK_FACES = {"JP": 0, "KR": 1, "SC": 2}
#: Where each package's fonts come from, for the message when one is missing.
_PACKAGES = {NOTO_DIR: "fonts-noto-core", NOTO_CJK: "fonts-noto-cjk", FONT_DIR: "fonts-dejavu-core"}


def _installed(path: Path) -> Path:
    if not path.is_file():
        package = _PACKAGES[path.parent]
        raise FileNotFoundError(f"{path} is missing: install {package} (make venv)")
    return path


@cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans and DejaVu Sans Bold once per process; return their names."""
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(_installed(FONT_DIR / f"{name}.ttf"))))
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


def _plain(char: str) -> bool:
    """Whether char is drawn well without shaping: a character of a script written left to
    right a character at a time, never a combining mark, a joiner or a direction control."""
    code = ord(char)
    if unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf", "Co", "Cn"):
        return False
    if unicodedata.bidirectional(char) in ("R", "AL", "AN", "NSM"):
        return False
    return code < 0x0590 or 0x1D00 <= code < 0x2E80 or 0xFB00 <= code < 0xFB07


@cache
def char_widths(font_name: str) -> defaultdict[int, float]:
    """Return the advance widths of the registered TrueType font font_name's characters,
    in thousandths of the size."""
    face = _ttfont(font_name).face
    return defaultdict(lambda: face.defaultWidth, face.charWidths)


def _ttfont(font_name: str) -> TTFont:
    """Return the registered font called font_name, which must be a TrueType font."""
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, TTFont):
        raise TypeError(f"{font_name} is not a TrueType font")
    return font


@cache
def plain_characters(font_name: str) -> frozenset[str]:
    """The characters of the registered TrueType font font_name that are set without
    shaping, in it."""
    return frozenset(c for c in map(chr, _ttfont(font_name).face.charToGlyph) if _plain(c))


@cache
def fallbacks(font_name: str, cjk: str = "SC") -> tuple[GlyphFont, ...]:
    """The Noto faces tried, in order, for characters font_name does not set: the bold ones
    for DejaVu Sans Bold; cjk picks the face of the CJK collection (JP, KR or SC)."""
    weight = "Bold" if font_name == BOLD else "Regular"
    fonts = [
        _glyph_font(f"{name}-{weight}", Path(str(path).format(weight=weight)), index)
        for name, path, index in _NOTO
    ]
    cjk_path = NOTO_CJK / f"NotoSansCJK-{weight}.ttc"
    fonts.append(_glyph_font(f"NotoSansCJK{cjk}-{weight}", cjk_path, CJK_FACES[cjk]))
    return tuple(fonts)


@cache
def _glyph_font(name: str, path: Path, index: int) -> GlyphFont:
    """One GlyphFont per face and process: what it learns of the font is kept."""
    return GlyphFont(name, _installed(path), index)
