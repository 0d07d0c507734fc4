"""Forms of the verification page: the code a visitor types, and the file they hold.

The forms read what was sent; what makes a code or a file acceptable lives
in ``careercredit.verify.services``.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import ValidationError

from careercredit.forms import Form
from careercredit.verify.services import NO_FILE, UploadProblem, canonical_code, read_upload

EXAMPLE_CODE = "CC-7Q4M-2XKD-9PMA-H3TW"
NOT_A_CODE = (
    "This is not a verification code. Type the code printed at the foot of each page of the "
    f"record: CC followed by four groups of four letters and digits, like {EXAMPLE_CODE}."
)


class CodeForm(Form):
    """The code printed on a record, typed by the visitor (sent with GET: no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        "Verification code",
        filters=[lambda value: (value or "").strip()[:100]],
        description=f"Printed at the foot of each page of the record, for example {EXAMPLE_CODE}.",
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "maxlength": 100,
        },
    )

    def validate_code(self, field: StringField) -> None:
        """A code we could have printed, whatever the case and spacing."""
        if not field.data:
            raise ValidationError("Type the verification code printed on the record.")
        if canonical_code(field.data) is None:
            raise ValidationError(NOT_A_CODE)

    @property
    def canonical(self) -> str:
        """The validated code in its stored form."""
        code = canonical_code(self.code.data or "")
        assert code is not None  # validated
        return code


class FileCheckForm(Form):
    """The PDF the visitor received, to compare with the one we issued.

    Validating reads the file once, in chunks, and keeps its bytes in ``content``.
    """

    content: bytes = b""

    file = FileField(
        "The PDF you received",
        description="The file and its signature are compared with the one we issued; "
        "the file is not kept.",
        render_kw={"accept": ".pdf,application/pdf"},
    )

    def validate_file(self, field: FileField) -> None:
        """A PDF must be chosen; read it."""
        if field.data is None:
            raise ValidationError(NO_FILE)
        try:
            self.content = read_upload(field.data.stream)
        except UploadProblem as problem:
            raise ValidationError(" ".join(problem.messages)) from None
