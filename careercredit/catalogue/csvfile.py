"""The marketplace's CSV file: its columns, reading it, and checking each row.

Reading is pure: bytes in, rows out, no database. A file that cannot be used
at all raises ``BadImportFile`` (a refusal shown next to the upload field); a
row that cannot be imported carries its problems, in words for the advisor.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from careercredit.catalogue.services import (
    clean_text,
    normalize_email,
    normalize_website,
    parse_hours,
)
from careercredit.models import ProjectStatus
from careercredit.refusals import Refused

#: The columns of the file, in the order the README documents them.
COLUMNS = (
    "external_id",
    "title",
    "employer",
    "employer_website",
    "supervisor_name",
    "supervisor_email",
    "supervisor_title",
    "description",
    "deliverables",
    "estimated_hours",
    "start_date",
    "end_date",
    "status",
)
REQUIRED_COLUMNS = ("external_id", "title", "employer", "estimated_hours", "start_date", "end_date")
LENGTHS = {
    "external_id": 100,
    "title": 200,
    "employer": 200,
    "supervisor_name": 200,
    "supervisor_title": 200,
    "description": 10_000,
    "deliverables": 10_000,
}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
TOO_LARGE = (
    f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. "
    "Split it into smaller files and import them one after another."
)


class BadImportFile(Refused):
    """A file or preview that cannot be imported at all; the message is for people.

    It belongs next to the upload field, where the person chooses another file.
    """

    def __init__(self, message: str) -> None:
        super().__init__(problems={"file": message})


class UploadTooLarge(BadImportFile):
    """A request above the app's own size limit, cut off before the file could be read."""

    status = 413

    def __init__(self) -> None:
        super().__init__(TOO_LARGE)


class RowStatus(enum.StrEnum):
    """What importing a row would do."""

    new = "new"
    updated = "updated"
    unchanged = "unchanged"
    rejected = "rejected"


@dataclass(frozen=True)
class ProjectData:
    """One checked row, in the catalogue's terms."""

    external_id: str
    title: str
    employer: str
    employer_website: str | None
    supervisor_name: str | None
    supervisor_email: str | None
    supervisor_title: str | None
    description: str
    deliverables: str
    estimated_hours: Decimal
    starts_on: date
    ends_on: date
    status: ProjectStatus


@dataclass(frozen=True)
class Change:
    """One field an import would change on an existing project."""

    field: str
    before: str
    after: str


@dataclass
class ImportRow:
    """A row of the file, what is wrong with it, and what importing it would do."""

    #: The row as a spreadsheet numbers it: the header is row 1.
    number: int
    values: dict[str, str]
    data: ProjectData | None = None
    problems: list[str] = field(default_factory=list)
    status: RowStatus = RowStatus.rejected
    changes: list[Change] = field(default_factory=list)


# -- reading the file -------------------------------------------------------------------


