"""What every answer to hostile input must satisfy: no 500; a message, or the value kept escaped."""

from __future__ import annotations

from typing import Any

from hypothesis import event
from hypothesis.control import currently_in_test_context
from markupsafe import escape

from tests.hostile.strings import TAGS

#: Answers of a form that came back with its messages.
REFUSED = {409, 422}


def html_of(response: Any) -> str:
    """The page's HTML as text."""
    return response.get_data(as_text=True)


def not_a_server_error(response: Any) -> None:
    """The app answered without failing (in testing mode a failure would raise instead)."""
    assert response.status_code < 500, html_of(response)[:2000]


def has_message(html: str) -> bool:
    """Whether the page carries a message for the person: next to a field, or above the form."""
    return 'class="error"' in html or 'role="alert"' in html


def refused_with_message(response: Any) -> None:
    """The form came back with a message saying what to do."""
    assert response.status_code in REFUSED, response.status_code
    assert has_message(html_of(response)), html_of(response)[:2000]


def inert(html: str, value: str) -> None:
    """No markup of ``value`` reaches the page raw."""
    for tag in TAGS:
        if tag in value:
            assert tag not in html, f"raw {tag!r} on the page"


def shown_escaped(html: str, value: str) -> None:
    """``value`` is on the page, HTML-escaped, and none of its markup is live."""
    inert(html, value)
    assert str(escape(value)) in html, f"{value[:200]!r} is not on the page, escaped"


def redirected(response: Any) -> bool:
    """Whether the form was accepted (the page answered with a redirect)."""
    not_a_server_error(response)
    accepted = response.status_code in (302, 303)
    if not accepted:
        refused_with_message(response)
    if currently_in_test_context():  # counted in --hypothesis-show-statistics
        event("accepted" if accepted else "refused with a message")
    return accepted
