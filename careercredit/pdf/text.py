"""Plain text set in runs of a regular and a bold face, broken into lines at spaces.

A record needs nothing more from ReportLab's Paragraph, whose markup parser and general line
breaker cost more than everything else on a page. Text here is never parsed: what is given
is printed, "<" and "&" included.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import accumulate, chain

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from careercredit.pdf.fonts import char_widths as _char_widths
from careercredit.pdf.opentype import GlyphFont
from careercredit.pdf.scripts import Piece, is_plain, shape

#: A run of text and the name of the font it is set in.
Run = tuple[str, str]
#: How much the spaces of a line may shrink to fit one more word (ReportLab's spaceShrinkage).
SPACE_SHRINKAGE = 0.05


def _ttfont(font_name: str) -> TTFont:
    """Return the registered font called font_name, which must be a TrueType font (every
    font a record is set in through ReportLab is: see fonts.py)."""
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, TTFont):
        raise TypeError(f"{font_name} is not a TrueType font")
    return font


def _advances(text: str, font_name: str) -> Iterable[float]:
    """The advance of each character of text set in font_name, in thousandths of the size
    (text in other scripts is shaped first: scripts.py)."""
    if is_plain(text, font_name):
        return map(_char_widths(font_name).__getitem__, map(ord, text))
    return shape(text, font_name).advances


def string_width(text: str, font_name: str, size: float) -> float:
    """Return the width of text set in font_name at size (pdfmetrics.stringWidth, faster)."""
    if is_plain(text, font_name):
        return 0.001 * size * sum(map(_char_widths(font_name).__getitem__, map(ord, text)))
    return 0.001 * size * shape(text, font_name).width


#: PDF string escapes of the bytes 0-255, as ReportLab writes them.
_ESCAPES = {c: f"\\{c:03o}" for c in (*range(32), *range(127, 256))}
_ESCAPES.update({ord(c): f"\\{c}" for c in "\\()"})


def number(value: float) -> str:
    """Format value for a content stream, to a thousandth of a point."""
    if value == int(value):
        return str(int(value))
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


#: For each font, what _Face learns from the codes a document starts with (the printable
#: ASCII characters): their number, the characters, and how they are written.
_FRESH: dict[str, tuple[int, frozenset[str], dict[int, str]]] = {}


class _Face:
    """A font as one document uses it: the characters it has given a code in the first
    256-character subset (nearly all a record uses), each with its code as it is written
    in a PDF string, and that subset's name."""

    __slots__ = ("doc", "first", "font", "known", "written")

    known: set[str]
    written: dict[int, str]

    def __init__(self, font: TTFont, doc: object) -> None:
        self.font, self.doc = font, doc
        font.splitString("", doc)  # makes the font's state for doc
        self.first = font.getSubsetInternalName(0, doc)
        codes = self._codes()
        fresh = _FRESH.get(font.fontName)
        if fresh is not None and len(codes) == fresh[0]:  # what every document starts with
            self.known, self.written = set(fresh[1]), dict(fresh[2])
            return
        self.known, self.written = set(), {}
        self.learn(map(chr, codes))
        if fresh is None:
            _FRESH[font.fontName] = (len(codes), frozenset(self.known), dict(self.written))

    def _codes(self) -> dict[int, int]:
        """The codes the document has given the font's characters, by character."""
        # TTFont.State keeps them in assignments, which types-reportlab leaves out.
        return self.font.state[self.doc].assignments  # type: ignore[attr-defined]

    def learn(self, chars: Iterable[str]) -> None:
        """Note the codes the document has given chars, those in the first subset."""
        codes = self._codes()
        for char in chars:
            code = codes.get(ord(char))
            if code is not None and code < 256:
                self.known.add(char)
                self.written[ord(char)] = chr(code).translate(_ESCAPES)


@cache
def _size(size: float) -> str:
    return number(size)


