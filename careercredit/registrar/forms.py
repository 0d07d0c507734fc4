"""Forms of the registrar's pages."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Field, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from careercredit.forms import Form, SelectField
from careercredit.registrar.amendments import MAX_CREDITS, MAX_REASON

CREDITS_MESSAGE = f"Enter the credits, a whole number from 0 to {MAX_CREDITS}."
DATE_MESSAGE = "Enter the date as YYYY-MM-DD, for example 2027-01-31."


class ExportForm(Form):
    """The "Export CSV" button of a term's roster."""


class PostForm(Form):
    """Confirm an export's rows: all of them, or the rows ticked (``plan_id`` boxes)."""

    scope = StringField(validators=[AnyOf(["all", "selected"])])
    #: Posting cannot be undone: the registrar says the SIS's import report shows the rows taken.
    sis_took = BooleanField("The SIS's import report shows these rows taken")


class RejectForm(Form):
    """Record the rows ticked (``plan_id`` boxes) as rejected by the SIS, with its reason."""

    reason = TextAreaField(
        "The SIS's reason",
        validators=[
            DataRequired("Write the SIS's reason; the roster shows it with the plan."),
            Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON} characters."),
        ],
        render_kw={"rows": 2},
    )


class ReportForm(Form):
    """The SIS's error report for an export: the rows it names are rejected."""

    report = FileField(
        "Error report (CSV)",
        [FileRequired("Choose the SIS's error report to upload.")],
        render_kw={"accept": ".csv,text/csv"},
    )


class AmendForm(Form):
    """A registrar's correction of a posted grade or credits."""

    version = HiddenField(validators=[InputRequired()])
    grade = SelectField("New grade", validate_choice=False)
    credits = IntegerField(
        "New credits",
        validators=[InputRequired(CREDITS_MESSAGE)],
        description="A failing grade awards 0 credits.",
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Write the reason for the amendment; the student will read it."),
            Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON} characters."),
        ],
        description="Why the grade or credits change. The student sees it on their plan.",
        render_kw={"rows": 4},
    )


def _valid_date(form: FlaskForm, field: Field) -> None:
    try:
        day = date.fromisoformat(field.data.strip())
    except ValueError:
        raise ValidationError(DATE_MESSAGE) from None
    if not 1970 <= day.year <= 2999:
        raise ValidationError("Enter a date between 1970 and 2999.")


class AuditFilterForm(Form):
    """Filters of the audit log (a GET form: no CSRF, it changes nothing)."""

    class Meta:
        csrf = False

    person = StringField(
        "Person (username)", validators=[Optional(), Length(max=255, message="Too long.")]
    )
    action = SelectField("Action", validate_choice=False)
    date_from = StringField("From", validators=[Optional(), _valid_date])
    date_to = StringField("To", validators=[Optional(), _valid_date])
    object_type = SelectField("Object type", validate_choice=False)
    object_id = StringField(
        "Object id", validators=[Optional(), Length(max=64, message="Too long.")]
    )

    def validate(self, extra_validators: object = None) -> bool:
        """Check each field, then that the dates are in order."""
        if not super().validate(extra_validators):
            return False
        start, end = self.day(self.date_from), self.day(self.date_to)
        if start and end and start > end:
            self.date_to.errors = [
                *self.date_to.errors,
                "The end date must be on or after the start date.",
            ]
            return False
        return True

    @staticmethod
    def day(field: Field) -> date | None:
        """The date a validated date field holds, if any."""
        text = (field.data or "").strip()
        return date.fromisoformat(text) if text and not field.errors else None
