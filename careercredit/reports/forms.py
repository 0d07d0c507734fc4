"""The reports' term selector: one term, or a range of terms."""

from __future__ import annotations

from collections.abc import Sequence

from careercredit.forms import ChoiceField, Form
from careercredit.reports.figures import TermRow

TERM_MESSAGE = "Choose a term from the list."


class TermRangeForm(Form):
    """From one term to another (the same term for one); a GET form: no CSRF, it changes nothing."""

    class Meta:
        csrf = False

    first = ChoiceField("From term", message=TERM_MESSAGE)
    last = ChoiceField("To term", message=TERM_MESSAGE)

    def offer(self, terms: Sequence[TermRow], default_first: str, default_last: str) -> None:
        """Offer ``terms`` in both boxes, with the defaults chosen when nothing was asked for."""
        choices = [(t.code, f"{t.code} — {t.name}") for t in terms]
        self.first.choices = choices
        self.last.choices = choices
        if self.first.raw_data is None or not self.first.raw_data:
            self.first.data = default_first
        if self.last.raw_data is None or not self.last.raw_data:
            self.last.data = default_last

    def chosen(self, terms: Sequence[TermRow]) -> list[TermRow] | None:
        """The terms from the first to the last, oldest first; None with errors on the fields."""
        if not self.validate():
            return None
        codes = [t.code for t in terms]
        start, end = codes.index(self.first.data), codes.index(self.last.data)
        if start > end:
            self.last.errors = [*self.last.errors, "Choose a last term on or after the first."]
            return None
        return list(terms[start : end + 1])
