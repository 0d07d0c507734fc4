"""Forms of the hour log: one entry, and the confirmation of a deletion.

The forms only read what was typed (a date, a number, a text); the rules an
entry must follow live in ``careercredit.hours.services`` so that every way
of writing an entry checks the same things.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from wtforms import Field, HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation
from wtforms.widgets import TextInput

from careercredit.forms import DayField, Form
from careercredit.hours.services import DESCRIPTION_MAX, HOURS_RULE, MIN_DESCRIPTION
from careercredit.models.hours import hours_text

#: Control characters no text column should hold (PostgreSQL refuses NUL bytes outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SUBMISSION = re.compile(r"[0-9a-f]{32}")
DATE_FORMAT = "Enter the date as YYYY-MM-DD, such as 2027-01-31."
HOURS_FORMAT = f"Enter the hours as a number. {HOURS_RULE}"


def clean_text(value: str | None) -> str:
    """Strip ``value`` and drop control characters (line breaks and tabs stay)."""
    return _CONTROL.sub("", value or "").strip()


def _decimal_places(value: Decimal) -> int:
    """Digits after the point that matter (1.500 has one), counted without rounding."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0") or "0")
    return max(0, -(exponent + trailing))


class HoursField(Field):
    """A number of hours: a finite decimal; what was typed stays in the box on error."""

    widget = TextInput()
    data: Decimal | None

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        raw = clean_text(valuelist[0]) if valuelist else ""
        if not raw:
            return
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise ValueError(HOURS_FORMAT)
        if _decimal_places(value) > 2:
            # More digits than a quarter hour has: refused, never silently rounded.
            raise ValueError(HOURS_RULE)
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return hours_text(self.data) if isinstance(self.data, Decimal) else ""


class Given:
    """Like ``InputRequired``, but on what the field read: blank space is not a value."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


def submission_id(value: str | None) -> str | None:
    """A form's random id as the page wrote it (32 hex digits), else ``None``."""
    value = (value or "").strip().lower()
    return value if _SUBMISSION.fullmatch(value) else None


class HourEntryForm(Form):
    """Hours worked on one day on one placement, and what was done.

    ``submission`` is a random id written into each new form: the entry it
    logs keeps it, so the same form sent twice (a double click, a resend
    after a timeout) logs the hours once.
    """

    submission = HiddenField(filters=[submission_id])

    work_date = DayField(
        "Date",
        [Given("Enter the date you worked, as YYYY-MM-DD.")],
        message=DATE_FORMAT,
        description="The day you did the work, not later than today.",
    )
    hours = HoursField(
        "Hours",
        [Given(f"Enter the hours you worked. {HOURS_RULE}")],
        description=HOURS_RULE,
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    description = TextAreaField(
        "What you did",
        [
            InputRequired("Describe what you did."),
            Length(
                max=DESCRIPTION_MAX,
                message=f"Keep the description under {DESCRIPTION_MAX} characters.",
            ),
        ],
        description=f"At least {MIN_DESCRIPTION} characters, so your supervisor can verify it.",
        filters=[clean_text],
        render_kw={"rows": 4},
    )

    def values(self) -> dict[str, Any]:
        """The entry's fields as typed (``None`` for what could not be read)."""
        return {
            "work_date": self.work_date.data,
            "hours": self.hours.data,
            "description": (self.description.data or "").strip(),
        }


class ConfirmForm(Form):
    """A button that confirms a deletion (its CSRF token is the whole form)."""
