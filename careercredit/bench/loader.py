"""Writing many rows fast: Core ``insert()`` executemany in big batches, COPY on PostgreSQL."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from careercredit.extensions import Model

#: Rows per executemany call (and per progress step of a COPY).
BATCH = 20_000


class Loader:
    """Writes rows into the tables of one connection and reports progress."""

    def __init__(self, conn: Connection, progress: Callable[[str, int], None]) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.progress = progress
        self.counts: Counter[str] = Counter()

    def insert(
        self, model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Insert ``rows`` (tuples in the order of ``columns``) into ``model``'s table with
        executemany batches."""
        table = table_of(model)
        statement = insert(table)
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, BATCH)):
            self.conn.execute(statement, [dict(zip(columns, row, strict=True)) for row in batch])
            self._done(table.name, len(batch))

    def bulk(
        self, model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Write ``model``'s big table: COPY on PostgreSQL, executemany batches elsewhere."""
        if not self.postgres:
            self.insert(model, columns, rows)
            return
        table = table_of(model)
        names = ", ".join(f'"{name}"' for name in columns)
        driver = self.conn.connection.driver_connection  # psycopg's, for its COPY
        assert driver is not None  # a connection in use has its driver's
        cursor = driver.cursor()
        with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            written = 0
            for row in rows:
                copy.write_row([_copyable(value) for value in row])
                written += 1
                if written == BATCH:
                    self._done(table.name, written)
                    written = 0
            self._done(table.name, written)

    def restart_sequences(self, tables: Iterable[Table]) -> None:
        """Move PostgreSQL's id sequences past the ids written here (they were given, not drawn)."""
        if not self.postgres:
            return
        for table in tables:
            if "id" not in table.c or self.counts[table.name] == 0:
                continue
            highest = self.conn.scalar(select(func.max(table.c.id)))
            self.conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value)"),
                {"table": f'"{table.name}"', "value": highest},
            )

    def _done(self, table: str, count: int) -> None:
        self.counts[table] += count
        self.progress(table, count)


def table_of(model: type[Model]) -> Table:
    """Return the table ``model`` is mapped to."""
    table = model.__table__  # a FromClause to the checker: a model may map to a join
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


def _copyable(value: Any) -> Any:
    """A value as COPY's text format takes it: JSON as text, enums as their values."""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, Enum):
        return value.value
    return value
