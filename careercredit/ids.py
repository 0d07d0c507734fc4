"""Row ids as they arrive in addresses and forms: whole numbers a database integer holds.

Every ``<int:…>`` in a route is bounded (larger numbers answer 404 instead of
overflowing the database), and ``whole_number`` reads an id or a version from
a form or a query string: ASCII digits only (``str.isdigit`` also accepts "²",
which ``int`` cannot read), within the same bound.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

#: The largest id the database holds (a signed 32-bit integer).
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` with ``max`` defaulting to ``MAX_ID``."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def whole_number(value: object, *, limit: int = MAX_ID) -> int | None:
    """``value`` as a whole number from 0 to ``limit``, or ``None`` if it is not one."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= limit else None
