"""Time build_record on a two-page record against a bare canvas drawing the same text.

Run from the repository root: .venv/bin/python scripts/bench_pdf.py [N]

Prints milliseconds per record for the project's builder and for the floor (a minimal
ReportLab canvas drawing the record's text in the same embedded font, with the ReportLab
settings careercredit.pdf makes), their ratio, and the records per second of the bulk
export's process pool. For reference it also times the floor with the text the record sets
in bold drawn in bold, which embeds the second font subset a record carries, and the record
with a Japanese and an Arabic name, which are shaped and set in two more (Noto) fonts.

Every record has its own verification code and URL, as in production, so nothing computed
from them (the QR code) is reused from one record to the next. The builders are timed in
alternating rounds on fresh records and the best round of each counts: a shared, busy
machine only ever makes a round slower.
"""

import io
import itertools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from careercredit.pdf import RecordData, build_record
from careercredit.pdf.fonts import register_fonts
from scripts.bench_jobs import render_in_processes
from tests.pdf.sample import make_record

#: Rounds of each builder; the best one counts.
ROUNDS = 5
#: Processes of the bulk export, and records built by each before the clock starts (the
#: bulk export times four times N records).
PROCESSES = 2
WARM_UP_PER_PROCESS = 4

_serial = itertools.count()
CJK_NAME = "田中ひろし"  # Hiroshi Tanaka
ARABIC_NAME = "أميرة حداد"  # Amira Haddad


def records(n: int) -> list[RecordData]:
    """Return n two-page records, each with a verification code and URL not used before."""
    result = []
    for _ in range(n):
        code = f"CC-BNCH-{next(_serial):08d}"
        url = f"https://records.example.edu/verify/{code}"
        result.append(make_record(terms=2, plans=3, verification_code=code, verification_url=url))
    return result


def record_items(data: RecordData) -> list[tuple[str, bool]]:
    """Return the text a record prints, one string per item, and whether it is set in bold."""
    student = data.student
    items = [(data.institution.name, True)]
    items += [(line, False) for line in data.institution.address_lines]
    items += [(student.legal_name, False), (student.student_id, False)]
    items += [(student.program, False), (data.registrar_name, False)]
    for term in data.terms:
        items.append((f"{term.name} ({term.code})", True))
        for plan in term.plans:
            items += [(plan.course, True), (plan.section, False)]
            items += [(str(plan.verified_hours), False), (str(plan.credits), False)]
            items += [(plan.grade, False), (plan.sponsor_name, False)]
            items.append((plan.signed_off_on.isoformat(), False))
            for placement in plan.placements:
                items += [(placement.employer, True), (placement.project, False)]
                items.append((placement.feedback_summary, False))
                items += [(title, False) for title in placement.deliverables]
    return items


def record_lines(data: RecordData) -> list[str]:
    """Return the text a record prints, one string per item."""
    return [text for text, _ in record_items(data)]


def bare_canvas(data: RecordData, pages: int = 2, *, both_faces: bool = False) -> bytes:
    """Draw the record's text on a plain canvas in the same embedded font: the floor.

    With both_faces, what the record sets in bold is drawn in bold, which embeds a second
    font subset as the record does.
    """
    font, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, initialFontName=font)
    items = record_items(data)
    per_page = -(-len(items) // pages)
    for start in range(0, len(items), per_page):
        canvas.setFont(font, 8)
        for row, (line, strong) in enumerate(items[start : start + per_page]):
            if both_faces:
                canvas.setFont(bold if strong else font, 8)
            canvas.drawString(50, 800 - row * 10, line)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def bare_canvas_both_faces(data: RecordData) -> bytes:
    return bare_canvas(data, both_faces=True)


def build_international(data: RecordData) -> bytes:
    """build_record of data with a Japanese student name and an Arabic registrar's name: the
    text is shaped and two Noto fonts are subset and embedded besides DejaVu."""
    student = replace(data.student, legal_name=CJK_NAME)
    return build_record(replace(data, student=student, registrar_name=ARABIC_NAME))


def ms_per_record(builders: dict[str, Callable[[RecordData], bytes]], n: int) -> dict[str, float]:
    """Time each builder on n fresh records per round, rounds alternating; return the best
    milliseconds per record of each."""
    for build in builders.values():
        build(make_record(terms=2, plans=3))  # warm up: fonts, imports, caches per version
    best = dict.fromkeys(builders, float("inf"))
    for _ in range(ROUNDS):
        for name, build in builders.items():
            datas = records(n)
            start = time.perf_counter()
            for data in datas:
                build(data)
            best[name] = min(best[name], (time.perf_counter() - start) * 1000 / n)
    return best


def records_per_second(n: int, processes: int = PROCESSES) -> float:
    """Run the bulk export's pool (unsigned) on warm-up records, then time n more; return
    the records per second once the pool is up."""
    warm_up = processes * WARM_UP_PER_PROCESS
    datas = records(warm_up + n)
    with closing(render_in_processes(iter(datas), None, processes)) as pdfs:
        return _throughput(pdfs, warm_up, n)


def _throughput(pdfs: Iterator[bytes], warm_up: int, n: int) -> float:
    """Records per second over the n PDFs that follow the first warm_up ones (those pay for
    starting the processes and their imports)."""
    for _ in range(warm_up):
        next(pdfs)
    start = time.perf_counter()
    for _ in range(n):
        next(pdfs)
    return n / (time.perf_counter() - start)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    builders = {
        "record": build_record,
        "floor": bare_canvas,
        "both": bare_canvas_both_faces,
        "international": build_international,
    }
    times = ms_per_record(builders, n)
    record, floor, both = times["record"], times["floor"], times["both"]
    print(f"build_record:  {record:7.2f} ms per record ({n} records a round, two pages)")
    print(f"bare canvas:   {floor:7.2f} ms per record (same text, same font: the floor)")
    print(f"ratio:         {record / floor:7.2f}x (target: at most 2.00)")
    print(
        f"for reference: {both:6.2f} ms per record for the bare canvas with the record's bold"
        f" text in bold (a second embedded font subset); ratio to it {record / both:.2f}x"
    )
    international = times["international"]
    print(
        f"CJK and Arabic: {international:6.2f} ms per record with a Japanese student name and an"
        f" Arabic registrar name; ratio to the floor {international / floor:.2f}x (no target)"
    )
    rate = records_per_second(4 * n)
    print(
        f"bulk export:   {rate:7.1f} records per second on {PROCESSES} processes"
        " (the pre-job-engine pool, scripts/bench_jobs.py, unsigned, start-up excluded)"
    )


if __name__ == "__main__":
    main()
