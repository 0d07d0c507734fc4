"""Time build_record on a two-page record against a bare canvas drawing the same text.

Run from the repository root: .venv/bin/python scripts/bench_pdf.py [N]
"""

import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from careercredit.pdf import RecordData, build_record
from careercredit.pdf.fonts import register_fonts
from tests.pdf.sample import make_record


def record_lines(data: RecordData) -> list[str]:
    """Return the text a record prints, one string per item."""
    student = data.student
    lines = [data.institution.name, *data.institution.address_lines]
    lines += [student.legal_name, student.student_id, student.program, data.registrar_name]
    for term in data.terms:
        lines.append(f"{term.name} ({term.code})")
        for plan in term.plans:
            lines += [plan.course, plan.section, str(plan.verified_hours), str(plan.credits)]
            lines += [plan.grade, plan.sponsor_name, plan.signed_off_on.isoformat()]
            for placement in plan.placements:
                lines += [placement.employer, placement.project, placement.feedback_summary]
                lines += list(placement.deliverables)
    return lines


def bare_canvas(data: RecordData, pages: int = 2) -> bytes:
    """Draw the record's text on a plain canvas in the same embedded font: the floor."""
    font, _ = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, initialFontName=font)
    lines = record_lines(data)
    per_page = -(-len(lines) // pages)
    for start in range(0, len(lines), per_page):
        canvas.setFont(font, 8)
        for row, line in enumerate(lines[start : start + per_page]):
            canvas.drawString(50, 800 - row * 10, line)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def ms_per_call(build: Callable[[RecordData], bytes], data: RecordData, n: int) -> float:
    build(data)  # warm up: font loading, caches
    start = time.perf_counter()
    for _ in range(n):
        build(data)
    return (time.perf_counter() - start) * 1000 / n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    data = make_record(terms=2, plans=3)
    record = ms_per_call(build_record, data, n)
    floor = ms_per_call(bare_canvas, data, n)
    print(f"build_record:  {record:7.2f} ms per record ({n} runs, two pages)")
    print(f"bare canvas:   {floor:7.2f} ms per record (same text, same font)")
    print(f"ratio:         {record / floor:7.2f}x")


if __name__ == "__main__":
    main()
