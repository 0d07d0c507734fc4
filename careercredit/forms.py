"""The base of every form: Flask-WTF's, plus one rule for all text fields.

A null character (``\\0``) cannot be stored in a PostgreSQL text column and
never belongs in what a person types; it only arrives in crafted requests.
Any text field holding one is refused with a message next to it, the rest of
what was typed kept, instead of failing in the database.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict

NULL_CHARACTER = "\x00"
NULL_MESSAGE = "Remove the null character (\\0) from this text; it cannot be stored."


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
        request.args = ImmutableMultiDict(  # type: ignore[misc]
            (key.replace(NULL_CHARACTER, ""), value.replace(NULL_CHARACTER, ""))
            for key, value in pairs
        )
