"""Pages of the courses capability: credit courses, grading schemes, term sections (admins only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import roles_required
from careercredit.catalogue.forms import ImportConfirmForm, ImportUploadForm
from careercredit.courses import importer, services
from careercredit.courses.forms import CourseForm, SectionForm
from careercredit.extensions import db
from careercredit.models import Course, CourseSection, Role, Term
from careercredit.refusals import Refused, show_on_form, unit_of_work
from careercredit.sql import conflict_refused

bp = Blueprint("courses", __name__)


@bp.get("/admin/courses")
@roles_required(Role.admin)
def index() -> ResponseReturnValue:
    """List the courses and the grading schemes."""
    courses = services.courses()
    counts = services.section_counts([course.id for course in courses])
    return render_template(
        "courses/index.html",
        courses=courses,
        counts=counts,
        schemes=services.schemes(),
        terms=services.terms(),
    )


def _course_form(form: CourseForm) -> CourseForm:
    form.scheme_id.choices = [(scheme.id, scheme.name) for scheme in services.schemes()]
    return form


def _course_page(form: CourseForm, course: Course | None, status: int = 200) -> ResponseReturnValue:
    return render_template("courses/form.html", form=form, course=course), status


@bp.route("/admin/courses/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def create() -> ResponseReturnValue:
    """Add a course."""
    form = _course_form(CourseForm())
    if request.method == "GET":
        return _course_page(form, None)
    if not form.validate_on_submit():
        return _course_page(form, None, 422)
    values = _values(form, services.COURSE_FIELDS)
    try:
        with services.unique_course(values), unit_of_work():
            course = services.create_course(values, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return _course_page(form, None, refused.status)
    flash(f"Course {course.code} added.", "info")
    return redirect(url_for("courses.index"))


@bp.route("/admin/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit(course_id: int) -> ResponseReturnValue:
    """Change a course's code, title, department, credit range or grading scheme."""
    course = db.get_or_404(Course, course_id)
    form = _course_form(CourseForm(obj=course))
    if request.method == "GET":
        return _course_page(form, course)
    if not form.validate_on_submit():
        return _course_page(form, course, 422)
    values = _values(form, services.COURSE_FIELDS)
    try:
        with services.unique_course(values, except_id=course.id), unit_of_work():
            changed = services.update_course(course, values, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return _course_page(form, course, refused.status)
    flash(f"Course {course.code} saved." if changed else "Nothing changed.", "info")
    return redirect(url_for("courses.index"))


# -- CSV import ------------------------------------------------------------------------


def _upload_page(form: ImportUploadForm, status: int = 200) -> ResponseReturnValue:
    page = render_template(
        "courses/import.html", form=form, columns=importer.COLUMNS, schemes=services.schemes()
    )
    return page, status


def _import_refused(refused: Refused) -> ResponseReturnValue:
    form = ImportUploadForm(formdata=None)
    show_on_form(form, refused)
    return _upload_page(form, refused.status)


@bp.route("/admin/courses/import", methods=["GET", "POST"])
@roles_required(Role.admin)
def import_courses() -> ResponseReturnValue:
    """Upload a CSV file of courses and preview what importing it would do."""
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 422 if form.is_submitted() else 200)
    upload = form.file.data
    data = upload.stream.read(importer.MAX_BYTES + 1)
    try:
        rows = importer.read_file(data)
    except Refused as refused:
        return _import_refused(refused)
    counts = importer.counts(rows)
    source = {"file": (upload.filename or "")[:200], "rows": len(rows)}
    payload = importer.sign(rows, user_id=current_user.id, source=source)
    confirm = ImportConfirmForm(formdata=None, payload=payload)
    return render_template(
        "courses/import_preview.html", rows=rows, counts=counts, source=source, form=confirm
    )


@bp.post("/admin/courses/import/confirm")
@roles_required(Role.admin)
def confirm_import() -> ResponseReturnValue:
    """Apply a previewed import of courses."""
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return _import_refused(importer.PreviewRefused(importer.TAMPERED))
    try:
        rows, source = importer.unsign(form.payload.data or "", user_id=current_user.id)
        with conflict_refused(importer.changed), unit_of_work():
            done = importer.apply(rows, by=current_user, source=source)
    except Refused as refused:
        return _import_refused(refused)
    flash(f"Import done: {done['new']} new and {done['updated']} updated course(s).", "info")
    return redirect(url_for("courses.index"))


# -- a term's sections -------------------------------------------------------------


@bp.get("/admin/terms/<int:term_id>/sections")
@roles_required(Role.admin)
def sections(term_id: int) -> ResponseReturnValue:
    """The sections of courses a term offers."""
    term = db.get_or_404(Term, term_id)
    return render_template(
        "courses/sections.html", term=term, sections=services.sections_of(term.id)
    )


def _section_form(form: SectionForm) -> SectionForm:
    form.course_id.choices = [(course.id, str(course)) for course in services.courses()]
    form.instructor_id.choices = [
        ("", "None"),
        *((user.id, user.display_name) for user in services.instructors()),
    ]
    return form


def _section_page(
    form: SectionForm, term: Term, section: CourseSection | None, status: int = 200
) -> ResponseReturnValue:
    plans = services.plans_in(section.id) if section else 0
    page = render_template(
        "courses/section_form.html", form=form, term=term, section=section, plans=plans
    )
    return page, status


@bp.route("/admin/terms/<int:term_id>/sections/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def create_section(term_id: int) -> ResponseReturnValue:
    """Offer a section of a course in the term."""
    term = db.get_or_404(Term, term_id)
    form = _section_form(SectionForm())
    if request.method == "GET":
        return _section_page(form, term, None)
    if not form.validate_on_submit():
        return _section_page(form, term, None, 422)
    values = _values(form, services.SECTION_FIELDS)
    try:
        with services.unique_section(term.id, values), unit_of_work():
            section = services.create_section(term, values, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return _section_page(form, term, None, refused.status)
    flash(f"Section {section.label} added to {term.code}.", "info")
    return redirect(url_for("courses.sections", term_id=term.id))


@bp.route("/admin/sections/<int:section_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit_section(section_id: int) -> ResponseReturnValue:
    """Change a section's course, code, class number or instructor of record."""
    section = db.get_or_404(CourseSection, section_id)
    term = section.term
    form = _section_form(SectionForm(obj=section))
    if request.method == "GET":
        return _section_page(form, term, section)
    if not form.validate_on_submit():
        return _section_page(form, term, section, 422)
    values = _values(form, services.SECTION_FIELDS)
    try:
        with services.unique_section(term.id, values, except_id=section.id), unit_of_work():
            changed = services.update_section(section, values, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return _section_page(form, term, section, refused.status)
    flash(f"Section {section.label} saved." if changed else "Nothing changed.", "info")
    return redirect(url_for("courses.sections", term_id=term.id))


def _values(form: CourseForm | SectionForm, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in fields}
