"""Names in every script, read back as a reader would: the fonts pdffonts lists, the glyphs
embedded for them (their outlines, read with fontTools), and the text pdftotext gives back."""

import io
import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from careercredit.pdf import Placement, Student, build_record
from careercredit.pdf.fonts import register_fonts
from careercredit.pdf.text import break_lines
from tests.pdf.sample import make_record

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="needs poppler-utils",
)

#: A name in each script (people of the test and demo campuses, as they write their names),
#: and the font pdffonts must list for it.
NAMES = {
    "Latin": ("José Ñúñez", "DejaVuSans"),
    "Greek": ("Ολίβια Τσεν", "DejaVuSans"),  # Olivia Chen
    "Cyrillic": ("Сэм Окафор", "DejaVuSans"),  # Sam Okafor
    "Arabic": ("أميرة حداد", "NotoSansArabic-Regular"),  # Amira Haddad
    "Hebrew": ("קאי מורגן", "NotoSansHebrew-Regular"),  # Kai Morgan
    "Devanagari": ("प्रिया शाह", "NotoSansDevanagari-Regular"),  # Priya Shah
    "Chinese": ("王美", "NotoSansCJKsc-Regular"),  # Mei Wong
    "Japanese": ("田中ひろし", "NotoSansCJKjp-Regular"),  # Hiroshi Tanaka
    "Korean": ("김파리드", "NotoSansCJKkr-Regular"),  # Farid Kim
    # One of the other scripts fonts-noto-core covers.
    "Tamil": ("பிரியா ராமன்", "NotoSansTamil-Regular"),  # Priya Raman
}
#: Direction marks pdftotext puts around what it read right to left.
_DIRECTION_MARKS = dict.fromkeys(range(0x202A, 0x202F))


def pdftotext(pdf: bytes) -> str:
    run = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return run.stdout.decode().translate(_DIRECTION_MARKS)


def pdffonts(pdf: bytes) -> list[list[str]]:
    """The rows of pdffonts: name, type..., emb, sub, uni, object, generation."""
    run = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    return [line.split() for line in run.stdout.decode().splitlines()[2:]]


def record_of(name: str, **changes: object) -> bytes:
    """A record of two pages or more of a student called name."""
    student = Student(name, "S-20239876", "BSc Physics")
    return build_record(make_record(terms=2, plans=3, student=student, **changes))


@pytest.fixture(scope="module", params=list(NAMES))
def script(request):
    """A script, its sample name and font, and the record of a student of that name."""
    name, font = NAMES[request.param]
    return request.param, name, font, record_of(name)


def test_the_name_comes_back_from_the_text_layer_in_logical_order(script):
    _, name, _, pdf = script
    pages = pdftotext(pdf).split("\f")
    assert len(pages) >= 2
    assert name in pages[0]
    # The running header of the pages after the first carries it too (the student block,
    # the only other place it is printed, is on page 1).
    assert name in pages[1]


