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

import functools
from typing import Any, cast

from flask import request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import DateField
from wtforms import SelectField as WTFormsSelectField

# One option of a select box, optionally in an optgroup (WTForms 3.3; unknown to the stubs).
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.widgets import Select, html_params

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
    """WTForms' select box, its plain options written once per list: the same HTML, far cheaper.

    WTForms turns every choice into two objects on each drawing (and three
    times over: to look for groups, to draw, and to validate), then writes
    its attributes through ``html_params``; a report's two term selectors of
    twenty options each cost a fifth of the page that way. Choices that are
    plain ``(value, label)`` texts, coerced as text, are written here from
    ``_PlainOptions``, kept per list of choices. Any other choice (an
    optgroup, ``render_kw``, ``SelectChoice``, a value that is not text) goes
    WTForms' own way.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        plain = None if self.multiple else _PlainOptions.of(field)
        if plain is None:
            drawn: Markup = super().__call__(field, **kwargs)
            return drawn
        # The opening tag as WTForms writes it: the id, then any validation flag the field has.
        kwargs.setdefault("id", field.id)
        flags = vars(field.flags)
        for name in self.validation_attrs:
            if name in flags and name not in kwargs:
                kwargs[name] = flags[name]
        # html_params answers Markup (the stubs say str): joined, it is not escaped again.
        opening = cast(Markup, html_params(name=field.name, **kwargs))
        return _JOIN.join((_SELECT, opening, _TAG_END, plain.html(field.data), _SELECT_END))

    # WTForms 3.3's signature (one ``Choice``); the 3.2 stubs list the older one.
    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:  # type: ignore[override]
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            option: Markup = super().render_option(choice, **kwargs)
            return option
        return _option(choice.value, choice.label, choice.selected)


def _option(value: str, label: str | None, selected: bool) -> Markup:
    """One plain option, as ``html_params`` writes it (attributes in name order)."""
    start = _SELECTED if selected else _OPTION
    return _JOIN.join((start, escape(value), _LABEL, escape(label or value), _END))


# The parts of a select box and of a plain option.
_SELECT, _TAG_END, _SELECT_END = Markup("<select "), Markup(">"), Markup("</select>")
_OPTION, _SELECTED = Markup('<option value="'), Markup('<option selected value="')
_LABEL, _END, _JOIN = Markup('">'), Markup("</option>"), Markup("")


class _PlainOptions:
    """A list of plain text choices, written once for each value that can be chosen."""

    def __init__(self, choices: tuple[tuple[str, str], ...]) -> None:
        self.choices = choices
        self.values = frozenset(value for value, _ in choices)
        self._drawn: dict[str | None, Markup] = {}

    @classmethod
    def of(cls, field: Any) -> _PlainOptions | None:
        """The field's choices if they are plain text pairs coerced as text, else None."""
        choices = field.choices
        if field.coerce is not str or not isinstance(choices, list | tuple):
            return None
        try:
            return _plain_options(tuple(choices))
        except TypeError:  # an unhashable choice (a dict, a SelectChoice): not plain
            return None

    def html(self, chosen: object) -> Markup:
        """The options, the one equal to ``chosen`` (the field's data) selected, as WTForms does."""
        key = chosen if isinstance(chosen, str) and chosen in self.values else None
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = _JOIN.join(_option(value, label, value == key) for value, label in self.choices)
            self._drawn[key] = drawn
        return drawn


@functools.lru_cache(maxsize=64)
def _plain_options(choices: tuple[Any, ...]) -> _PlainOptions | None:
    plain = all(
        type(choice) is tuple and len(choice) == 2 and all(type(part) is str for part in choice)
        for choice in choices
    )
    return _PlainOptions(choices) if plain else None


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
