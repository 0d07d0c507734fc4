"""The grade roll for the student information system: CSV bytes out, rows back in.

The ``generic`` file is made for a spreadsheet as much as for the SIS
import: UTF-8 with a byte-order mark (so accented names open intact), CRLF
line ends, and no cell that a spreadsheet would run as a formula (the guard
every CSV download shares, ``careercredit/csvexport.py``). See the
README section "Posting credit to the student information system" for the
columns. ``GradeRow`` holds every value any profile needs; the generic file
writes its first nine fields, the other profiles (``profiles.py``) choose
and name their own.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields

# The guard every CSV download shares, named here too for the grade roll's readers.
from careercredit.csvexport import FORMULA_STARTS as FORMULA_STARTS
from careercredit.csvexport import neutralise as neutralise
from careercredit.ids import whole_number

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
    #: The course's subject and number, e.g. ``CAREER`` and ``2990``.
    subject: str = ""
    course_number: str = ""
    #: The SIS's number of the class (CRN, class number, synonym); empty when unknown.
    class_number: str = ""
    #: The grading scheme's value (``GradingScheme``): each profile names its own basis.
    grading_basis: str = ""
    #: The instructor of record's directory name.
    instructor: str = ""
    #: ISO date of the last verified hours, for failing grades only.
    last_attended: str = ""
    #: On ``amend`` rows: what the SIS holds now, why it changes and from when.
    previous_grade: str = ""
    previous_credits: str = ""
    reason_code: str = ""
    effective_date: str = ""

    @property
    def plan(self) -> int | None:
        """The plan id as a number, if the cell holds one."""
        return whole_number(self.plan_id)


#: The generic file's columns: today's file, unchanged.
COLUMNS = tuple(f.name for f in fields(GradeRow))[:9]


def write_table(header: Sequence[str], lines: Iterable[Sequence[object]]) -> str:
    """The CSV text of ``header`` and ``lines``: CRLF line ends, no cell run as a formula."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for line in lines:
        writer.writerow([neutralise(value) for value in line])
    return buffer.getvalue()


def build_csv(rows: Iterable[GradeRow]) -> bytes:
    """Write the header and ``rows`` as the bytes of the generic file the SIS receives."""
    lines = (astuple(row)[: len(COLUMNS)] for row in rows)
    return write_table(COLUMNS, lines).encode(ENCODING)


def read_csv(content: bytes) -> list[GradeRow]:
    """Read the rows back from bytes made by ``build_csv`` (the header is checked)."""
    reader = csv.reader(io.StringIO(content.decode(ENCODING), newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise ValueError("not a CareerCredit grade roll")
    return [GradeRow(*cells) for cells in reader if cells]
