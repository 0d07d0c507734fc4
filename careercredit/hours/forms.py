"""Forms of the hour log: one entry, and the confirmation of a deletion.

The forms only read what was typed (a date, a number, a text); the rules an
entry must follow live in ``careercredit.hours.services`` so that every way
of writing an entry checks the same things.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from wtforms import Field, FieldList, FormField, HiddenField, TextAreaField
from wtforms import Form as BaseForm
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, StopValidation
from wtforms.widgets import TextInput

from careercredit.forms import DayField, Form
from careercredit.hours.services import DESCRIPTION_MAX, HOURS_RULE, MIN_DESCRIPTION
from careercredit.hours.timesheet import DAYS_IN_WEEK, Row
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


class DayRowForm(BaseForm):
    """One day of the weekly sheet: blank means no hours that day."""

    hours = HoursField("Hours", render_kw={"inputmode": "decimal", "autocomplete": "off"})
    description = TextAreaField(
        "What you did",
        [
            Length(
                max=DESCRIPTION_MAX,
                message=f"Keep the description under {DESCRIPTION_MAX} characters.",
            )
        ],
        filters=[clean_text],
        render_kw={"rows": 2},
    )

    def typed(self) -> bool:
        """Whether anything was typed in the row."""
        return any(clean_text((field.raw_data or [""])[0]) for field in self)


class DayRows(FieldList):
    """The sheet's rows, always ``rows-0`` (Monday) to ``rows-6``, whatever was sent.

    ``FieldList`` would number the rows it received from 0 (a sheet sent with
    only Monday's and Thursday's rows would put Thursday's on Tuesday); here a
    row is its day, and a day not sent is blank.
    """

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.last_index = -1
        self.entries = []
        self.object_data = ()
        while len(self.entries) < (self.min_entries or 0):
            # Numbered one after the other from 0, each reading its own row of ``formdata``.
            self._add_entry(formdata)  # type: ignore[attr-defined]  # not in the WTForms stubs


class WeekForm(Form):
    """A week of hours on one placement, a row per day (Monday first).

    ``submission`` is the sheet's random id, as on the one-entry form: each
    day's entry keeps an id made from it, so a sheet sent twice logs once.
    """

    submission = HiddenField(filters=[submission_id])
    rows = DayRows(FormField(DayRowForm), min_entries=DAYS_IN_WEEK, max_entries=DAYS_IN_WEEK)

    def read(self, days: list[date]) -> list[Row]:
        """The sheet's rows as read, one per day of ``days``."""
        read = []
        for day, entry in zip(days, self.rows, strict=False):
            row = entry.form
            hours_ok = not row.hours.process_errors
            read.append(
                Row(
                    work_date=day,
                    hours=row.hours.data if hours_ok else None,
                    description=row.description.data or None,
                    typed=row.typed(),
                )
            )
        return read

    def unreadable(self) -> set[int]:
        """The rows whose hours could not be read (their message is on the field already)."""
        return {n for n, entry in enumerate(self.rows) if entry.form.hours.process_errors}

    def has_row_problems(self) -> bool:
        """Whether any row shows a problem (the list's own errors are counted at validation)."""
        return any(field.errors for entry in self.rows for field in entry.form)

    def show(self, problems: dict[str, list[str]]) -> None:
        """Put ``rows-<n>-<field>`` problems beside their row's field; others above the form."""
        for key, messages in problems.items():
            field = self._row_field(key)
            if field is None:
                self.form_errors.extend(messages)
            else:
                field.errors = [*field.errors, *(m for m in messages if m not in field.errors)]

    def _row_field(self, key: str) -> Field | None:
        parts = key.split("-", 2)
        if len(parts) != 3 or parts[0] != "rows" or not parts[1].isdigit():
            return None
        n = int(parts[1])
        if n >= len(self.rows):
            return None
        return self.rows[n].form._fields.get(parts[2])


class ConfirmForm(Form):
    """A button that confirms a deletion (its CSRF token is the whole form)."""
