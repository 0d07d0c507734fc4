"""Forms of the terms pages."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, Field, IntegerField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from careercredit.forms import Form, upper_stripped
from careercredit.models.terms import DEFAULT_HOURS_PER_CREDIT, DEFAULT_MAX_CREDITS
from careercredit.terms.services import DUPLICATE_CODE, code_taken

#: A year, then SP (spring), SU (summer), FA (fall) or WI (winter).
CODE_PATTERN = r"^(19|20)\d{2}(SP|SU|FA|WI)$"


class TermForm(Form):
    """A term's code, name, dates and credit policy."""

    code = StringField(
        "Code",
        filters=[upper_stripped],
        validators=[
            InputRequired("Enter the term's code."),
            Regexp(
                CODE_PATTERN,
                message="Enter a code like 2027SP: the year, then SP, SU, FA or WI.",
            ),
        ],
        render_kw={"autocapitalize": "characters", "spellcheck": "false", "maxlength": 6},
    )
    name = StringField(
        "Name",
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            DataRequired("Enter the term's name, for example Spring 2027."),
            Length(max=120, message="Keep the name under 120 characters."),
        ],
    )
    starts_on = DateField("First day", validators=[InputRequired("Enter the first day.")])
    ends_on = DateField("Last day", validators=[InputRequired("Enter the last day.")])
    census_on = DateField(
        "Census date", validators=[InputRequired("Enter the census (add/drop) date.")]
    )
    grading_deadline = DateField(
        "Grading deadline", validators=[InputRequired("Enter the grading deadline.")]
    )
    hours_per_credit = IntegerField(
        "Hours per credit",
        default=DEFAULT_HOURS_PER_CREDIT,
        validators=[
            InputRequired("Enter the hours of work one credit needs."),
            NumberRange(1, 200, message="Hours per credit must be a whole number from 1 to 200."),
        ],
        render_kw={"min": 1, "max": 200},
    )
    max_credits = IntegerField(
        "Maximum credits per plan",
        default=DEFAULT_MAX_CREDITS,
        validators=[
            InputRequired("Enter the most credits one plan may earn."),
            NumberRange(1, 12, message="Maximum credits must be a whole number from 1 to 12."),
        ],
        render_kw={"min": 1, "max": 12},
    )

    def __init__(self, *args: Any, term_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The term being edited, whose own code is not a duplicate.
        self.term_id = term_id

    def validate_code(self, field: Field) -> None:
        """No other term has the code."""
        if field.data and not field.errors and code_taken(field.data, except_id=self.term_id):
            raise ValidationError(DUPLICATE_CODE)

    def validate_ends_on(self, field: Field) -> None:
        """The term ends after it starts."""
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError("The last day must come after the first day.")

    def validate_census_on(self, field: Field) -> None:
        """The census date falls within the term."""
        start, end = self.starts_on.data, self.ends_on.data
        if field.data and start and end and start < end and not start <= field.data <= end:
            raise ValidationError(
                "The census date must fall within the term, between its first and last day."
            )

    def validate_grading_deadline(self, field: Field) -> None:
        """Grades are due on or after the last day."""
        if self.ends_on.data and field.data and field.data < self.ends_on.data:
            raise ValidationError("The grading deadline must be on or after the last day.")


class DeleteTermForm(Form):
    """Only the CSRF token: deleting is a POST."""
