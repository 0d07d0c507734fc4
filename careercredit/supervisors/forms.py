"""Forms of the supervisor pages: sending links, consent, and the supervisor's answers."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from careercredit.forms import Form, SelectChoice, SelectField
from careercredit.ids import MAX_ID
from careercredit.models import LinkPurpose, RubricCriterion

PURPOSES = [p.value for p in LinkPurpose]
DISPUTE_REASON = "Say what is wrong with this entry, so the student can correct it."


def purpose_named(value: str | None) -> LinkPurpose:
    """The purpose ``value`` names (a validated form's always does); hours when it names none."""
    return LinkPurpose(value) if value in PURPOSES else LinkPurpose.hours


class SendForm(Form):
    """A button that sends one kind of link."""

    purpose = HiddenField(validators=[InputRequired(), AnyOf(PURPOSES)])


class ConsentForm(Form):
    """The student's agreement to share with the supervisor, and the first link to send."""

    purpose = HiddenField(validators=[InputRequired(), AnyOf(PURPOSES)])
    agree = BooleanField(
        "I agree",
        validators=[DataRequired("Tick the box to agree, or go back to your plan.")],
    )


class RevokeForm(Form):
    """Confirm revoking a link (the CSRF token is all it carries)."""


class HourAnswerForm(Form):
    """The supervisor's answer on one hour entry, or on all waiting entries."""

    action = SelectField(
        choices=[
            SelectChoice("verify", "Verify"),
            SelectChoice("dispute", "Dispute"),
            SelectChoice("verify_all", "Verify all"),
        ],
        validate_choice=True,
    )
    entry_id = IntegerField(validators=[Optional(), NumberRange(1, MAX_ID)])
    comment = TextAreaField(
        "What is wrong with this entry?",
        validators=[Length(max=2000, message="Keep the comment under 2000 characters.")],
    )

    def validate_entry_id(self, field: IntegerField) -> None:
        """Verifying or disputing one entry needs to say which."""
        if self.action.data != "verify_all" and field.data is None:
            raise ValidationError("Choose an entry.")

    def validate_comment(self, field: TextAreaField) -> None:
        """A dispute needs a reason the student can act on."""
        if self.action.data == "dispute" and not (field.data or "").strip():
            raise ValidationError(DISPUTE_REASON)


class EvaluationForm(Form):
    """The supervisor's evaluation; one radio group per rubric criterion is added."""

    comments = TextAreaField(
        "Comments",
        validators=[Length(max=5000, message="Keep the comments under 5000 characters.")],
        description="What went well, and what the student could work on. The student, "
        "their faculty sponsor and career services read this.",
        render_kw={"rows": 6},
    )

    def criterion_field(self, criterion: RubricCriterion) -> RadioField:
        """The radio group of ``criterion``."""
        return self[field_name(criterion)]

    def scores(self, criteria: list[RubricCriterion]) -> dict[int, int]:
        """The chosen score of each criterion, by criterion id."""
        return {c.id: self.criterion_field(c).data for c in criteria}


def field_name(criterion: RubricCriterion) -> str:
    """The form field of a criterion (ids, not admin-chosen keys, make the names)."""
    return f"criterion_{criterion.id}"


def evaluation_form(criteria: list[RubricCriterion], **kwargs: Any) -> EvaluationForm:
    """An evaluation form for the rubric ``criteria``, scored 1-5 each."""

    class RubricForm(EvaluationForm):
        pass

    for criterion in criteria:
        choices = [
            SelectChoice(n, f"{n}: {text}") for n, text in enumerate(criterion.descriptors, start=1)
        ]
        setattr(
            RubricForm,
            field_name(criterion),
            RadioField(
                criterion.label,
                choices=choices,
                coerce=int,
                validators=[InputRequired(f"Choose a score for “{criterion.label}”.")],
            ),
        )
    return RubricForm(**kwargs)