def test_every_font_is_embedded_as_a_subset(script):
    _, _, font, pdf = script
    rows = pdffonts(pdf)
    assert any(row[0].endswith(f"+{font}") for row in rows), rows
    for row in rows:
        emb, sub, uni = row[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_no_glyph_is_missing(script):
    """Every glyph shown in a Noto font is in the subset embedded, and has an outline."""
    _, _, font, pdf = script
    shown = glyphs_shown(pdf)
    if font == "DejaVuSans":
        assert not shown  # the fast path: no fallback font at all
        return
    assert shown
    for base, glyphs in shown.items():
        assert glyphs, base
        assert all(glyphs.values()), f"{base} shows empty or missing glyphs: {glyphs}"


def test_arabic_is_set_in_its_joining_forms():
    """حداد has a dal after a hah, joined to it, and a dal after an alef, on its own: two
    forms of one letter, two glyphs."""
    pdf = record_of(NAMES["Arabic"][0])
    ((_, text),) = programs_and_text(pdf).values()
    assert list(text.values()).count("د") == 2, text


def test_devanagari_is_set_in_clusters():
    """प्रि (pa, virama, ra, vowel sign i) is drawn as a conjunct with the vowel sign before
    it: glyphs that stand for the four characters together, not one glyph each."""
    pdf = record_of(NAMES["Devanagari"][0])
    ((_, text),) = programs_and_text(pdf).values()
    assert any(len(chars) > 1 for chars in text.values()), text


def test_a_record_carries_every_script_at_once():
    feedback = "; ".join(name for name, _ in NAMES.values())
    record = make_record(student=Student(NAMES["Arabic"][0], "S-1", "BSc Physics"))
    term = record.terms[0]
    plan = term.plans[0]
    placement = Placement("Café Ñandú", "Menu costing", plan.verified_hours, feedback)
    plans = [replace(plan, placements=[placement]), *term.plans[1:]]
    pdf = build_record(replace(record, terms=[replace(term, plans=plans)]))
    text = " ".join(pdftotext(pdf).split())
    for name, _ in NAMES.values():
        for word in name.split():
            assert word in text
    names = {row[0].split("+", 1)[1] for row in pdffonts(pdf)}
    assert {font for _, font in NAMES.values()} <= names


def test_names_in_every_script_break_into_lines_that_fit():
    font, _ = register_fonts()
    names = "; ".join(name for name, _ in NAMES.values())
    lines = break_lines([[(names, font)]], 120, 8)
    assert len(lines) > 2
    assert all(width <= 120 for _, width in lines)
    assert " ".join(text for runs, _ in lines for text, _ in runs) == names


def test_the_same_name_gives_the_same_bytes():
    assert record_of(NAMES["Chinese"][0]) == record_of(NAMES["Chinese"][0])


def programs_and_text(pdf: bytes) -> dict[str, tuple[bytes, dict[int, str]]]:
    """For each Type 0 font of the PDF: its embedded font program, and the text each code
    it shows stands for (its ToUnicode map)."""
    result = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if font["/Subtype"] != "/Type0":
                continue
            cid_font = font["/DescendantFonts"][0].get_object()
            descriptor = cid_font["/FontDescriptor"].get_object()
            file = descriptor.get("/FontFile2") or descriptor["/FontFile3"]
            cmap = font["/ToUnicode"].get_data().split(b"endcodespacerange")[1]
            pairs = re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
            text = {
                int(code, 16): bytes.fromhex(chars.decode()).decode("utf-16-be")
                for code, chars in pairs
            }
            result[str(font["/BaseFont"])] = (file.get_object().get_data(), text)
    return result


def glyphs_shown(pdf: bytes) -> dict[str, dict[int, bool]]:
    """For each Type 0 font of the PDF: the code of every glyph it shows and whether the
    embedded font program draws something for it."""
    result = {}
    for base, (program, text) in programs_and_text(pdf).items():
        if program[:4] in (b"\x00\x01\x00\x00", b"true"):
            result[base] = _truetype_drawn(program, list(text))
        else:
            result[base] = _cff_drawn(program, list(text))
    return result


def _truetype_drawn(program: bytes, codes: list[int]) -> dict[int, bool]:
    font = TTFont(io.BytesIO(program))
    glyf = font["glyf"]
    order = font.getGlyphOrder()
    return {
        code: 0 < code < len(order) and glyf[order[code]].numberOfContours != 0 for code in codes
    }


def _cff_drawn(program: bytes, codes: list[int]) -> dict[int, bool]:
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(program), None)
    font = cff[cff.fontNames[0]]
    drawn = {}
    for code in codes:
        if not 0 < code < len(font.charset):
            drawn[code] = False
            continue
        pen = BoundsPen(None)
        font.CharStrings[font.charset[code]].draw(pen)
        drawn[code] = pen.bounds is not None
    return drawn
