"""The Jinja environment: block tags on lines of their own leave nothing behind in HTML.

Templates are written with one ``{% if %}`` or ``{% for %}`` per line, indented
like the markup around them. Jinja's defaults keep each such line's
indentation and line break in the page: a third of a big page was whitespace
between tags. For ``.html`` templates the environment turns on
``trim_blocks`` (the line break after a block tag goes) and ``lstrip_blocks``
(the indentation before it goes); what a browser shows is unchanged.

E-mail templates (``templates/email/*.txt``) are plain text whose line breaks
are their layout, and templates made from strings have no name to tell: both
keep Jinja's defaults, byte for byte.
"""

from __future__ import annotations

from functools import cached_property

import jinja2
from flask.templating import Environment as FlaskEnvironment
from jinja2.lexer import TokenStream

#: The templates whose block lines are trimmed.
TRIMMED_SUFFIX = ".html"


class Environment(FlaskEnvironment):
    """Flask's environment, with ``trim_blocks`` and ``lstrip_blocks`` for HTML templates."""

    @cached_property
    def trimmed(self) -> jinja2.Environment:
        """This environment as HTML templates are read: the same, trimming block lines."""
        return self.overlay(trim_blocks=True, lstrip_blocks=True)

    def _tokenize(
        self,
        source: str,
        name: str | None,
        filename: str | None = None,
        state: str | None = None,
    ) -> TokenStream:
        # Jinja reads every template's source here: HTML is read by the overlay's lexer,
        # compiled and kept by this environment as usual.
        if name is not None and name.endswith(TRIMMED_SUFFIX):
            return jinja2.Environment._tokenize(self.trimmed, source, name, filename, state)
        return super()._tokenize(source, name, filename, state)
