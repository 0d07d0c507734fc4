"""Forms of the notices pages: the e-mail preference, marking read, reassigning a plan."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from careercredit.forms import ChoiceField, Form, SelectChoice, stripped
from careercredit.ids import whole_number
from careercredit.models import Delivery


class PreferenceForm(Form):
    """Immediate e-mails or a daily digest."""

    delivery = RadioField(
        "E-mail me",
        choices=[SelectChoice(d.value, d.label) for d in Delivery],
        validators=[InputRequired("Choose how you want your notices by e-mail.")],
    )


class MarkReadForm(Form):
    """Mark the notices read, up to the newest the person saw."""

    up_to = HiddenField()


class AssignmentForm(Form):
    """The advisor who looks after a plan; choices are set by the caller."""

    advisor = ChoiceField(
        "Assigned advisor",
        coerce=whole_number,
        validators=[InputRequired("Choose an advisor.")],
        message="Choose one of the advisors listed.",
    )


class RuleForm(Form):
    """A department or subject, and the advisor its plans go to; choices set by the caller."""

    match = StringField(
        "Department or course subject",
        filters=[stripped],
        validators=[
            DataRequired("Enter a department (as the course list names it) or a subject."),
            Length(max=120, message="Keep it under 120 characters."),
        ],
    )
    advisor = ChoiceField(
        "Advisor",
        coerce=whole_number,
        validators=[InputRequired("Choose an advisor.")],
        message="Choose one of the advisors listed.",
    )


class RemoveRuleForm(Form):
    """Remove one rule (named in the form, so the page's address stays the list's)."""

    rule_id = HiddenField()
