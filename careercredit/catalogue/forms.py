"""Forms of the catalogue pages: employers, supervisors, projects and the CSV upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import TextInput

from careercredit.catalogue import services
from careercredit.catalogue.browsing import BrowseFilters
from careercredit.forms import ChoiceField, DayField, Form, SelectChoice
from careercredit.models import Employer, Project, ProjectStatus, Supervisor, Term

LONG_TEXT = 10_000
DATE_FORMAT = "Enter a date such as 2027-01-31."
CHOOSE_EMPLOYER = "Choose an employer from the list."
CHOOSE_SUPERVISOR = "Choose a supervisor from the list, or none."


def _optional_id(value: Any) -> int | None:
    """Coerce a select box's value to an id; the empty choice is ``None``."""
    if value in (None, ""):
        return None
    number = services.valid_id(value)
    if number is None:
        raise ValueError(value)
    return number


def _employer_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", "Choose an employer…"),
        *(SelectChoice(str(i), name) for i, name in services.employer_choices()),
    ]


def _text(**kwargs: Any) -> dict[str, Any]:
    return {"filters": [services.clean_text], **kwargs}


class HoursField(Field):
    """Estimated hours: a decimal number; what was typed stays in the box on error."""

    widget = TextInput()
    data: Decimal | None

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        raw = services.clean_text(valuelist[0]) if valuelist else ""
        if raw:
            self.data = services.parse_hours(raw)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return services.format_hours(self.data) if isinstance(self.data, Decimal) else ""


