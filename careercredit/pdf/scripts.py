"""Text in any script: each character's font, visual order and shaping.

Text that DejaVu sets without shaping (fonts.plain_characters) never comes here: text.py
sets it as before, character by character. Other text is cut into clusters (a character
and the marks and joiners that follow it), each set in DejaVu if it is one plain character
or else in the first Noto face that has all of it; python-bidi's implementation of the
Unicode bidirectional algorithm gives each character its level, and the runs of one font
and level are put in visual order (rule L2) and shaped by harfbuzz, right to left where the
level is odd. Each glyph keeps the text it stands for, which text.py writes so that copying
or extracting gives back what was typed, in logical order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Any

import uharfbuzz
from bidi import algorithm as bidi
from bidi.mirror import MIRRORED

from careercredit.pdf.fonts import char_widths, fallbacks, plain_characters
from careercredit.pdf.opentype import GlyphFont

#: Characters that belong to the cluster before them: marks, joiners, variation selectors.
_JOINING = frozenset("\u200c\u200d\u034f") | frozenset(map(chr, range(0xFE00, 0xFE10)))
#: Punctuation that separates the parts of a text (names in a list) that may be written
#: in different countries' ideographs: "王美; 田中ひろし".
_PARTS = re.compile(r"([!-/:-@\[-`{-~·]+)")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of one font and one direction.

    With a GlyphFont: its text in logical order, and its glyphs in visual order, each
    (glyph id, the text it stands for, advance, x and y offsets), advance and offsets in
    thousandths of the size. Without: text in the base font, unshaped, its characters in
    visual order (mirrored where it is set right to left).
    """

    font: GlyphFont | None
    text: str
    glyphs: tuple[tuple[int, str, float, float, float], ...] = ()
    #: Whether the piece is set right to left (text is in logical order all the same).
    rtl: bool = False


@dataclass(frozen=True, slots=True)
class Shaped:
    """Text set in pieces: the pieces in visual order, and the advance each character of
    the text (in logical order) adds to the width, in thousandths of the size (the whole
    advance of a cluster is given to its first character)."""

    pieces: tuple[Piece, ...]
    advances: tuple[float, ...]

    @property
    def width(self) -> float:
        return sum(self.advances)


#: plain_characters of each base font, looked up on every string a record sets.
_PLAIN: dict[str, frozenset[str]] = {}


def is_plain(text: str, font_name: str) -> bool:
    """Whether font_name sets all of text without help (the fast path)."""
    if text.isascii():
        return True
    plain = _PLAIN.get(font_name)
    if plain is None:
        plain = _PLAIN[font_name] = plain_characters(font_name)
    return plain.issuperset(text)


def _cjk_face(text: str) -> str:
    """The face of Noto Sans CJK for text: Japanese if it has kana, Korean if hangul."""
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            return "JP"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "KR"
    return "SC"


def _clusters(text: str) -> list[str]:
    clusters: list[str] = []
    for char in text:
        if clusters and (char in _JOINING or unicodedata.category(char) in ("Mn", "Mc", "Me")):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _fonts(text: str, font_name: str) -> list[GlyphFont | None]:
    """The font of each character of text: None for the base font."""
    fonts: list[GlyphFont | None] = []
    for part in _PARTS.split(text):
        fonts += _part_fonts(part, font_name)
    return fonts


def _part_fonts(text: str, font_name: str) -> list[GlyphFont | None]:
    """_fonts of text without separators: one face of Noto Sans CJK for all of it."""
    plain = plain_characters(font_name)
    chain = fallbacks(font_name, _cjk_face(text))
    fonts: list[GlyphFont | None] = []
    for cluster in _clusters(text):
        font: GlyphFont | None = None
        if len(cluster) > 1 or cluster not in plain:
            codes = [ord(c) for c in cluster]
            font = next((f for f in chain if all(c in f.cmap for c in codes)), None)
            if font is None:  # no face has it all: the one with its first character
                font = next((f for f in chain if codes[0] in f.cmap), None)
        fonts += [font] * len(cluster)
    return fonts


