"""Text breaks into lines where ReportLab's Paragraph would break the same text."""

from xml.sax.saxutils import escape

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from careercredit.pdf.fonts import register_fonts
from careercredit.pdf.text import Run, break_lines

FEEDBACK = "Supervisor: Łukasz Brzęczyszczykiewicz: careful, punctual work; clear reports."
LONG_WORD = "https://example.org/a/very/long/path/to/the/accepted/deliverable"


def paragraph_lines(lines: list[list[Run]], width: float) -> list[str]:
    """The lines of a Paragraph of lines (bold runs in <b>) at 8 points in width."""
    font, bold = register_fonts()
    markup = "<br/>".join(
        "".join(f"<b>{escape(t)}</b>" if f == bold else escape(t) for t, f in line)
        for line in lines
    )
    paragraph = Paragraph(markup, ParagraphStyle("cell", fontName=font, fontSize=8, leading=10))
    paragraph.wrap(width, 10_000)
    broken = paragraph.blPara
    if broken.kind == 0:
        texts = [" ".join(words) for _, words in broken.lines]
    else:
        texts = ["".join(frag.text for frag in line.words) for line in broken.lines]
    return [" ".join(text.split()) for text in texts]


def our_lines(lines: list[list[Run]], width: float) -> list[str]:
    return ["".join(text for text, _ in runs) for runs, _ in break_lines(lines, width, 8)]


@pytest.mark.parametrize("width", [40.0, 90.0, 164.69, 300.0])
@pytest.mark.parametrize(
    "sample",
    [
        "placement",
        "feedback",
        "long word",
        "white space",
    ],
)
def test_lines_break_as_in_a_paragraph(sample, width):
    font, bold = register_fonts()
    lines = {
        "placement": [
            [("Ørsted Labs 7", bold), (" — Field study 7: wind-farm noise survey (42.5 h)", font)],
            [(FEEDBACK, font)],
            [("Deliverables: Survey report 7; Data set & notes", font)],
        ],
        "feedback": [[(FEEDBACK, font)]],
        "long word": [[(f"Deliverables: {LONG_WORD} and {LONG_WORD}", font)]],
        "white space": [[("  Zoë   Ødegård:\ncareful,\tpunctual  ", font)], [("   ", font)]],
    }[sample]
    assert our_lines(lines, width) == paragraph_lines(lines, width)


def test_line_widths_are_the_widths_of_their_text():
    font, bold = register_fonts()
    lines = [[("Ørsted Labs 7", bold), (" — " + FEEDBACK, font)]]
    for runs, width in break_lines(lines, 90, 8):
        assert width == pytest.approx(sum(stringWidth(t, f, 8) for t, f in runs))
