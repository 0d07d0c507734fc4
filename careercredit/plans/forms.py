"""Forms of the credit-plan pages."""

from __future__ import annotations

import wtforms
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from careercredit.forms import ChoiceField, Form, SelectChoice, SelectField
from careercredit.ids import MAX_ID, whole_number
from careercredit.plans.workflow import MIN_OBJECTIVES, MIN_REFLECTION


class PlanForm(Form):
    """The learning agreement's own fields (sponsor and projects are chosen separately)."""

    term_id = SelectField("Term", coerce=int, validators=[InputRequired("Choose a term.")])
    #: Choices are the sections of the terms offered, set by the view; checked by the service.
    section_id = SelectField(
        "Course and section",
        coerce=whole_number,
        validate_choice=False,
        description="The course your credit is for. Your department's advisor can tell you which.",
    )
    credits_requested = IntegerField(
        "Credits requested",
        validators=[
            InputRequired("Enter the number of credits, a whole number from 1 to 12."),
            NumberRange(1, 12, "Enter the number of credits, a whole number from 1 to 12."),
        ],
    )
    objectives = TextAreaField(
        "Learning objectives",
        validators=[Length(max=5000, message="Keep the objectives under 5000 characters.")],
        description=f"What you will learn and how it will show. At least {MIN_OBJECTIVES} "
        "characters when you submit; a draft may be shorter.",
        render_kw={"rows": 6},
    )


class VersionForm(Form):
    """A button that acts on the plan as the person saw it."""

    version = HiddenField(validators=[InputRequired()])


def seen_version(data: object) -> int:
    """The plan version a form's ``version`` field carries; -1 (no plan's) if not a number."""
    number = whole_number(data)
    return -1 if number is None else number


class ReviewForm(VersionForm):
    """An advisor's decision."""

    credits = IntegerField(
        "Credits to approve",
        validators=[
            Optional(),
            NumberRange(1, 12, "Enter a whole number of credits from 1 to 12."),
        ],
        description="Leave as requested, or lower it.",
    )
    comment = TextAreaField(
        "Comment to the student",
        validators=[Length(max=5000, message="Keep the comment under 5000 characters.")],
        description="Required when sending back or rejecting.",
        render_kw={"rows": 4},
    )
    #: Reject only: a rejected plan cannot be resubmitted, so the advisor confirms it.
    confirm_reject = BooleanField("Yes, reject this plan (the student cannot resubmit it)")


class SponsorForm(Form):
    """Choose a faculty sponsor by campus username."""

    uid = HiddenField(validators=[InputRequired(), Length(max=255)])


class PlacementForm(Form):
    """Add a catalogue project to the plan."""

    project_id = HiddenField(validators=[InputRequired()])


class SearchForm(Form):
    """A GET search box (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])


class CompleteForm(VersionForm):
    """Send the finished plan to the sponsor, with the student's reflection."""

    reflection = TextAreaField(
        "Reflection",
        validators=[Length(max=10000, message="Keep the reflection under 10,000 characters.")],
        description=f"What you learned and how the work went; at least {MIN_REFLECTION} "
        "characters. Your sponsor reads it when signing off.",
        render_kw={"rows": 6},
    )


class BulkChoiceForm(Form):
    """Plans selected in the advisors' queue, the decision for them all and its comment."""

    plan_ids = SelectMultipleField(
        "Plans",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired("Select at least one plan.")],
    )
    decision = ChoiceField(
        "Decision for every selected plan",
        choices=[
            SelectChoice("", "Choose a decision…"),
            SelectChoice("approve", "Approve (the credits each plan requests)"),
            SelectChoice("request_changes", "Send back for changes"),
            SelectChoice("reject", "Reject"),
        ],
        validators=[InputRequired("Choose a decision.")],
        message="Choose a decision from the list.",
    )
    comment = TextAreaField(
        "Comment to each student",
        validators=[Length(max=5000, message="Keep the comment under 5000 characters.")],
        description="Required when sending back or rejecting; each student reads it.",
        render_kw={"rows": 3},
    )


class BulkRow(wtforms.Form):
    """One confirmed plan: its id and the version the advisor saw."""

    plan_id = IntegerField(validators=[InputRequired(), NumberRange(1, MAX_ID)])
    version = IntegerField(validators=[InputRequired()])


class BulkDecisionForm(Form):
    """The confirmation: take the decision on each listed plan as it was shown."""

    decision = HiddenField(validators=[InputRequired()])
    comment = HiddenField(validators=[Length(max=5000)])
    rows = FieldList(FormField(BulkRow), min_entries=0, max_entries=100)