def show(
    canvas: Canvas, runs: Sequence[Run], size: float, font_set: list[str] | None = None
) -> str:
    """Return the PDF operators showing runs at size from the current text position.

    This is what ReportLab's text object writes for TrueType text (each run cut where its
    characters move from one 256-character font subset to another), minus its bookkeeping:
    characters are looked up all at once in the codes the document has given them, and only
    text with new characters goes through TTFont.splitString, one character at a time.
    Text in other scripts is shaped (scripts.py) and shown as glyphs. Glyphs set left to
    right are put in a span whose ActualText is their text, as a glyph may stand for several
    characters in another order (Devanagari). Those set right to left are left to the
    ToUnicode map of their font: text extractors put what they find right to left in
    logical order themselves, from where each glyph is drawn, and would turn an ActualText
    around.
    font_set holds the font operator last written in the same text object, if any, which
    is then not written again.
    """
    doc = canvas._doc  # type: ignore[attr-defined]  # the canvas's PDFDocument, private
    faces: dict[str, _Face] = vars(canvas).setdefault("_careercredit_faces", {})
    scaled = _size(size)
    ops: list[str] = []
    for text, font_name in runs:
        if is_plain(text, font_name):
            _show_plain(ops, faces, doc, text, font_name, scaled, font_set)
            continue
        for piece in shape(text, font_name).pieces:
            if piece.font is None:
                _show_plain(ops, faces, doc, piece.text, font_name, scaled, font_set)
                continue
            name, codes = piece.font.use(doc, [(glyph[0], glyph[1]) for glyph in piece.glyphs])
            tf = f"/{name} {scaled} Tf"
            if font_set is None or font_set[0] != tf:
                ops.append(tf)
                if font_set is not None:
                    font_set[0] = tf
            shown = _glyph_ops(piece.font, codes, piece, size)
            if piece.rtl:
                ops.append(shown)
            else:
                actual = piece.text.encode("utf-16-be").hex()
                ops.append(f"/Span <</ActualText <FEFF{actual}>>> BDC {shown} EMC")
    return " ".join(ops)


def _show_plain(
    ops: list[str],
    faces: dict[str, _Face],
    doc: object,
    text: str,
    font_name: str,
    scaled: str,
    font_set: list[str] | None,
) -> None:
    """Add to ops the operators showing text that font_name sets without shaping."""
    face = faces.get(font_name)
    if face is None:
        face = faces[font_name] = _Face(_ttfont(font_name), doc)
    if face.known.issuperset(text):
        pieces = [(face.first, text.translate(face.written))]
    else:
        font = face.font
        pieces = [
            (font.getSubsetInternalName(subset, doc), chunk.decode("latin-1"))
            for subset, chunk in font.splitString(text, doc)
        ]
        pieces = [(name, chunk.translate(_ESCAPES)) for name, chunk in pieces]
        face.learn(set(text))
    for name, escaped in pieces:
        tf = f"{name} {scaled} Tf"
        if font_set is None:
            ops.append(f"{tf} ({escaped}) Tj")
        elif font_set[0] == tf:
            ops.append(f"({escaped}) Tj")
        else:
            font_set[0] = tf
            ops.append(f"{tf} ({escaped}) Tj")


def _glyph_ops(font: GlyphFont, codes: dict[int, int], piece: Piece, size: float) -> str:
    """The operators showing piece's glyphs where the shaping put them: TJ adjustments move
    a glyph by its offset and make up the difference between its width in the font and its
    shaped advance; a rise (Ts) lifts a mark."""
    ops: list[str] = []
    array: list[str] = []
    rise = 0.0
    for gid, _, advance, dx, dy in piece.glyphs:
        if dy != rise:
            if array:
                ops.append(f"[{' '.join(array)}] TJ")
                array = []
            ops.append(f"{number(dy * size / 1000)} Ts")
            rise = dy
        if dx:
            array.append(number(-dx))
        array.append(f"<{codes[gid]:04X}>")
        extra = advance - font.width(gid) - dx
        if abs(extra) > 0.0005:
            array.append(number(-extra))
    if array:
        ops.append(f"[{' '.join(array)}] TJ")
    if rise:
        ops.append("0 Ts")
    return " ".join(ops)


def draw_string(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, *, right: bool = False
) -> None:
    """Canvas.drawString (or drawRightString, with right) of text in font at size."""
    if right:
        x -= string_width(text, font, size)
    shown = show(canvas, [(text, font)], size)
    canvas.addLiteral(f"BT 1 0 0 1 {number(x)} {number(y)} Tm {shown} ET")


