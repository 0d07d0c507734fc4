"""Importing credit courses from a CSV file: read, preview, apply.

Like the catalogue's import (``catalogue/importer.py``): the preview and the
confirmation are two requests, so the preview signs the rows it would apply
and the confirmation checks the signature and every row again against the
courses as they are by then. Each row is checked by the course form itself,
so a file gets the messages the page gives.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict

from careercredit.audit import record_event
from careercredit.catalogue import csvfile
from careercredit.catalogue.csvfile import BadImportFile
from careercredit.courses import services
from careercredit.courses.forms import CourseForm
from careercredit.extensions import db
from careercredit.models import Course, User
from careercredit.refusals import Refused

#: The columns of the file, in order; ``scheme`` is a grading scheme's name.
COLUMNS = ("subject", "number", "title", "department", "credits_min", "credits_max", "scheme")
MAX_ROWS = 1000
MAX_BYTES = csvfile.MAX_BYTES
PREVIEW_MAX_AGE = 3600
SALT = "careercredit.courses.import"
TAMPERED = "The preview could not be verified. Upload the file again to import it."
EXPIRED = "The preview is more than an hour old. Upload the file again to import it."


def changed() -> Refused:
    """Another admin added a course the import adds too, while it was being applied."""
    return BadImportFile(
        "The courses changed while the file was being imported; nothing was saved. "
        "Upload the file again."
    )


class PreviewRefused(BadImportFile):
    """The confirmation carries no preview this app signed for this person, or an old one."""

    status = 400


@dataclass
class CourseRow:
    """A row of the file: its values, what is wrong with it, what importing it would do."""

    #: As a spreadsheet numbers it: the header is row 1.
    number: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    #: new, updated, unchanged or rejected.
    status: str = "rejected"
    data: dict[str, Any] = field(default_factory=dict)


def read_file(data: bytes) -> list[CourseRow]:
    """Read and check an uploaded file; raise ``BadImportFile`` if it is unusable as a whole."""
    if not data.strip():
        raise BadImportFile("The file is empty. Choose a CSV file of courses.")
    if len(data) > MAX_BYTES:
        raise BadImportFile("The file is too large. Split it and import the parts one by one.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadImportFile("The file is not UTF-8 text. Save it as “CSV UTF-8”.") from None
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise BadImportFile(f"The file could not be read as CSV ({exc}).") from None
    header = [cell.strip().lower() for cell in lines[0]] if lines else []
    if tuple(header) != COLUMNS:
        raise BadImportFile(f"The first line must name the columns {', '.join(COLUMNS)}.")
    body = [
        (n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    if not body or len(body) > MAX_ROWS:
        raise BadImportFile(f"The file must hold from 1 to {MAX_ROWS} courses below its header.")
    return check([CourseRow(n, dict(zip(COLUMNS, cells, strict=False))) for n, cells in body])


def check(rows: list[CourseRow]) -> list[CourseRow]:
    """Check each row with the course form and compare it with the courses; return ``rows``."""
    schemes = {scheme.name.casefold(): scheme.id for scheme in services.schemes()}
    existing = {(c.subject, c.number): c for c in services.courses()}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        scheme_id = schemes.get(row.values.get("scheme", "").strip().casefold())
        form = CourseForm(
            formdata=MultiDict({**row.values, "scheme_id": str(scheme_id or "")}),
            meta={"csrf": False},
        )
        form.scheme_id.choices = [(i, "") for i in schemes.values()]
        valid = form.validate()
        row.problems = [
            f"{form[name].label.text}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name != "scheme_id"
        ]
        if scheme_id is None:
            row.problems.append(f"No grading scheme is named “{row.values.get('scheme', '')}”.")
        key = (form.subject.data or "", form.number.data or "")
        if key in seen:
            row.problems.append("An earlier row has the same subject and number.")
        seen.add(key)
        if not valid or row.problems:
            row.status = "rejected"
            continue
        row.data = {name: getattr(form, name).data for name in services.COURSE_FIELDS}
        course = existing.get(key)
        if course is None:
            row.status = "new"
        else:
            same = all(getattr(course, k) == v for k, v in row.data.items())
            row.status = "unchanged" if same else "updated"
    return rows


def counts(rows: list[CourseRow]) -> Counter[str]:
    """Rows by what importing them would do."""
    return Counter(row.status for row in rows)


def apply(rows: list[CourseRow], *, by: User, source: dict[str, Any]) -> Counter[str]:
    """Add the new courses and change the updated ones, each audited; the caller commits."""
    existing = {(c.subject, c.number): c for c in services.courses()}
    for row in rows:
        if row.status == "new":
            services.create_course(row.data, by=by)
        elif row.status == "updated":
            course: Course = existing[(row.data["subject"], row.data["number"])]
            services.update_course(course, row.data, by=by)
    done = counts(rows)
    record_event("course.import", actor=by, details={**source, **done})
    db.session.flush()
    return done


def _serializer() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    assert secret is not None  # Config.check refuses to start without one
    return URLSafeTimedSerializer(secret, salt=SALT)


def sign(rows: list[CourseRow], *, user_id: int, source: dict[str, Any]) -> str:
    """Sign the rows to apply (new and updated ones) for the confirmation form."""
    chosen = [[r.number, r.values] for r in rows if r.status in {"new", "updated"}]
    return _serializer().dumps({"user": user_id, "source": source, "rows": chosen})


def unsign(token: str, *, user_id: int) -> tuple[list[CourseRow], dict[str, Any]]:
    """Check a signed preview of ``user_id`` and check its rows again (``PreviewRefused``)."""
    try:
        payload = _serializer().loads(token, max_age=PREVIEW_MAX_AGE)
    except SignatureExpired:
        raise PreviewRefused(EXPIRED) from None
    except BadSignature:
        raise PreviewRefused(TAMPERED) from None
    if not isinstance(payload, dict) or payload.get("user") != user_id:
        raise PreviewRefused(TAMPERED)
    rows = [CourseRow(int(number), dict(values)) for number, values in payload["rows"]]
    return check(rows), dict(payload["source"])
