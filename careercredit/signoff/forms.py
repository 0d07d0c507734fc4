"""Forms of the sign-off pages."""

from __future__ import annotations

import wtforms
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from careercredit.forms import Form, SelectField
from careercredit.ids import MAX_ID

CREDITS_MESSAGE = "Enter the credits awarded, a whole number from 0 to 12 (0 for a failing grade)."


class SignOffForm(Form):
    """The sponsor's decision on one plan.

    The grade is not checked against the choices here: the workflow refuses a
    grade outside the term's scheme, with a message, like every other rule.
    """

    version = HiddenField(validators=[InputRequired()])
    grade = SelectField("Grade", validate_choice=False)
    credits = IntegerField(
        "Credits awarded",
        validators=[InputRequired(CREDITS_MESSAGE), NumberRange(0, 12, CREDITS_MESSAGE)],
    )
    comment = TextAreaField(
        "Comment (optional)",
        validators=[Length(max=5000, message="Keep the comment under 5000 characters.")],
        description="Kept with the sign-off in the student's record.",
        render_kw={"rows": 4},
    )


class SendBackForm(Form):
    """Return the plan to the student, saying what is missing."""

    version = HiddenField(validators=[InputRequired()])
    comment = TextAreaField(
        "Comment to the student",
        validators=[
            DataRequired(
                "Write a comment for the student: what to fix or add before sending the plan again."
            ),
            Length(max=5000, message="Keep the comment under 5000 characters."),
        ],
        description="Required. The student sees it on the plan; the plan goes back to in progress.",
        render_kw={"rows": 4},
    )


class BulkChoiceForm(Form):
    """Plans chosen in the queue, and the grade to give them all."""

    plan_ids = SelectMultipleField(
        "Plans",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired("Select at least one plan.")],
    )
    #: Rendered by hand in the queue, grouped by grading scheme, with an empty first choice;
    #: a plan whose scheme lacks it may get another on the confirmation page.
    grade = SelectField(
        "Grade for every selected plan",
        validate_choice=False,
        validators=[DataRequired("Choose a grade."), Length(max=4, message="Choose a grade.")],
    )
    award_max = BooleanField("Award the maximum each plan allows", default=True)


class BulkRow(wtforms.Form):
    """One confirmed plan: its id, the version shown, its credits and its own grade if chosen."""

    plan_id = IntegerField(validators=[InputRequired(), NumberRange(1, MAX_ID)])
    version = IntegerField(validators=[InputRequired()])
    #: The credits of a passing grade; a failing grade awards none.
    credits = IntegerField(validators=[InputRequired(), NumberRange(0, 12)])
    #: The plan's own grade, from its own scheme; empty for the grade chosen for all.
    grade = wtforms.StringField(validators=[Optional(), Length(max=4)])


class BulkForm(Form):
    """The confirmation: sign off each listed plan with the grade and credits shown."""

    grade = HiddenField(validators=[InputRequired()])
    rows = FieldList(FormField(BulkRow), min_entries=0, max_entries=200)
