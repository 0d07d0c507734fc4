"""Forms of the records pages: a student's request, the registrar's decisions and exports."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from careercredit.forms import Form, SelectField

#: The longest purpose a student may give, and the longest reason a registrar may write.
MAX_PURPOSE = 500
MAX_REASON = 2000


def _reason(label: str, required: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(required),
            Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON} characters."),
        ],
        description=description,
        render_kw={"rows": 3},
    )


class RequestForm(Form):
    """A student asks for an official record, saying what for if they like."""

    purpose = TextAreaField(
        "What is it for? (optional)",
        validators=[
            Optional(),
            Length(max=MAX_PURPOSE, message=f"Keep it under {MAX_PURPOSE} characters."),
        ],
        description="For example “graduate school application”. The registrar reads it.",
        render_kw={"rows": 2, "maxlength": MAX_PURPOSE},
    )


class ButtonForm(Form):
    """A button that changes something: cancel a request, approve it, issue a record."""


class IssueForm(Form):
    """The issue button, carrying the newest record the page showed (a second click is refused)."""

    latest = IntegerField(widget=HiddenInput(), default=0)


class DeclineForm(Form):
    """A registrar declines a student's request, saying why."""

    reason = _reason(
        "Reason for declining",
        "Write why the request is declined; the student will read it.",
        "The student reads this on their records page and in an e-mail.",
    )


class RevokeForm(Form):
    """A registrar revokes an issued record, saying why and confirming."""

    reason = _reason(
        "Reason for revoking",
        "Write why the record is revoked.",
        "Kept with the record and shown to the student.",
    )
    confirm = BooleanField(
        "I understand verification will report this record as revoked",
        validators=[DataRequired("Tick the box to confirm, or leave the record as it is.")],
    )


class ReissueForm(Form):
    """A registrar reissues an out-of-date record, confirming the old one is revoked."""

    confirm = BooleanField(
        "I understand the old record will be revoked as superseded by the new one",
        validators=[DataRequired("Tick the box to confirm, or leave the record as it is.")],
    )


class StartExportForm(Form):
    """Choose the term whose records to export (the view offers the terms with posted credit)."""

    term = SelectField(
        "Term",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired("Choose a term from the list.")],
    )


class ResumeForm(Form):
    """The "Resume" button of a failed or stalled export."""
