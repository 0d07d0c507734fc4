"""Addresses: absolute ones for e-mail, PDFs and QR codes, and one per row of a list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """Return ``BASE_URL`` followed by the path of ``endpoint``; works outside requests too."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def row_url(endpoint: str, key: str, **values: Any) -> Callable[[object], str]:
    """``url_for(endpoint, key=…, **values)`` built once, for every row of a list.

    Call the answer with each row's ``key`` (an id, or a word such as a
    view's key that needs no quoting in a URL): it goes where a placeholder
    was. Building a URL costs more than a row's other cells.
    """
    values[key] = _PLACEHOLDER
    before, _, after = url_for(endpoint, **values).rpartition(str(_PLACEHOLDER))
    return lambda value: f"{before}{value}{after}"


#: An id no row has, stood in for each row's own by ``row_url``.
_PLACEHOLDER = 9_223_372_036_854_775_807
