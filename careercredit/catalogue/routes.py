"""Pages of the catalogue: employers, their supervisors, the projects they offer, CSV import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from careercredit import clock
from careercredit.access import is_plan_student, plan_or_404, roles_required
from careercredit.catalogue import browsing, contacts, csvfile, importer, services
from careercredit.catalogue.forms import (
    AddToPlanForm,
    BrowseForm,
    EmployerForm,
    ImportConfirmForm,
    ImportUploadForm,
    ProjectForm,
    SupervisorForm,
)
from careercredit.extensions import db
from careercredit.models import Employer, Project, ProjectStatus, Role, Supervisor, User
from careercredit.plans.services import add_placement
from careercredit.refusals import Refused, show_on_form, unit_of_work
from careercredit.sql import conflict_refused

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

STAFF = (Role.advisor, Role.admin)

#: What a save answers (field: message) when a concurrent writer took the unique value first.
EMPLOYER_TAKEN = {"name": "An employer with this name was just added. Choose another name."}
EMAIL_TAKEN = {"email": "This e-mail address was just added at this employer."}
PROJECT_CONFLICT = {"title": "The project could not be saved; check the employer and try again."}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "format_hours": services.format_hours,
        "ProjectStatus": ProjectStatus,
        "RowStatus": csvfile.RowStatus,
    }


def _search() -> tuple[str, int]:
    """The text searched for and the page asked for, from the query string."""
    q = services.clean_text(request.args.get("q", ""))[:200]
    return q, services.page_number(request.args.get("page", 1))


#: Saves ``obj`` with the form's values for the signed-in person; tells whether anything changed.
Save = Callable[..., bool]


def _save_employer(employer: Employer, values: dict[str, Any], *, by: User) -> bool:
    return services.save(employer, values, by=by, snapshot=services.employer_values)


def _save_form(
    form: FlaskForm,
    obj: Employer | Supervisor | Project,
    *,
    save: Save,
    template: str,
    conflict: dict[str, str],
    **context: Any,
) -> ResponseReturnValue:
    """Show ``form``; on a valid submission save ``obj``, commit once and go to its page.

    ``conflict`` holds the problems shown when a concurrent writer took a
    unique value first (the database refuses the row at commit). A refusal
    (such as ``OwnRecord``) gives the form back with its message and status.
    """
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(template, form=form, **context), status
    creating = obj.id is None
    try:
        with conflict_refused(lambda: Refused(problems=conflict)), unit_of_work():
            changed = save(obj, form.values(), by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return render_template(template, form=form, **context), refused.status
    kind = obj.__tablename__
    noun = kind.capitalize()
    flash(f"{noun} added." if creating else f"{noun} saved." if changed else "Nothing changed.")
    target: dict[str, Any] = {f"{kind}_id": obj.id}
    return redirect(url_for(f"catalogue.{kind}", **target))


# -- employers ---------------------------------------------------------------------------


@bp.get("/employers")
@roles_required(*STAFF)
def employers() -> ResponseReturnValue:
    """List employers, searched by name, website or address."""
    q, page = _search()
    pagination = services.employer_page(q, page)
    counts = services.open_project_counts(e.id for e in pagination.items)
    return render_template("catalogue/employers.html", pagination=pagination, q=q, counts=counts)


@bp.get("/employers/<int:employer_id>")
@roles_required(*STAFF)
def employer(employer_id: int) -> ResponseReturnValue:
    """Show an employer with its supervisors and latest projects."""
    employer = db.get_or_404(Employer, employer_id)
    return render_template(
        "catalogue/employer.html",
        employer=employer,
        projects=services.projects_of(employer_id=employer.id),
        total=services.count_projects(employer_id=employer.id),
    )


@bp.route("/employers/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_employer() -> ResponseReturnValue:
    """Add an employer."""
    form = EmployerForm()
    return _save_form(
        form,
        Employer(),
        save=_save_employer,
        template="catalogue/employer_form.html",
        conflict=EMPLOYER_TAKEN,
    )


@bp.route("/employers/<int:employer_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_employer(employer_id: int) -> ResponseReturnValue:
    """Change an employer's name or details."""
    employer = db.get_or_404(Employer, employer_id)
    form = EmployerForm(employer=employer)
    return _save_form(
        form,
        employer,
        save=_save_employer,
        template="catalogue/employer_form.html",
        conflict=EMPLOYER_TAKEN,
        employer=employer,
    )


# -- supervisors -------------------------------------------------------------------------


@bp.get("/supervisors")
@roles_required(*STAFF)
def supervisors() -> ResponseReturnValue:
    """List supervisors, searched by name, title or e-mail, filtered by employer."""
    q, page = _search()
    employer_id = services.valid_id(request.args.get("employer"))
    return render_template(
        "catalogue/supervisors.html",
        pagination=services.supervisor_page(q, employer_id, page),
        q=q,
        employer_id=employer_id,
        employers=services.employer_choices(),
    )


