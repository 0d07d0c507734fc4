"""OpenType fonts set by glyph id and embedded as CID-keyed subsets (Type 0, Identity-H).

ReportLab's TTFont encodes characters, one subset of 256 at a time, and reads TrueType
outlines only. Shaped text is made of glyphs, and many have no character of their own
(Arabic joining forms, Devanagari conjuncts); and the CJK faces have CFF outlines. A
GlyphFont is written as two-byte codes instead, given to glyphs in the order a document
first shows them. When the document is saved, a font holding just those glyphs (code n is
glyph n) is built and embedded with their widths and a ToUnicode map from each code to the
text its glyph was first shaped from.

The font is built from the glyphs' outlines rather than by fontTools' subsetter: a CJK face
has 65,535 glyphs, and subsetting it reads all of them, a fifth of a second per document.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import uharfbuzz
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfdoc


@dataclass
class _Used:
    """What one document set in a font: its resource name, the code of each glyph, and the
    text each code stands for."""

    name: str
    codes: dict[int, int] = field(default_factory=lambda: {0: 0})
    text: dict[int, str] = field(default_factory=dict)


class GlyphFont:
    """An OpenType font (one face of a collection) whose glyphs are shown by id."""

    #: Asks ReportLab's document to call addObjects at save, as for its own TTFonts.
    _dynamicFont = 1

    def __init__(self, name: str, path: Path, index: int = 0) -> None:
        self.fontName = name
        self.path, self.index = path, index
        self._used: WeakKeyDictionary[Any, _Used] = WeakKeyDictionary()
        self._lock = threading.Lock()

    @cached_property
    def _data(self) -> bytes:
        """The font file, read once: loads from it leave no file open."""
        return self.path.read_bytes()

    @cached_property
    def _font(self) -> Any:
        """The font as fontTools reads it: each table when first asked for."""
        return TTFont(io.BytesIO(self._data), fontNumber=self.index, lazy=True)

    @cached_property
    def cmap(self) -> dict[int, int]:
        """The glyph id of each character the font has."""
        ids = self._font.getReverseGlyphMap()
        return {code: ids[name] for code, name in self._font.getBestCmap().items()}

    @cached_property
    def is_cff(self) -> bool:
        return "CFF " in self._font

    @cached_property
    def scale(self) -> float:
        """Thousandths of the size per font unit."""
        return 1000 / int(self._font["head"].unitsPerEm)

    @cached_property
    def hb_font(self) -> Any:
        """The face as harfbuzz shapes with it, shared by every document."""
        blob = uharfbuzz.Blob(self._data)
        return uharfbuzz.Font(uharfbuzz.Face(blob, self.index))

    def width(self, gid: int) -> float:
        """The glyph's advance, in thousandths of the size."""
        advance: int = self._font["hmtx"][self._font.getGlyphName(gid)][0]
        return advance * self.scale

    def use(self, doc: Any, glyphs: list[tuple[int, str]]) -> tuple[str, dict[int, int]]:
        """Note that doc shows glyphs (each with the text it stands for); return the name
        the font has in doc's resources and the code of each glyph id in doc."""
        used = self._used.get(doc)
        if used is None:
            name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = "/" + name
            doc.delayedFonts.append(self)
            used = self._used[doc] = _Used(name)
        codes = used.codes
        for gid, text in glyphs:
            code = codes.setdefault(gid, len(codes))
            if text and code not in used.text:
                used.text[code] = text
        return used.name, codes

    # Embedding

    def addObjects(self, doc: Any) -> None:
        """Add the font's subset for doc to doc (ReportLab calls this when saving)."""
        used = self._used.pop(doc)
        gids = list(used.codes)  # in the order of their codes
        program, subtype = self._program(gids)
        tag = _tag(self.fontName, gids)
        base = f"{tag}+{self._font['name'].getDebugName(6) or self.fontName}"
        file = pdfdoc.PDFStream(content=program, filters=[pdfdoc.PDFZCompress])
        if self.is_cff:
            file.dictionary["Subtype"] = pdfdoc.PDFName("CIDFontType0C")
        else:
            file.dictionary["Length1"] = len(program)
        head, hhea = self._font["head"], self._font["hhea"]
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("FontDescriptor"),
                "FontName": pdfdoc.PDFName(base),
                "Flags": 4,  # symbolic: the glyphs are found by code, not by name
                "FontBBox": pdfdoc.PDFArray(
                    [round(v * self.scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
                ),
                "ItalicAngle": 0,
                "Ascent": round(hhea.ascent * self.scale),
                "Descent": round(hhea.descent * self.scale),
                "CapHeight": round(hhea.ascent * self.scale),
                "StemV": 80,
                subtype: doc.Reference(file),
            }
        )
        widths = " ".join(f"{code} [{round(self.width(gid))}]" for gid, code in used.codes.items())
        cid_font = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("CIDFontType0" if self.is_cff else "CIDFontType2"),
                "BaseFont": pdfdoc.PDFName(base),
                "CIDSystemInfo": "<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>",
                "FontDescriptor": doc.Reference(descriptor),
                "DW": 1000,
                "W": f"[{widths}]",
            }
        )
        if not self.is_cff:
            cid_font["CIDToGIDMap"] = pdfdoc.PDFName("Identity")
        to_unicode = pdfdoc.PDFStream(
            content=_to_unicode(used.text),
            filters=[pdfdoc.PDFZCompress],
        )
        font = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("Type0"),
                "BaseFont": pdfdoc.PDFName(base),
                "Encoding": pdfdoc.PDFName("Identity-H"),
                "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font)]),
                "ToUnicode": doc.Reference(to_unicode),
            }
        )
        doc.idToObject["BasicFonts"].dict[used.name] = doc.Reference(font, used.name)

    @cached_property
    def _glyphs(self) -> Any:
        """The font's glyphs by name, each drawn from its outline when asked for."""
        return self._font.getGlyphSet()

    def _program(self, gids: list[int]) -> tuple[bytes, str]:
        """Return a font whose glyph n is gids[n], and the descriptor key it goes under:
        TrueType outlines (components drawn into the glyph), or a bare CFF font."""
        # fontTools reads a glyph's outline when it is first drawn, into the shared font:
        # documents built on other threads wait.
        with self._lock:
            return self._build(gids)

    def _build(self, gids: list[int]) -> tuple[bytes, str]:
        source, names = self._glyphs, self._font.getGlyphOrder()
        drawn = [source[names[gid]] for gid in gids]
        order = [".notdef", *(f"g{code}" for code in range(1, len(gids)))]
        head = self._font["head"]
        builder = FontBuilder(int(head.unitsPerEm), isTTF=not self.is_cff)
        # The same glyphs make the same bytes: the font's dates, not the time it is built.
        builder.font["head"].created, builder.font["head"].modified = head.created, head.modified
        builder.setupGlyphOrder(order)
        name = self._font["name"].getDebugName(6) or self.fontName
        if self.is_cff:
            charstrings = {}
            for new, glyph in zip(order, drawn, strict=True):
                pen = T2CharStringPen(glyph.width, None)
                glyph.draw(pen)
                charstrings[new] = pen.getCharString()
            builder.setupCFF(name, {"FullName": name}, charstrings, {})
            program: bytes = builder.font["CFF "].compile(builder.font)
            return program, "FontFile3"
        outlines, metrics = {}, {}
        for new, glyph in zip(order, drawn, strict=True):
            recording = DecomposingRecordingPen(source)
            glyph.draw(recording)
            pen = TTGlyphPen(None)
            recording.replay(pen)
            outlines[new] = pen.glyph()
            xs = [x for x, _ in getattr(outlines[new], "coordinates", [])]
            metrics[new] = (glyph.width, min(xs, default=0))
        builder.setupGlyf(outlines)
        builder.setupHorizontalMetrics(metrics)
        hhea = self._font["hhea"]
        builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
        builder.setupMaxp()
        builder.setupPost()
        out = io.BytesIO()
        builder.save(out)
        return out.getvalue(), "FontFile2"


def _tag(name: str, gids: list[int]) -> str:
    """The six capital letters naming a subset: the same glyphs give the same tag."""
    digest = hashlib.sha256(f"{name}:{gids}".encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _to_unicode(text: dict[int, str]) -> bytes:
    """A ToUnicode CMap giving each two-byte code the text its glyph stands for."""
    pairs = [f"<{code:04X}> <{_utf16(chars)}>" for code, chars in sorted(text.items()) if chars]
    blocks = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
            *blocks,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    ).encode("ascii")