#: White space a line must lose: runs of it, any but a space, or any at either end.
_UNTIDY = re.compile(r"\s\s|[^\S ]|^\s|\s$")


def _tidy(runs: Sequence[Run]) -> list[Run]:
    """Collapse white space as HTML does: runs of it become one space (kept in the run it
    starts in, as ReportLab's Paragraph keeps it), none at the ends. Neighbouring runs in one
    face are joined."""
    if len(runs) == 1 and runs[0][0] and not _UNTIDY.search(runs[0][0]):
        return list(runs)  # the common case: one run, nothing to collapse
    tidy: list[Run] = []
    for text, font in runs:
        if not text:
            continue
        body = " ".join(text.split())
        if text[0].isspace():
            body = " " + body
        if text[-1].isspace() and body != " ":
            body += " "
        if not tidy or tidy[-1][0].endswith(" "):
            body = body.lstrip(" ")
        if not body:
            continue
        if tidy and tidy[-1][1] == font:
            tidy[-1] = (tidy[-1][0] + body, font)
        else:
            tidy.append((body, font))
    if tidy and tidy[-1][0].endswith(" "):
        text, font = tidy.pop()
        if text.rstrip(" "):
            tidy.append((text.rstrip(" "), font))
    return tidy


@cache
def _fitting_widths(font_name: str) -> defaultdict[int, float]:
    """Return _char_widths with a space narrowed by SPACE_SHRINKAGE: a line fits when the sum
    of these is at most its width, as ReportLab lets the spaces of a line shrink a little."""
    widths = defaultdict(_char_widths(font_name).default_factory, _char_widths(font_name))
    widths[32] = widths[32] * (1 - SPACE_SHRINKAGE)
    return widths


def _fitting(text: str, font_name: str) -> Iterable[float]:
    """The advances of shaped text (scripts.py) with each space narrowed by SPACE_SHRINKAGE."""
    shrunk = 1 - SPACE_SHRINKAGE
    advances = shape(text, font_name).advances
    return (w * shrunk if c == " " else w for c, w in zip(text, advances, strict=True))


def _cut(runs: list[Run], start: int, end: int) -> list[Run]:
    """Return the characters start to end of the text of runs, as runs."""
    if len(runs) == 1:
        return [(runs[0][0][start:end], runs[0][1])]
    cut, offset = [], 0
    for text, font in runs:
        low, high = max(start - offset, 0), min(end - offset, len(text))
        if low < high:
            cut.append((text[low:high], font))
        offset += len(text)
    return cut


def _wider(fitting: list[float], text: str, start: int, limit: float) -> bool:
    """Whether the word of text that starts at start is wider than limit."""
    end = text.find(" ", start)
    return fitting[len(text) if end < 0 else end] - fitting[start] > limit