def _levels(text: str) -> list[int]:
    """The embedding level of each character (rules X1 to I2 of the algorithm).

    The paragraph level is left to right whatever the text starts with: a record is an
    English document, and "أميرة حداد · S-1" reads name first there, as in its table.
    """
    storage: dict[str, Any] = bidi.get_empty_storage()
    storage["base_level"], storage["base_dir"] = 0, "L"
    bidi.get_embedding_levels(text, storage)
    # Rule X9 takes the embedding controls out of storage["chars"]; the levels are read
    # from every character's entry, the controls keeping those of their embedding.
    chars = list(storage["chars"])
    bidi.explicit_embed_and_overrides(storage)
    bidi.resolve_weak_types(storage)
    bidi.resolve_neutral_types(storage, False)
    bidi.resolve_implicit_levels(storage, False)
    return [char["level"] for char in chars]


def _visual(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Put runs (start, end, level) in visual order (rule L2): from the highest level down
    to the lowest odd one, reverse every sequence of runs at that level or higher."""
    if not runs:
        return runs
    highest = max(level for _, _, level in runs)
    lowest_odd = min(level for _, _, level in runs) | 1
    for level in range(highest, lowest_odd - 1, -1):
        ordered: list[tuple[int, int, int]] = []
        for high, group in groupby(runs, key=lambda run: run[2] >= level):
            members = list(group)
            ordered += reversed(members) if high else members
        runs = ordered
    return runs


def _shape(font: GlyphFont, text: str, rtl: bool, advances: list[float], start: int) -> Piece:
    """Shape text with font; add each cluster's advance to advances at its first character
    (offset by start, where text begins in the whole)."""
    buffer = uharfbuzz.Buffer()
    buffer.add_codepoints([ord(c) for c in text])
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.guess_segment_properties()
    buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    uharfbuzz.shape(font.hb_font, buffer, {})
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    # The text a glyph stands for: from its cluster to the next cluster. Text extractors
    # read right-to-left glyphs from where they are drawn and turn what they read around,
    # so the characters of a right-to-left ligature are given in visual order too.
    starts = sorted({info.cluster for info in infos})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    glyphs = []
    seen: set[int] = set()
    for info, position in zip(infos, positions, strict=True):
        cluster = info.cluster
        chars = "" if cluster in seen else text[cluster : ends[cluster]]
        if rtl:
            chars = chars[::-1]
        seen.add(cluster)
        advance = position.x_advance * font.scale
        advances[start + cluster] += advance
        glyphs.append(
            (
                info.codepoint,
                chars,
                advance,
                position.x_offset * font.scale,
                position.y_offset * font.scale,
            )
        )
    return Piece(font, text, tuple(glyphs), rtl)


@lru_cache(maxsize=4096)
def shape(text: str, font_name: str) -> Shaped:
    """Set text (in logical order) whose base font is font_name, as pieces."""
    fonts, levels = _fonts(text, font_name), _levels(text)
    widths = char_widths(font_name)
    advances = [0.0] * len(text)
    runs, start = [], 0
    for (_, level), group in groupby(zip(fonts, levels, strict=True)):
        end = start + len(list(group))
        runs.append((start, end, level))
        start = end
    pieces = []
    for start, end, level in _visual(runs):
        font, rtl = fonts[start], level % 2 == 1
        if font is None:
            for i in range(start, end):
                advances[i] = widths[ord(text[i])]
            chars = text[start:end]
            if rtl:
                chars = "".join(MIRRORED.get(c, c) for c in reversed(chars))
            pieces.append(Piece(None, chars, rtl=rtl))
        else:
            pieces.append(_shape(font, text[start:end], rtl, advances, start))
    return Shaped(tuple(pieces), tuple(advances))
