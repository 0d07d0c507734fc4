"""Pages of long lists: find one page's ids in SQL first, then load only those rows.

``db.paginate`` runs the list's whole query with ``OFFSET``: for page 500 the
database builds (joins, loads) the 12,475 rows before the page and throws
them away. Here the offset walks only the ids, which an index holding the
filter and sort columns hands over without reading a table row, and the
joins and eager loads run for the rows shown.

Counting stops at ``COUNT_LIMIT``: a list of millions (the audit log) is not
counted on every view. Past the limit the total and the number of pages read
"more than …", and the next page is offered while there is one. A text
search, which no index can count, counts only what its page read. The
result is the ``Pagination`` the templates already use.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, Select, bindparam, func, inspect, select

from careercredit.extensions import db

#: Rows counted at most; a longer list shows "more than 10,000".
COUNT_LIMIT = 10_000


def requested_page() -> int:
    """The page number the query string asks for (``?page=``); 1 when absent or not a number."""
    return request.args.get("page", 1, type=int) or 1


class MoreThan(int):
    """A number known only to be above ``self - 1``: prints as "more than …"."""

    def __str__(self) -> str:
        return f"more than {int(self) - 1:,}"


#: The ids of a page, bound in a ``rows`` statement (an expanding parameter, so that the
#: statement is built once).
PAGE_IDS = bindparam("page_ids", type_=Integer, expanding=True)


class IdPagination(Pagination):
    """A ``Pagination`` whose page is found by id first (``ids``), then loaded.

    Loaded as objects (``load``, an entity with its loader options) or as rows of
    the columns shown (``rows``, a statement built once, its ids ``PAGE_IDS``).
    """

    def _query_items(self) -> list[Any]:
        ids_query: Select = self._query_args["ids"]
        found = db.session.scalars(ids_query.limit(self.per_page + 1).offset(self._query_offset))
        ids = list(found)
        self._more = len(ids) > self.per_page
        ids = ids[: self.per_page]
        if not ids:
            return []
        rows_query: Select | None = self._query_args.get("rows")
        if rows_query is not None:
            by_id = {row.id: row for row in db.session.execute(rows_query, {"page_ids": ids})}
        else:
            load: Select = self._query_args["load"]
            key = inspect(load.column_descriptions[0]["entity"]).primary_key[0]
            loaded = db.session.scalars(load.where(key.in_(ids))).unique()
            by_id = {getattr(row, key.key): row for row in loaded}
        return [by_id[i] for i in ids if i in by_id]

    def _query_count(self) -> int:
        if self._query_args.get("count_seen") and (self.items or self.page == 1):
            # Only what was read for this page: the total if this is the last page.
            seen = self._query_offset + len(self.items)
            return MoreThan(seen + 1) if self._more else seen
        ids_query: Select | None = self._query_args["counted"]
        if ids_query is None:
            ids_query = self._query_args["ids"]
        capped = ids_query.order_by(None).limit(COUNT_LIMIT + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(capped)) or 0
        return MoreThan(total) if total > COUNT_LIMIT else total

    @property
    def pages(self) -> int:
        if not isinstance(self.total, MoreThan):
            return super().pages
        known = ceil((int(self.total) - 1) / self.per_page)
        return MoreThan(max(self.page, known) + 1)

    @property
    def has_next(self) -> bool:
        if not isinstance(self.total, MoreThan):
            return super().has_next
        return self._more


def paginate_ids(
    ids: Select,
    load: Select | None = None,
    *,
    page: int,
    per_page: int,
    count_seen: bool = False,
    counted: Select | None = None,
    rows: Select | None = None,
) -> Pagination:
    """Page ``page`` of ``ids`` (one id column, filtered and ordered), loaded with ``load``.

    ``load`` selects the entity with its loader options and nothing else; or
    ``rows`` selects the columns a list shows (an ``id`` among them) for the
    ids bound as ``PAGE_IDS``, built once. A page past the end is empty (no
    404), as with ``error_out=False``.

    ``counted`` selects the same ids for counting, without what only the
    order needs (a join for sorting by name). ``count_seen`` counts nothing
    beyond the page: for a list no index can count (a text search scans
    every row), the total is exact on the last page and "more than …" before.
    """
    return IdPagination(
        page=max(page, 1),
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        ids=ids,
        load=load,
        rows=rows,
        count_seen=count_seen,
        counted=counted,
    )
