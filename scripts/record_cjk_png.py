"""Render page 1 of a Letter-size record of a student who writes his name in Japanese into
docs/screenshots/record-cjk-letter.png, for the README's Official records section.

The record is the PDF tests' sample (tests/pdf/sample.py) issued to Hiroshi Tanaka of the
demo campus, as he writes his name: 田中ひろし. Needs pdftoppm (poppler-utils).
Run from the repository root: .venv/bin/python scripts/record_cjk_png.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from careercredit.pdf import Student, build_record
from careercredit.pdf.record import GradeKey
from config import DEFAULT_REDISCLOSURE
from tests.pdf.sample import make_record

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots" / "record-cjk-letter.png"
#: Dots per inch: a Letter page comes out 680 by 880 pixels.
RESOLUTION = 80


def main() -> int:
    """Write docs/screenshots/record-cjk-letter.png."""
    student = Student("田中ひろし", "S-20241187", "BSc Environmental Engineering")
    # As a registrar issues it: the key to grades, FERPA's notice and the visible stamp.
    grades = (
        ("A", "Excellent", "4.0", True),
        ("A-", "Excellent", "3.7", True),
        ("B", "Good", "3.0", True),
        ("F", "Failing", "0.0", False),
    )
    key = GradeKey("Letter grades A to F", grades)
    data = make_record(
        terms=1,
        plans=2,
        student=student,
        page_size="letter",
        grade_keys=(key,),
        redisclosure=DEFAULT_REDISCLOSURE,
        stamp=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "record.pdf"
        record.write_bytes(build_record(data))
        # -singlefile: the first page only, written to OUTPUT (pdftoppm adds ".png").
        command = ["pdftoppm", "-png", "-r", str(RESOLUTION), "-singlefile"]
        subprocess.run([*command, str(record), str(OUTPUT.with_suffix(""))], check=True)
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