def read_file(data: bytes) -> list[ImportRow]:
    """Read and check an uploaded file; raise ``BadImportFile`` if it is unusable as a whole."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _columns(next(reader, []), text.partition("\n")[0])
        cells_by_row = _data_rows(reader)
    except csv.Error as exc:
        reason = str(exc)
        if "field limit" in reason:
            reason = f"a cell is longer than {csv.field_size_limit():,} characters"
        raise BadImportFile(
            f"The file could not be read as CSV (line {reader.line_num}: {reason}). "
            "Export it from the marketplace as CSV again."
        ) from None
    if not cells_by_row:
        raise BadImportFile("The file has a header line but no projects below it.")
    rows: list[ImportRow] = []
    for number, cells in cells_by_row:
        values = {name: clean_text(cell) for name, cell in zip(header, cells, strict=False) if name}
        row = check_row(number, values)
        if len(cells) != len(header):
            row.problems.insert(
                0,
                f"The row has {len(cells)} cells but the header names {len(header)} columns; "
                "a comma may be missing or a text with a comma may lack quotes.",
            )
            row.data = None
        rows.append(row)
    return mark_duplicates(rows)


def file_digest(data: bytes) -> str:
    """The SHA-256 of the uploaded bytes, for the audit log."""
    return hashlib.sha256(data).hexdigest()


def _decode(data: bytes) -> str:
    if not data.strip():
        raise BadImportFile("The file is empty. Choose the CSV file exported by the marketplace.")
    if len(data) > MAX_BYTES:
        raise BadImportFile(TOO_LARGE)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BadImportFile(
            "This is a spreadsheet workbook, not a CSV file. In the spreadsheet program, "
            "choose Save As, “CSV UTF-8”, and upload that file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadImportFile(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). "
            "Save or export it as “CSV UTF-8” and upload it again."
        ) from None
    if "\x00" in text:
        raise BadImportFile("The file contains binary data, so it is not a CSV text file.")
    return text


def _columns(cells: list[str], first_line: str) -> list[str]:
    names = [re.sub(r"[\s-]+", "_", clean_text(cell).lower()) for cell in cells]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise BadImportFile(f"The header names the column(s) {', '.join(repeated)} twice.")
    unknown = [name for name in names if name and name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if not unknown and not missing:
        return names
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        shown = [name[:40] for name in unknown[:5]]
        problems.append(f"unknown column(s): {', '.join(shown)}")
    message = "The first line must name the columns listed below; " + "; ".join(problems) + "."
    if "," not in first_line and (";" in first_line or "\t" in first_line):
        message += " Columns must be separated by commas, not semicolons or tabs."
    raise BadImportFile(message)


def _data_rows(reader: Iterator[list[str]]) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise BadImportFile(
                f"The file has more than {MAX_ROWS} projects. "
                "Split it into smaller files and import them one after another."
            )
        rows.append((number, cells))
    return rows


# -- checking rows ----------------------------------------------------------------------


def _quoted(value: str) -> str:
    return f"“{value[:40]}…”" if len(value) > 40 else f"“{value}”"


def _date(values: dict[str, str], name: str, problems: list[str]) -> date | None:
    raw = values.get(name, "")
    if not raw:
        problems.append(f"{name} is missing.")
        return None
    try:
        # A calendar day, not a moment: parsed without a clock or a zone.
        parsed = time.strptime(raw, "%Y-%m-%d")
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    except ValueError:
        problems.append(f"{name} {_quoted(raw)} is not a date such as 2027-01-31.")
        return None


def check_row(number: int, values: dict[str, str]) -> ImportRow:
    """Check one row's values; a row with problems is rejected, the others carry ``data``."""
    row = ImportRow(number=number, values=values)
    problems = row.problems
    for name in REQUIRED_COLUMNS[:3]:
        if not values.get(name):
            problems.append(f"{name} is missing.")
    for name, limit in LENGTHS.items():
        if len(values.get(name, "")) > limit:
            problems.append(f"{name} is longer than {limit} characters.")
    website = _website(values.get("employer_website", ""), problems)
    email = _supervisor(values, problems)
    hours = None
    raw_hours = values.get("estimated_hours", "")
    if not raw_hours:
        problems.append("estimated_hours is missing.")
    else:
        try:
            hours = parse_hours(raw_hours)
        except ValueError as exc:
            problems.append(f"estimated_hours {_quoted(raw_hours)}: {exc}")
    starts_on = _date(values, "start_date", problems)
    ends_on = _date(values, "end_date", problems)
    if starts_on and ends_on and ends_on < starts_on:
        problems.append("end_date is before start_date.")
    status = values.get("status", "").lower() or ProjectStatus.open.value
    if status not in {s.value for s in ProjectStatus}:
        problems.append(f"status {_quoted(values['status'])} is unknown: use open or closed.")
    if problems:
        return row
    assert hours is not None
    assert starts_on is not None
    assert ends_on is not None
    row.data = ProjectData(
        external_id=values["external_id"],
        title=values["title"],
        employer=values["employer"],
        employer_website=website,
        supervisor_name=values.get("supervisor_name") or None,
        supervisor_email=email,
        supervisor_title=values.get("supervisor_title") or None,
        description=values.get("description", ""),
        deliverables=values.get("deliverables", ""),
        estimated_hours=hours,
        starts_on=starts_on,
        ends_on=ends_on,
        status=ProjectStatus(status),
    )
    return row


def _website(raw: str, problems: list[str]) -> str | None:
    try:
        return normalize_website(raw)
    except ValueError:
        problems.append(
            f"employer_website {_quoted(raw)} is not a web address such as https://example.com."
        )
        return None


def _supervisor(values: dict[str, str], problems: list[str]) -> str | None:
    name, raw = values.get("supervisor_name", ""), values.get("supervisor_email", "")
    if not raw:
        if name or values.get("supervisor_title"):
            problems.append("supervisor_email is missing; supervisors are known by e-mail.")
        return None
    try:
        email = normalize_email(raw)
    except ValueError:
        problems.append(f"supervisor_email {_quoted(raw)} is not an e-mail address.")
        return None
    if not name:
        problems.append("supervisor_name is missing for the supervisor_email.")
    return email


def mark_duplicates(rows: list[ImportRow]) -> list[ImportRow]:
    """Reject every row whose external_id appears more than once in the file."""
    numbers: dict[str, list[int]] = {}
    for row in rows:
        external_id = row.values.get("external_id", "")
        if external_id:
            numbers.setdefault(external_id, []).append(row.number)
    for row in rows:
        seen = numbers.get(row.values.get("external_id", ""), [])
        if len(seen) > 1:
            listed = ", ".join(str(n) for n in seen[:10])
            row.problems.append(
                f"external_id {_quoted(row.values['external_id'])} appears more than once "
                f"in the file (rows {listed}); keep one row per project."
            )
            row.data = None
    return rows
