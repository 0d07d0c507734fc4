"""The base of every form: Flask-WTF's, plus one rule for all text fields.

A null character (``\\0``) cannot be stored in a PostgreSQL text column and
never belongs in what a person types; it only arrives in crafted requests.
Any text field holding one is refused with a message next to it, the rest of
what was typed kept, instead of failing in the database.

The fields several packages share live here too: a date typed as
YYYY-MM-DD, a select box that writes its options directly, and one with one
message for any wrong answer. They
use what WTForms 3.3 added (``SelectChoice`` and the ``invalid_*_message``
arguments), which the type stubs, written for WTForms 3.2, do not know yet;
this module is the one place that says so to the checker.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import DateField
from wtforms import SelectField as WTFormsSelectField

# One option of a select box, optionally in an optgroup (WTForms 3.3; unknown to the stubs).
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.widgets import Select

NULL_CHARACTER = "\x00"
NULL_MESSAGE = "Remove the null character (\\0) from this text; it cannot be stored."


def stripped(value: str | None) -> str | None:
    """A field filter: the text without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


def upper_stripped(value: str | None) -> str | None:
    """A field filter for codes (``2027SP``, ``BUS``): stripped and in capitals."""
    return value.strip().upper() if isinstance(value, str) else value


class Form(FlaskForm):
    """A Flask-WTF form that refuses null characters in any text it holds."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            if any(isinstance(v, str) and NULL_CHARACTER in v for v in values):
                field.errors = [*field.errors, NULL_MESSAGE]
                valid = False
        return valid


def drop_null_characters_from_query() -> None:
    """Before each request: searches and filters never see a null character.

    Query strings are not stored, so dropping the character is harmless; a
    search box with one would otherwise fail in PostgreSQL.
    """
    pairs = list(request.args.items(multi=True))
    if any(NULL_CHARACTER in key + value for key, value in pairs):
        request.args = ImmutableMultiDict(
            (key.replace(NULL_CHARACTER, ""), value.replace(NULL_CHARACTER, ""))
            for key, value in pairs
        )


class DayField(DateField):
    """A date typed as YYYY-MM-DD; blank is ``None`` (required-ness is a validator's job).

    ``message`` is shown when what was typed is not such a date; the text
    stays in the box so it can be corrected.
    """

    def __init__(
        self, label: str, validators: list[Any] | None = None, *, message: str, **kwargs: Any
    ) -> None:
        # invalid_value_message is WTForms 3.3's; the 3.2 stubs do not list it.
        super().__init__(label, validators, invalid_value_message=message, **kwargs)  # type: ignore[call-arg]

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            super().process_formdata([valuelist[0].strip()])
        else:
            self.data = None


class OptionsSelect(Select):
    """WTForms' select box, each plain option written directly: the same HTML, a fifth as dear.

    WTForms builds every option's attributes through ``html_params`` (sorted
    keys, each value escaped in turn); a report's two term selectors of
    twenty options each cost a fifth of the page that way. An option with
    extra attributes goes WTForms' own way.
    """

    # WTForms 3.3's signature (one ``Choice``); the 3.2 stubs list the older one.
    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:  # type: ignore[override]
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            option: Markup = super().render_option(choice, **kwargs)
            return option
        start = _SELECTED if choice.selected else _OPTION
        label = choice.label or choice.value
        return _JOIN.join((start, escape(choice.value), _LABEL, escape(label), _END))


# The parts of a plain option, as ``html_params`` writes it (attributes in name order).
_OPTION, _SELECTED = Markup('<option value="'), Markup('<option selected value="')
_LABEL, _END, _JOIN = Markup('">'), Markup("</option>"), Markup("")


class SelectField(WTFormsSelectField):
    """A select box (WTForms' ``SelectField``) drawn by ``OptionsSelect``."""

    widget = OptionsSelect()


class ChoiceField(SelectField):
    """A select box that answers any wrong value (not coercible, not offered) with ``message``."""

    def __init__(
        self, label: str, validators: list[Any] | None = None, *, message: str, **kwargs: Any
    ) -> None:
        # Both message arguments are WTForms 3.3's; the 3.2 stubs do not list them.
        super().__init__(  # type: ignore[call-arg]
            label,
            validators,
            invalid_value_message=message,
            invalid_choice_message=message,
            **kwargs,
        )


__all__ = [
    "ChoiceField",
    "DayField",
    "Form",
    "OptionsSelect",
    "SelectChoice",
    "SelectField",
    "drop_null_characters_from_query",
]
