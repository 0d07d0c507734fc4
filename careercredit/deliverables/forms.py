"""Forms of the deliverables pages: a deliverable (or a new version) and the supervisor's review.

The forms read what was sent; the rules (allowed file types, sizes, links,
the plan's state) live in ``careercredit.deliverables.services``.
"""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from careercredit.deliverables.files import ALLOWED_TEXT
from careercredit.deliverables.services import COMMENT_MAX, DESCRIPTION_MAX, TITLE_MAX
from careercredit.forms import Form, SelectChoice, SelectField
from careercredit.hours.forms import clean_text

REVISION_REASON = "Say what needs to change, so the student can send a better version."


def one_line(value: str | None) -> str:
    """``clean_text`` on one line."""
    return " ".join(clean_text(value).split())


class DeliverableForm(Form):
    """A deliverable: title, a short description, and a file or a link."""

    title = StringField(
        "Title",
        [Length(max=TITLE_MAX, message=f"Keep the title under {TITLE_MAX} characters.")],
        filters=[one_line],
        description="What the work is, as your supervisor would name it (for example "
        "“Final client report”).",
    )
    description = TextAreaField(
        "Short description (optional)",
        [
            Length(
                max=DESCRIPTION_MAX,
                message=f"Keep the description under {DESCRIPTION_MAX} characters.",
            )
        ],
        filters=[clean_text],
        render_kw={"rows": 3},
    )
    file = FileField(
        "File",
        description=f"{ALLOWED_TEXT}.",
        render_kw={
            "accept": ".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.gif,.zip",
        },
    )
    link = StringField(
        "Or a link",
        [Length(max=2000, message="Keep the link under 2000 characters.")],
        filters=[lambda value: (value or "").strip()],
        description="Instead of a file: an address starting with https://, for example "
        "of a shared folder or a published page.",
        render_kw={"inputmode": "url", "autocomplete": "off", "placeholder": "https://"},
    )

    def values(self) -> dict[str, Any]:
        """What was sent, ready for ``services.add_deliverable``."""
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "upload": self.file.data or None,
            "link": self.link.data or "",
        }


class ReviewForm(Form):
    """The supervisor's answer on one deliverable: accept, or ask for a revision."""

    action = SelectField(
        choices=[SelectChoice("accept", "Accept"), SelectChoice("revision", "Ask for a revision")],
        validate_choice=True,
    )
    comment = TextAreaField(
        "What needs to change?",
        validators=[
            Length(max=COMMENT_MAX, message=f"Keep the comment under {COMMENT_MAX} characters.")
        ],
        filters=[clean_text],
    )

    def validate_comment(self, field: TextAreaField) -> None:
        """A revision needs a reason the student can act on."""
        if self.action.data == "revision" and not field.data:
            raise ValidationError(REVISION_REASON)
