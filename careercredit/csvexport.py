"""Lists as CSV files: streamed row by row, no cell a spreadsheet would run as a formula.

Every list page (plans, the advisors' queue, a term's roster, the sign-off
queue, the audit log, issued records) offers its current filter as a file.
The file is written while it is sent: ``csv_response`` takes a generator of
rows, and ``in_batches`` feeds it a few hundred rows at a time, so a list
of a million audit events costs the memory of one batch, not of the list.

The files are made for a spreadsheet: UTF-8 with a byte-order mark (so
accented names open intact), CRLF line ends, and every cell that starts like
a formula (``=HYPERLINK(...)`` typed as a name) prefixed with an apostrophe,
as the grade roll does (``registrar/csvexport.py`` writes it with the same
``neutralise``). Staff downloading a list of students' records is an audit
event (``record_download``), as opening one plan is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, request, stream_with_context
from sqlalchemy import Select, inspect

from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import User

#: Characters that make a spreadsheet treat a cell as a formula (or hide one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A byte-order mark: spreadsheets then read the file as UTF-8.
BOM = "\ufeff"
#: Rows loaded per query while a file is written.
BATCH = 500


def neutralise(value: object) -> str:
    """Return ``value`` as text a spreadsheet shows as typed, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_line(cells: Sequence[object]) -> str:
    """One CSV line (CRLF-terminated) of ``cells``, each neutralised."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """A download of ``header`` and ``rows``, written as it is sent.

    ``rows`` is read only while the response streams, inside the request's
    context (the database session stays open until the last row).
    """

    def lines() -> Iterator[str]:
        yield BOM + csv_line(header)
        for row in rows:
            yield csv_line(row)

    return Response(
        stream_with_context(lines()),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def record_download(list_name: str, by: User) -> None:
    """Record that ``by``, a member of staff, downloaded a list of students' records.

    Staff looking at a student's plan is an audit event; a file of hundreds of
    them is too, with the filter it was made with. The caller commits.
    """
    record_event(
        "list.download",
        actor=by,
        object_type="list",
        object_id=list_name,
        details={"filter": request.args.to_dict()},
    )


def batches(ids: Select[Any], load: Select[Any], size: int = BATCH) -> Iterator[list[Any]]:
    """The rows ``ids`` selects (one id column, filtered and ordered), ``size`` at a time.

    The ids are read from one cursor; each batch is loaded with ``load`` (the
    entity with its loader options) in one query, in the order of ``ids``, so
    a caller can add what it sums in SQL per batch. The session holds rows
    weakly, so memory holds about one batch.
    """
    key = inspect(load.column_descriptions[0]["entity"]).primary_key[0]
    found = db.session.execute(ids.execution_options(yield_per=size)).scalars()
    for batch in found.partitions(size):
        rows = db.session.scalars(load.where(key.in_(batch))).unique()
        by_id = {getattr(row, key.key): row for row in rows}
        yield [by_id[i] for i in batch if i in by_id]


def in_batches(ids: Select[Any], load: Select[Any], size: int = BATCH) -> Iterator[Any]:
    """Every row of ``batches``, one by one."""
    for batch in batches(ids, load, size):
        yield from batch
