"""SIS profiles: the grade roll as each student information system imports it.

A profile is the file's columns (header and value), its term code, its file
name and the columns of the SIS's error report. ``generic`` is the original
CareerCredit file, byte for byte; ``banner``, ``peoplesoft`` and
``colleague`` follow the names those systems' grade loads use. The
institution chooses one with ``CAREERCREDIT_SIS_PROFILE``; each export
remembers the profile it was made in (``GradeExport.profile``).

Term codes (from CareerCredit's ``2027SP``: the year, then SP, SU, FA or WI):

- Banner: year and a two-digit term, SP 10, SU 20, FA 30, WI 40: ``202710``.
- PeopleSoft: ``STRM``, the century digit (2 for 20xx), the year's last two
  digits and the term digit, WI 0, SP 2, SU 5, FA 8: ``2272``.
- Colleague: year, slash, term: ``2027/SP``.

A code of another shape is written as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from careercredit.registrar.csvexport import ENCODING, GradeRow, build_csv, write_table

TERM_CODE = re.compile(r"^(\d{4})(SP|SU|FA|WI)$")
BANNER_TERMS = {"SP": "10", "SU": "20", "FA": "30", "WI": "40"}
PEOPLESOFT_TERMS = {"WI": "0", "SP": "2", "SU": "5", "FA": "8"}


def banner_term(code: str) -> str:
    """``2027SP`` as Banner's ``202710``."""
    match = TERM_CODE.match(code)
    return f"{match[1]}{BANNER_TERMS[match[2]]}" if match else code


def peoplesoft_term(code: str) -> str:
    """``2027SP`` as PeopleSoft's ``STRM`` ``2272``."""
    match = TERM_CODE.match(code)
    if not match:
        return code
    year = int(match[1])
    return f"{year // 100 - 18}{year % 100:02d}{PEOPLESOFT_TERMS[match[2]]}"


def colleague_term(code: str) -> str:
    """``2027SP`` as Colleague's ``2027/SP``."""
    match = TERM_CODE.match(code)
    return f"{match[1]}/{match[2]}" if match else code


@dataclass(frozen=True)
class Column:
    """One column of a profile's file: its header and where its value comes from."""

    header: str
    value: Callable[[GradeRow], str]


def field(name: str) -> Callable[[GradeRow], str]:
    """The value of one ``GradeRow`` field, as written."""
    return lambda row: str(getattr(row, name))


@dataclass(frozen=True)
class Profile:
    """How one SIS wants the grade roll, and how it reports the rows it refused."""

    name: str
    title: str
    columns: tuple[Column, ...]
    term_code: Callable[[str], str]
    #: The file name's start: ``<prefix>-<term code>-<yyyymmdd>-<n>.csv``.
    prefix: str
    #: The error report's student id and reason columns.
    error_id: str
    error_reason: str
    #: The SIS's name of each grading scheme.
    bases: dict[str, str]
    #: Word for each ``RowAction`` in the file's action column.
    actions: dict[str, str]

    def build(self, rows: Iterable[GradeRow]) -> bytes:
        """The bytes of the file for ``rows``."""
        if self.name == "generic":
            return build_csv(rows)
        lines = ([column.value(row) for column in self.columns] for row in rows)
        return write_table([c.header for c in self.columns], lines).encode("utf-8")

    def filename_prefix(self, term_code: str, day: date) -> str:
        """The file name up to its day's number, e.g. ``banner-grades-202710-20270315-``."""
        code = re.sub(r"[^A-Za-z0-9_-]", "_", self.term_code(term_code))
        return f"{self.prefix}-{code}-{day:%Y%m%d}-"

    def read_errors(self, content: bytes) -> list[tuple[str, str]]:
        """The (student id, reason) lines of the SIS's error report."""
        # Raises ValueError (in the registrar's words) when the report cannot be read.
        try:
            text = content.decode(ENCODING)
        except UnicodeDecodeError:
            raise ValueError("Upload the error report as a UTF-8 CSV file.") from None
        reader = csv.DictReader(io.StringIO(text, newline=""))
        headers = {h.strip().upper(): h for h in reader.fieldnames or []}
        id_key = headers.get(self.error_id.upper())
        reason_key = headers.get(self.error_reason.upper())
        if id_key is None or reason_key is None:
            raise ValueError(
                f"The {self.title} error report needs the columns {self.error_id} and "
                f"{self.error_reason} in its first line."
            )
        lines = [
            ((line.get(id_key) or "").strip(), (line.get(reason_key) or "").strip())
            for line in reader
        ]
        return [(student, reason or "No reason given.") for student, reason in lines if student]


