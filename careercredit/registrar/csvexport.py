"""The grade roll for the student information system: CSV bytes out, rows back in.

The file is made for a spreadsheet as much as for the SIS import: UTF-8 with
a byte-order mark (so accented names open intact), CRLF line ends, and no
cell that a spreadsheet would run as a formula. See the README section
"Posting credit to the student information system" for the columns.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields

from careercredit.ids import whole_number

#: Characters that make a spreadsheet treat a cell as a formula (or hide one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ENCODING = "utf-8-sig"


class RowAction(enum.StrEnum):
    """What a line of the grade roll asks of the SIS."""

    #: A first posting of signed-off credit.
    post = "post"
    #: A correction of a posted grade or credits.
    amend = "amend"


@dataclass(frozen=True)
class GradeRow:
    """One line of the grade roll, in column order."""

    student_id: str
    student_name: str
    term_code: str
    course: str
    section: str
    credits: str
    grade: str
    #: A ``RowAction`` (as text when read back from a file).
    action: str
    plan_id: str

    @property
    def plan(self) -> int | None:
        """The plan id as a number, if the cell holds one."""
        return whole_number(self.plan_id)


COLUMNS = tuple(f.name for f in fields(GradeRow))


def neutralise(value: object) -> str:
    """Return ``value`` as text a spreadsheet shows as typed, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def build_csv(rows: Iterable[GradeRow]) -> bytes:
    """Write the header and ``rows`` as the bytes of the file the SIS receives."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(value) for value in astuple(row)])
    return buffer.getvalue().encode(ENCODING)


def read_csv(content: bytes) -> list[GradeRow]:
    """Read the rows back from bytes made by ``build_csv`` (the header is checked)."""
    reader = csv.reader(io.StringIO(content.decode(ENCODING), newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise ValueError("not a CareerCredit grade roll")
    return [GradeRow(*cells) for cells in reader if cells]