class EmployerForm(Form):
    """An employer's name and contact details."""

    name = StringField(
        "Name",
        [DataRequired("Enter the employer's name."), Length(max=200)],
        **_text(),
    )
    website = StringField("Website", **_text())
    address = TextAreaField("Address", [Length(max=2000)], **_text())
    notes = TextAreaField("Notes", [Length(max=LONG_TEXT)], **_text())

    def __init__(self, *args: Any, employer: Employer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=employer, **kwargs)
        self.employer = employer

    def validate_name(self, field: Field) -> None:
        other = services.employer_named(field.data)
        if other is not None and (self.employer is None or other.id != self.employer.id):
            raise ValidationError(f"An employer called “{other.name}” already exists.")

    def validate_website(self, field: Field) -> None:
        try:
            field.data = services.normalize_website(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def values(self) -> dict[str, Any]:
        """The model's fields from the form; blank optional fields become ``None``."""
        return {
            "name": self.name.data,
            "website": self.website.data or None,
            "address": self.address.data or None,
            "notes": self.notes.data or None,
        }


class SupervisorForm(Form):
    """A person at an employer, identified by e-mail."""

    employer_id = ChoiceField(
        "Employer", [InputRequired(CHOOSE_EMPLOYER)], coerce=_optional_id, message=CHOOSE_EMPLOYER
    )
    name = StringField(
        "Name", [DataRequired("Enter the supervisor's name."), Length(max=200)], **_text()
    )
    title = StringField("Job title", [Length(max=200)], **_text())
    email = StringField(
        "E-mail",
        [DataRequired("Enter the supervisor's e-mail address."), Length(max=320)],
        **_text(render_kw={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(
        self,
        *args: Any,
        supervisor: Supervisor | None = None,
        project_count: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, obj=supervisor, **kwargs)
        self.supervisor = supervisor
        self.project_count = project_count
        self.employer_id.choices = _employer_choices()

    def validate_employer_id(self, field: Field) -> None:
        if field.data is None:
            raise ValidationError(CHOOSE_EMPLOYER)
        supervisor = self.supervisor
        if supervisor is None or not self.project_count:
            return
        if field.data != supervisor.employer_id:
            raise ValidationError(
                f"This supervisor is named on {self.project_count} project(s) of "
                f"{supervisor.employer.name}; add them as a new supervisor instead."
            )

    def validate_email(self, field: Field) -> None:
        try:
            field.data = services.normalize_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if self.employer_id.data is None:
            return
        other = services.supervisor_with_email(self.employer_id.data, field.data)
        if other is not None and (self.supervisor is None or other.id != self.supervisor.id):
            raise ValidationError(
                f"{other.name} already has this e-mail address at {other.employer.name}."
            )

    def values(self) -> dict[str, Any]:
        """The model's fields from the form."""
        return {
            "employer_id": self.employer_id.data,
            "name": self.name.data,
            "title": self.title.data or None,
            "email": self.email.data,
        }


class ProjectForm(Form):
    """One micro-internship: who offers it, what it is, how long it takes."""

    employer_id = ChoiceField(
        "Employer", [InputRequired(CHOOSE_EMPLOYER)], coerce=_optional_id, message=CHOOSE_EMPLOYER
    )
    supervisor_id = ChoiceField("Supervisor", coerce=_optional_id, message=CHOOSE_SUPERVISOR)
    title = StringField(
        "Title", [DataRequired("Enter the project's title."), Length(max=200)], **_text()
    )
    description = TextAreaField("Description", [Length(max=LONG_TEXT)], **_text())
    deliverables = TextAreaField("Deliverables", [Length(max=LONG_TEXT)], **_text())
    estimated_hours = HoursField(
        "Estimated hours",
        [InputRequired("Enter the estimated hours.")],
        render_kw={"inputmode": "decimal"},
    )
    starts_on = DayField(
        "Start date", [InputRequired("Enter the start date.")], message=DATE_FORMAT
    )
    ends_on = DayField("End date", [InputRequired("Enter the end date.")], message=DATE_FORMAT)
    status = ChoiceField(
        "Status",
        choices=[SelectChoice(s.value, s.value.capitalize()) for s in ProjectStatus],
        message="Choose open or closed.",
    )

    def __init__(self, *args: Any, project: Project | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=project, **kwargs)
        if project is not None and not self.is_submitted():
            self.status.data = ProjectStatus(project.status).value
        self.employer_id.choices = _employer_choices()
        supervisors = services.supervisor_choices()
        self.employer_of = {sup_id: employer_id for sup_id, _, employer_id, _ in supervisors}
        self.supervisor_id.choices = [
            SelectChoice("", "No supervisor yet"),
            *(SelectChoice(str(i), label, optgroup=group) for i, label, _, group in supervisors),
        ]

    def validate_supervisor_id(self, field: Field) -> None:
        employer_id = self.employer_id.data
        if field.data is None or employer_id is None:
            return
        if self.employer_of.get(field.data) != employer_id:
            raise ValidationError("Choose a supervisor who works at the chosen employer, or none.")

    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The end date must be on or after the start date.")

    def values(self) -> dict[str, Any]:
        """The model's fields from the form."""
        return {
            "employer_id": self.employer_id.data,
            "supervisor_id": self.supervisor_id.data,
            "title": self.title.data,
            "description": self.description.data or "",
            "deliverables": self.deliverables.data or "",
            "estimated_hours": self.estimated_hours.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "status": ProjectStatus(self.status.data),
        }


class ImportUploadForm(Form):
    """The marketplace's CSV export."""

    file = FileField(
        "CSV file",
        [FileRequired("Choose the CSV file to import.")],
        render_kw={"accept": ".csv,text/csv"},
    )


class ImportConfirmForm(Form):
    """The signed rows of a preview, sent back to apply them."""

    payload = HiddenField(validators=[DataRequired()])


# -- the students' catalogue ---------------------------------------------------------------


class BrowseForm(Form):
    """What a student searches the catalogue for (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Search", [Length(max=200)], **_text())
    employer = StringField("Employer", [Length(max=200)], **_text())
    term = ChoiceField(
        "Runs during", coerce=_optional_id, message="Choose a term from the list, or any term."
    )
    min_hours = HoursField("At least (hours)", render_kw={"inputmode": "decimal"})
    max_hours = HoursField("At most (hours)", render_kw={"inputmode": "decimal"})

    def __init__(self, *args: Any, terms: list[Term], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = {term.id: term for term in terms}
        self.term.choices = [
            SelectChoice("", "Any term"),
            *(SelectChoice(str(t.id), f"{t.code} ({t.starts_on} to {t.ends_on})") for t in terms),
        ]

    def validate_max_hours(self, field: Field) -> None:
        low = self.min_hours.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError("The most hours must be at least the fewest hours.")

    def filters(self) -> BrowseFilters:
        """The search as typed, leaving out any value that could not be read."""

        def read(field: Field) -> Any:
            return None if field.errors or field.process_errors else field.data

        term_id = read(self.term)
        return BrowseFilters(
            q=read(self.q) or "",
            employer=read(self.employer) or "",
            term=self.terms.get(term_id) if term_id else None,
            min_hours=read(self.min_hours),
            max_hours=read(self.max_hours),
        )


class AddToPlanForm(Form):
    """The button that puts a project into one of the student's plans."""

    plan_id = HiddenField(validators=[DataRequired()])