def _sis_columns(
    names: tuple[str, ...],
    term_code: Callable[[str], str],
    bases: dict[str, str],
    actions: dict[str, str],
) -> tuple[Column, ...]:
    """The columns every SIS profile carries, in one order, under the SIS's ``names``."""
    values: tuple[Callable[[GradeRow], str], ...] = (
        field("student_id"),
        lambda row: term_code(row.term_code),
        field("class_number"),
        field("subject"),
        field("course_number"),
        field("section"),
        field("grade"),
        field("credits"),
        lambda row: bases.get(row.grading_basis, row.grading_basis),
        field("instructor"),
        field("last_attended"),
        lambda row: actions.get(row.action, row.action),
        field("previous_grade"),
        field("previous_credits"),
        field("reason_code"),
        field("effective_date"),
        field("plan_id"),
    )
    return tuple(Column(header, value) for header, value in zip(names, values, strict=True))


def _profile(
    name: str,
    title: str,
    names: tuple[str, ...],
    *,
    term_code: Callable[[str], str],
    prefix: str,
    error_id: str,
    error_reason: str,
    bases: dict[str, str],
    actions: dict[str, str],
) -> Profile:
    return Profile(
        name=name,
        title=title,
        columns=_sis_columns(names, term_code, bases, actions),
        term_code=term_code,
        prefix=prefix,
        error_id=error_id,
        error_reason=error_reason,
        bases=bases,
        actions=actions,
    )


GENERIC = Profile(
    name="generic",
    title="Generic CSV",
    columns=tuple(
        Column(name, field(name))
        for name in (
            "student_id",
            "student_name",
            "term_code",
            "course",
            "section",
            "credits",
            "grade",
            "action",
            "plan_id",
        )
    ),
    term_code=str,
    prefix="grades",
    error_id="student_id",
    error_reason="reason",
    bases={},
    actions={},
)

BANNER = _profile(
    "banner",
    "Ellucian Banner",
    (
        "ID",
        "TERM_CODE",
        "CRN",
        "SUBJ_CODE",
        "CRSE_NUMB",
        "SEQ_NUMB",
        "GRDE_CODE",
        "CREDIT_HR",
        "GMOD_CODE",
        "INSTRUCTOR_ID",
        "LAST_ATTEND_DATE",
        "ACTION",
        "PREV_GRDE_CODE",
        "PREV_CREDIT_HR",
        "GCHG_CODE",
        "EFFECTIVE_DATE",
        "REFERENCE",
    ),
    term_code=banner_term,
    prefix="banner-grades",
    error_id="ID",
    error_reason="MESSAGE",
    bases={"letter": "L", "satisfactory": "S"},
    actions={"post": "GRADE", "amend": "CHANGE"},
)

PEOPLESOFT = _profile(
    "peoplesoft",
    "Oracle PeopleSoft Campus Solutions",
    (
        "EMPLID",
        "STRM",
        "CLASS_NBR",
        "SUBJECT",
        "CATALOG_NBR",
        "CLASS_SECTION",
        "CRSE_GRADE_INPUT",
        "UNT_TAKEN",
        "GRADING_BASIS_ENRL",
        "INSTRUCTOR_ID",
        "LAST_DT_ATTEND",
        "GRADE_ACTION",
        "PREV_GRADE",
        "PREV_UNITS",
        "GRD_RSN",
        "EFFDT",
        "REFERENCE",
    ),
    term_code=peoplesoft_term,
    prefix="peoplesoft-grades",
    error_id="EMPLID",
    error_reason="ERROR_MESSAGE",
    bases={"letter": "GRD", "satisfactory": "SUS"},
    actions={"post": "POST", "amend": "CHANGE"},
)

COLLEAGUE = _profile(
    "colleague",
    "Ellucian Colleague",
    (
        "STUDENT.ID",
        "TERM",
        "SEC.SYNONYM",
        "SUBJECT",
        "COURSE.NO",
        "SEC.NO",
        "FINAL.GRADE",
        "CRED",
        "GRADING.TYPE",
        "FACULTY.ID",
        "LAST.ATTEND.DATE",
        "ACTION",
        "PREV.GRADE",
        "PREV.CRED",
        "CHANGE.REASON",
        "EFFECTIVE.DATE",
        "REFERENCE",
    ),
    term_code=colleague_term,
    prefix="colleague-grades",
    error_id="STUDENT.ID",
    error_reason="ERROR",
    bases={"letter": "G", "satisfactory": "P"},
    actions={"post": "FINAL", "amend": "CHANGE"},
)

PROFILES = {profile.name: profile for profile in (GENERIC, BANNER, PEOPLESOFT, COLLEAGUE)}


def profile_named(name: str) -> Profile:
    """The profile called ``name``; ``ValueError`` naming the choices if there is none."""
    try:
        return PROFILES[name]
    except KeyError:
        choices = ", ".join(PROFILES)
        message = f"CAREERCREDIT_SIS_PROFILE must be one of {choices}, not {name!r}"
        raise ValueError(message) from None
