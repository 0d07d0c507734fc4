"""Forms of the credentials pages: the student's sharing choice, the registrar's revocation."""

from __future__ import annotations

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from careercredit.forms import Form

MAX_REASON = 2000


class ShareForm(Form):
    """The student lets anyone with the link see one credential, or stops them."""

    shareable = BooleanField("Anyone with the link may see this credential")


class ScoresForm(Form):
    """The student shows the supervisor's rubric scores in a credential, or stops showing them."""

    with_scores = BooleanField("Show my supervisor's scores in this credential")


class RevokeForm(Form):
    """A registrar revokes one credential, saying why and confirming."""

    reason = TextAreaField(
        "Reason for revoking",
        validators=[
            DataRequired("Write why the credential is revoked."),
            Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON} characters."),
        ],
        description="Kept with the credential and shown to the student.",
        render_kw={"rows": 3},
    )
    confirm = BooleanField(
        "I understand verifiers will see this credential as revoked",
        validators=[DataRequired("Tick the box to confirm, or leave the credential as it is.")],
    )
