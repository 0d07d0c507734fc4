"""Forms of the rubric pages."""

from __future__ import annotations

from wtforms import Field, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Regexp

from careercredit.evaluations.services import DUPLICATE_KEY, SCORES, key_taken
from careercredit.forms import Form, stripped

KEY_PATTERN = r"^[a-z0-9_]+$"


def _descriptor(score: int) -> TextAreaField:
    return TextAreaField(
        f"Score {score}",
        filters=[stripped],
        validators=[
            DataRequired(f"Describe the work that earns a {score}."),
            Length(max=300, message="Keep each descriptor under 300 characters."),
        ],
        render_kw={"rows": 2},
    )


class CriterionForm(Form):
    """A criterion's label and its descriptors for scores 1 to 5."""

    label = StringField(
        "Label",
        filters=[stripped],
        validators=[
            DataRequired("Enter the label supervisors see, for example Teamwork."),
            Length(max=120, message="Keep the label under 120 characters."),
        ],
    )
    descriptor_1 = _descriptor(1)
    descriptor_2 = _descriptor(2)
    descriptor_3 = _descriptor(3)
    descriptor_4 = _descriptor(4)
    descriptor_5 = _descriptor(5)

    def descriptor_fields(self) -> list[Field]:
        """The five descriptor fields, score 1 first."""
        return [getattr(self, f"descriptor_{score}") for score in range(1, SCORES + 1)]

    @property
    def descriptors(self) -> list[str]:
        """The descriptors as entered, score 1 first."""
        return [field.data for field in self.descriptor_fields()]

    def fill(self, descriptors: list[str]) -> None:
        """Put a criterion's stored descriptors in the fields."""
        for field, text in zip(self.descriptor_fields(), descriptors, strict=False):
            field.data = text


class NewCriterionForm(CriterionForm):
    """A new criterion: its key as well, which never changes afterwards."""

    key = StringField(
        "Key",
        filters=[stripped],
        validators=[
            DataRequired("Enter a key, for example teamwork."),
            Length(max=40, message="Keep the key under 40 characters."),
            Regexp(
                KEY_PATTERN,
                message="Use only lowercase letters a-z, digits and underscores, "
                "for example team_work.",
            ),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "maxlength": 40},
    )

    def validate_key(self, field: Field) -> None:
        """No other criterion has the key."""
        if field.data and not field.errors and key_taken(field.data):
            raise ValidationError(DUPLICATE_KEY)
