"""Forms of the courses pages: a course, and a section a term offers."""

from __future__ import annotations

from wtforms import Field, IntegerField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from careercredit.forms import Form, SelectField, stripped, upper_stripped
from careercredit.ids import whole_number


class CourseForm(Form):
    """A course's code, title, department, credit range and grading scheme."""

    subject = StringField(
        "Subject",
        filters=[upper_stripped],
        validators=[
            InputRequired("Enter the subject, for example BUS."),
            Regexp(r"^[A-Z]{2,8}$", message="Enter a subject of 2 to 8 letters, like BUS."),
        ],
        render_kw={"autocapitalize": "characters", "spellcheck": "false", "maxlength": 8},
    )
    number = StringField(
        "Number",
        filters=[upper_stripped],
        validators=[
            InputRequired("Enter the course number, for example 3990."),
            Regexp(r"^[0-9A-Z]{1,8}$", message="Enter a number of up to 8 digits or letters."),
        ],
        render_kw={"spellcheck": "false", "maxlength": 8},
    )
    title = StringField(
        "Title",
        filters=[stripped],
        validators=[
            DataRequired("Enter the course title, for example Internship in business."),
            Length(max=120, message="Keep the title under 120 characters."),
        ],
    )
    department = StringField(
        "Department",
        filters=[stripped],
        validators=[
            DataRequired("Enter the department that runs the course."),
            Length(max=120, message="Keep the department under 120 characters."),
        ],
    )
    credits_min = IntegerField(
        "Fewest credits",
        default=1,
        validators=[
            InputRequired("Enter the fewest credits a plan in this course may earn."),
            NumberRange(0, 12, message="Credits must be a whole number from 0 to 12."),
        ],
        render_kw={"min": 0, "max": 12},
    )
    credits_max = IntegerField(
        "Most credits",
        default=3,
        validators=[
            InputRequired("Enter the most credits a plan in this course may earn."),
            NumberRange(1, 12, message="Credits must be a whole number from 1 to 12."),
        ],
        render_kw={"min": 1, "max": 12},
    )
    #: Choices are the schemes, set by the view.
    scheme_id = SelectField("Grading scheme", coerce=int, validators=[InputRequired()])

    def validate_credits_max(self, field: Field) -> None:
        """The range is not upside down."""
        low = self.credits_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError("The most credits must be at least the fewest credits.")


class SectionForm(Form):
    """A section of a course in a term: its code, class number and instructor of record."""

    #: Choices are the courses, set by the view.
    course_id = SelectField("Course", coerce=int, validators=[InputRequired()])
    section = StringField(
        "Section",
        filters=[upper_stripped],
        default="001",
        validators=[
            InputRequired("Enter the section, for example 001."),
            Regexp(r"^[0-9A-Z]{1,8}$", message="Enter a section of up to 8 digits or letters."),
        ],
        render_kw={"spellcheck": "false", "maxlength": 8},
    )
    class_number = StringField(
        "Class number (CRN)",
        filters=[stripped, lambda v: v or None],
        validators=[
            Optional(),
            Regexp(r"^[0-9A-Za-z]{1,16}$", message="Enter up to 16 digits or letters, or nothing."),
        ],
        render_kw={"spellcheck": "false", "maxlength": 16, "inputmode": "numeric"},
    )
    #: Choices are faculty members, set by the view; empty for none.
    instructor_id = SelectField("Instructor of record (optional)", coerce=whole_number)