def break_lines(
    lines: Sequence[Sequence[Run]], width: float, size: float
) -> list[tuple[list[Run], float]]:
    """Break each of lines (a forced line break between two) at spaces into lines no wider
    than width, cutting a word that is wider by itself; return each line's runs and width.

    Lines are filled greedily, as ReportLab's Paragraph does, but measured once: from the
    running sums of the character widths, the longest start of the rest that fits is a
    bisection away, and the space to break at the last one before it.
    """
    scale = 0.001 * size
    limit = width / scale
    result = []
    for line in lines:
        runs = _tidy(line)
        if not runs:
            continue
        plain = is_plain(*runs[0]) if len(runs) == 1 else all(is_plain(*r) for r in runs)
        if not plain:
            total = sum(sum(_advances(t, f)) for t, f in runs)
        elif len(runs) == 1:
            text, font = runs[0]
            total = sum(map(_char_widths(font).__getitem__, map(ord, text)))
        else:
            total = sum(sum(map(_char_widths(f).__getitem__, map(ord, t))) for t, f in runs)
        if total <= limit:  # the common case: the line fits as it is
            result.append((runs, total * scale))
            continue
        text = "".join(t for t, _ in runs)
        if plain:
            advances = chain.from_iterable(
                map(_char_widths(f).__getitem__, map(ord, t)) for t, f in runs
            )
            fittings = chain.from_iterable(
                map(_fitting_widths(f).__getitem__, map(ord, t)) for t, f in runs
            )
        else:
            advances = chain.from_iterable(_advances(t, f) for t, f in runs)
            fittings = chain.from_iterable(_fitting(t, f) for t, f in runs)
        advance = list(accumulate(advances, initial=0))
        fitting = list(accumulate(fittings, initial=0))
        start, length = 0, len(text)
        while start < length:
            # fits: the most characters from start that fit in the width.
            fits = bisect_right(fitting, fitting[start] + limit) - 1
            if fits >= length:
                end = resume = length
            else:
                space = text.rfind(" ", start, fits + 1)  # the last break that fits
                end, resume = space, space + 1
                if space <= start:  # a word wider than the line: cut it, a character at least
                    end = resume = max(fits, start + 1)
                elif space < fits and _wider(fitting, text, space + 1, limit):
                    # The word that does not fit is wider than a line by itself: as ReportLab
                    # does, it is cut to fill this line (its spaces at full width).
                    cut = bisect_right(advance, advance[start] + limit) - 1
                    if cut > space + 1:
                        end = resume = cut
            result.append((_cut(runs, start, end), (advance[end] - advance[start]) * scale))
            start = resume
    return result


class Text(Flowable):
    """Lines of runs set in a paragraph style's size, leading, spacing and alignment
    (left or right), each line broken further to fit the width it is given."""

    def __init__(self, lines: Sequence[Sequence[Run]], style: ParagraphStyle) -> None:
        super().__init__()
        self.lines = lines
        self.style = style
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self._broken: list[tuple[list[Run], float]] = []
        self._wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Tables wrap each cell to size its row, again to draw it, and again on a split.
        if availWidth != self._wrapped_at:
            self._broken = break_lines(self.lines, availWidth, self.style.fontSize)
            self._wrapped_at = availWidth
        self.width = availWidth
        self.height = len(self._broken) * self.style.leading
        return self.width, self.height

    def minWidth(self) -> float:
        """The widest word, as Paragraph.minWidth: what a table column sized to fit needs."""
        size = self.style.fontSize
        words = ((w, f) for line in self.lines for t, f in line for w in t.split())
        return max((string_width(w, f, size) for w, f in words), default=0.0)

    def line_ops(
        self, canvas: Canvas, x: float, top: float, font_set: list[str] | None = None
    ) -> list[str]:
        """Return the operators, for inside BT ... ET, setting the wrapped lines in the
        box of the last wrap whose top left corner is at (x, top); font_set as for show."""
        style = self.style
        size, leading = style.fontSize, style.leading
        y = top - size
        if not self._broken:
            return []
        if style.alignment == TA_RIGHT:
            ops = []
            for runs, width in self._broken:
                left = number(x + self.width - width)
                shown = show(canvas, runs, size, font_set)
                ops.append(f"1 0 0 1 {left} {number(y)} Tm {shown}")
                y -= leading
            return ops
        # Left aligned: place the first line, and move down by the leading to the next (T*).
        lines = iter(self._broken)
        runs, _ = next(lines)
        place = f"{number(leading)} TL 1 0 0 1 {number(x)} {number(y)} Tm"
        return [f"{place} {show(canvas, runs, size, font_set)}"] + [
            f"T* {show(canvas, runs, size, font_set)}" for runs, _ in lines
        ]

    def draw(self) -> None:
        self.drawOn(self.canv, 0, 0)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Flowable.drawOn, the lines set where they go rather than moving the canvas."""
        if self._broken:
            # _hAlignAdjust is private to Flowable, so types-reportlab leaves it out.
            left = self._hAlignAdjust(x, _sW)  # type: ignore[attr-defined]
            ops = self.line_ops(canvas, left, y + self.height, [""])
            canvas.addLiteral("BT\n" + "\n".join(ops) + "\nET")


def plain(text: object, font: str) -> list[list[Run]]:
    """Return text, all in font, as the lines of a Text."""
    return [[(str(text), font)]]