@bp.get("/supervisors/<int:supervisor_id>")
@roles_required(*STAFF)
def supervisor(supervisor_id: int) -> ResponseReturnValue:
    """Show a supervisor and the projects they supervise."""
    supervisor = db.get_or_404(Supervisor, supervisor_id)
    return render_template(
        "catalogue/supervisor.html",
        supervisor=supervisor,
        projects=services.projects_of(supervisor_id=supervisor.id),
        total=services.count_projects(supervisor_id=supervisor.id),
    )


@bp.route("/supervisors/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_supervisor() -> ResponseReturnValue:
    """Add a supervisor to an employer (``?employer=<id>`` picks it in advance)."""
    form = SupervisorForm()
    if not form.is_submitted():
        form.employer_id.data = services.valid_id(request.args.get("employer"))
    return _save_form(
        form,
        Supervisor(),
        save=contacts.save_supervisor,
        template="catalogue/supervisor_form.html",
        conflict=EMAIL_TAKEN,
    )


@bp.route("/supervisors/<int:supervisor_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_supervisor(supervisor_id: int) -> ResponseReturnValue:
    """Change a supervisor's details."""
    supervisor = db.get_or_404(Supervisor, supervisor_id)
    count = services.count_projects(supervisor_id=supervisor.id)
    form = SupervisorForm(supervisor=supervisor, project_count=count)
    return _save_form(
        form,
        supervisor,
        save=contacts.save_supervisor,
        template="catalogue/supervisor_form.html",
        conflict=EMAIL_TAKEN,
        supervisor=supervisor,
        own_placement=contacts.own_placement_problem(current_user, supervisor_id=supervisor.id),
    )


# -- projects ----------------------------------------------------------------------------


def _is_staff() -> bool:
    return any(current_user.has_role(role) for role in STAFF)


@bp.get("/projects")
@roles_required(Role.student, *STAFF)
def projects() -> ResponseReturnValue:
    """List projects, searched by text, filtered by employer and status.

    Students are sent to their own view of the catalogue: the projects still offered.
    """
    if not _is_staff():
        return redirect(url_for("catalogue.browse"))
    q, page = _search()
    employer_id = services.valid_id(request.args.get("employer"))
    status_arg = request.args.get("status", "")
    status = ProjectStatus(status_arg) if status_arg in {s.value for s in ProjectStatus} else None
    return render_template(
        "catalogue/projects.html",
        pagination=services.project_page(q, employer_id, status, page),
        q=q,
        employer_id=employer_id,
        employer=services.employer_by_id(employer_id),
        status=status,
    )


@bp.get("/projects/options")
@roles_required(Role.student, *STAFF)
def project_options() -> ResponseReturnValue:
    """Open projects as JSON for a plan form: ``?q=`` text, ``?term=`` an overlapping term."""
    term = None
    if request.args.get("term"):
        term = services.term_by_id(services.valid_id(request.args["term"]))
        if term is None:
            return jsonify(error="Unknown term."), 404
    q = services.clean_text(request.args.get("q", ""))[:200]
    return jsonify(services.project_options(q, term))


@bp.get("/projects/<int:project_id>")
@roles_required(Role.student, *STAFF)
def project(project_id: int) -> ResponseReturnValue:
    """Show a project (students: their view of it)."""
    if not _is_staff():
        return redirect(url_for("catalogue.browse_project", project_id=project_id))
    return render_template("catalogue/project.html", project=db.get_or_404(Project, project_id))


@bp.route("/projects/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_project() -> ResponseReturnValue:
    """Add a project by hand (``?employer=<id>`` picks the employer in advance)."""
    form = ProjectForm()
    if not form.is_submitted():
        form.employer_id.data = services.valid_id(request.args.get("employer"))
    return _save_form(
        form,
        Project(),
        save=contacts.save_project,
        template="catalogue/project_form.html",
        conflict=PROJECT_CONFLICT,
    )


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_project(project_id: int) -> ResponseReturnValue:
    """Change a project."""
    project = db.get_or_404(Project, project_id)
    form = ProjectForm(project=project)
    return _save_form(
        form,
        project,
        save=contacts.save_project,
        template="catalogue/project_form.html",
        conflict=PROJECT_CONFLICT,
        project=project,
        own_placement=contacts.own_placement_problem(current_user, project_ids=[project.id]),
    )


# -- the students' catalogue --------------------------------------------------------------


@bp.get("/browse")
@roles_required(Role.student)
def browse() -> ResponseReturnValue:
    """Projects a student may still take, searched and filtered; the term of their plan first."""
    terms = browsing.terms_offered()
    form = BrowseForm(request.args, terms=terms)
    if "term" not in request.args:
        plans = browsing.editable_plans(current_user)
        offered_terms = {term.id for term in terms}
        form.term.data = next((p.term_id for p in plans if p.term_id in offered_terms), None)
    valid = form.validate()
    filters = form.filters()
    pagination = browsing.project_page(filters, services.page_number(request.args.get("page")))
    page = render_template(
        "catalogue/browse.html", form=form, filters=filters, pagination=pagination
    )
    return page, 200 if valid else 422


def _browse_project_page(
    project: Project, *, refused: Refused | None = None
) -> ResponseReturnValue:
    plans = browsing.editable_plans(current_user)
    return render_template(
        "catalogue/browse_project.html",
        project=project,
        plans=plans,
        addable=browsing.plans_for(project, plans),
        ended=project.ends_on < clock.today(),
        form=AddToPlanForm(formdata=None),
        problems=refused.messages if refused else [],
    ), refused.status if refused else 200


@bp.get("/browse/<int:project_id>")
@roles_required(Role.student)
def browse_project(project_id: int) -> ResponseReturnValue:
    """A project as a student sees it, with a button to add it to their plan."""
    project = browsing.offered_project(project_id)
    if project is None:
        abort(404)
    return _browse_project_page(project)


@bp.post("/browse/<int:project_id>/add")
@roles_required(Role.student)
def add_to_plan(project_id: int) -> ResponseReturnValue:
    """Add the project to one of the student's own plans they may still change."""
    project = browsing.offered_project(project_id)
    if project is None:
        abort(404)
    form = AddToPlanForm()
    plan_id = services.valid_id(form.plan_id.data)
    if not form.validate_on_submit() or plan_id is None:
        abort(400)
    # Another student's plan answers 404, as if it did not exist.
    plan = plan_or_404(plan_id, can=is_plan_student)
    try:
        with unit_of_work():
            add_placement(plan, current_user, project.id)
    except Refused as refused:
        return _browse_project_page(project, refused=refused)
    flash(f"{project.title} is now part of your plan for {plan.term.code}.", "info")
    return redirect(url_for("plans.edit", plan_id=plan.id))


# -- CSV import --------------------------------------------------------------------------


def _upload_page(form: ImportUploadForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "catalogue/import.html",
        form=form,
        columns=csvfile.COLUMNS,
        required=csvfile.REQUIRED_COLUMNS,
        max_mb=csvfile.MAX_BYTES // (1024 * 1024),
        max_rows=csvfile.MAX_ROWS,
    ), status


def _refused(refused: Refused) -> ResponseReturnValue:
    """The upload page again, saying why next to the file field."""
    form = ImportUploadForm(formdata=None)
    show_on_form(form, refused)
    return _upload_page(form, refused.status)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_projects() -> ResponseReturnValue:
    """Upload a marketplace CSV file and preview what importing it would do."""
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 422 if form.is_submitted() else 200)
    upload = form.file.data
    data = upload.stream.read(csvfile.MAX_BYTES + 1)
    try:
        rows = csvfile.read_file(data)
    except Refused as refused:
        return _refused(refused)
    counts = importer.compare(rows, by=current_user)
    source = {
        "file": services.clean_text(upload.filename)[:200],
        "sha256": csvfile.file_digest(data),
        "rows": len(rows),
        "rejected": counts["rejected"],
    }
    payload = importer.sign(rows, user_id=current_user.id, source=source)
    confirm = ImportConfirmForm(formdata=None, payload=payload)
    return render_template(
        "catalogue/import_preview.html", rows=rows, counts=counts, source=source, form=confirm
    )


@bp.post("/import/confirm")
@roles_required(*STAFF)
def confirm_import() -> ResponseReturnValue:
    """Apply a previewed import."""
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return _refused(importer.PreviewRefused(importer.TAMPERED))
    try:
        rows, source = importer.unsign(form.payload.data or "", user_id=current_user.id)
        with conflict_refused(importer.CatalogueChanged), unit_of_work():
            result = importer.apply(rows, by=current_user, source=source)
    except Refused as refused:
        return _refused(refused)
    flash(
        f"Import done: {result['created']} new, {result['updated']} updated and "
        f"{result['unchanged']} unchanged project(s)."
    )
    return redirect(url_for("catalogue.projects"))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A body above the app's limit: on the import page, say so on the form."""
    staff = current_user.is_authenticated and any(current_user.has_role(r) for r in STAFF)
    if request.endpoint == "catalogue.import_projects" and staff:
        return _refused(csvfile.UploadTooLarge())
    return error
