"""Pages of the registrar: term rosters, grade exports for the SIS, posting, amendments.

Also the audit log browser (registrars and admins) and, for the plan page,
``plan_record``: the grade, the posting and the history as the viewer may
see them (templates/registrar/_plan_record.html).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit import clock
from careercredit.access import get_or_404, is_own_record, roles_required, signed_in
from careercredit.csvexport import csv_response, record_download
from careercredit.extensions import db
from careercredit.ids import whole_number
from careercredit.models import CreditPlan, GradeExport, PlanState, Role, Term
from careercredit.pagination import requested_page
from careercredit.plans.workflow import StalePlan
from careercredit.refusals import Refused, unit_of_work
from careercredit.registrar import amendments, auditlog, posting, services, term_plans
from careercredit.registrar.forms import (
    AmendForm,
    AuditFilterForm,
    ExportForm,
    PostForm,
    RejectForm,
    ReportForm,
)
from careercredit.registrar.profiles import profile_named
from careercredit.registrar.record import PlanRecord, plan_record
from careercredit.signoff import services as signoff_services

bp = Blueprint("registrar", __name__)

PER_PAGE = 25
AUDIT_PER_PAGE = 50
RECENT_EXPORTS = 10
#: The roster's ``?state=`` that lists every plan of the term, grouped by state.
ALL_STATES = "all"
#: Late sign-offs listed on the index, most days late first; the count says how many in all.
LATE_SIGNOFFS = 20


@bp.context_processor
def _separation_of_duties() -> dict[str, object]:
    """Rosters and exports mark the signed-in registrar's own plans with the one rule."""
    return {"is_own_record": is_own_record}


@bp.app_template_global("plan_record")
def _plan_record(plan: CreditPlan) -> PlanRecord:
    """The plan's grade, posting, amendments and history as the signed-in person may see them."""
    return plan_record(plan, current_user)


# -- terms and rosters ----------------------------------------------------------


@bp.get("/registrar/")
@roles_required(Role.registrar)
def index() -> ResponseReturnValue:
    """Terms with what waits to be posted or amended, late sign-offs and the latest exports."""
    terms = services.terms_page(page=requested_page(), per_page=PER_PAGE)
    exports = services.recent_exports(limit=RECENT_EXPORTS)
    late = db.session.scalars(signoff_services.late_query().limit(LATE_SIGNOFFS)).unique().all()
    return render_template(
        "registrar/index.html",
        terms=terms,
        counts=services.term_counts([t.id for t in terms.items]),
        exports=exports,
        posted=services.posted_counts([e.id for e in exports]),
        late=late,
        late_count=signoff_services.late_count() if len(late) == LATE_SIGNOFFS else len(late),
    )


@bp.get("/registrar/terms/<int:term_id>")
@roles_required(Role.registrar)
def roster(term_id: int) -> ResponseReturnValue:
    """What the next export of a term carries, every plan of the term by state, its exports."""
    term = db.get_or_404(Term, term_id)
    return _roster_page(term)


def _chosen_state() -> tuple[bool, PlanState | None]:
    """Whether the roster shows every plan of the term (``?state=all`` or a state), and which."""
    name = request.args.get("state", "")
    state = PlanState.__members__.get(name)
    return (name == ALL_STATES or state is not None), state


def _roster_page(term: Term, problems: list[str] | None = None) -> ResponseReturnValue:
    every, state = _chosen_state()
    summary = term_plans.summary(term)  # the counts are also the lists' totals
    if every:
        plans = term_plans.plans_page(
            term, state, summary, page=requested_page(), per_page=PER_PAGE
        )
    else:
        plans = term_plans.roster_page(term, summary, page=requested_page(), per_page=PER_PAGE)
    exports, posted = services.recent_exports_posted(term.id, limit=RECENT_EXPORTS)
    page = render_template(
        "registrar/roster.html",
        term=term,
        plans=plans,
        every=every,
        state=state,
        state_counts=summary.states,
        roster_action=services.roster_action,
        counts=summary.waiting,
        exports=exports,
        posted=posted,
        form=ExportForm(),
        problems=problems or [],
    )
    return page, 422 if problems else 200


@bp.get("/registrar/terms/<int:term_id>/plans.csv")
@roles_required(Role.registrar)
def roster_csv(term_id: int) -> ResponseReturnValue:
    """Every plan of the term (or those in ``?state=``), by state then name, as a CSV file."""
    term = db.get_or_404(Term, term_id)
    _, state = _chosen_state()
    which = state.value if state else "all"
    with unit_of_work():
        record_download(f"term {term.code}", current_user)
    return csv_response(
        f"plans-{term.code}-{which}-{clock.today().isoformat()}.csv",
        term_plans.CSV_HEADER,
        term_plans.csv_rows(term, state),
    )


@bp.post("/registrar/terms/<int:term_id>/exports")
@roles_required(Role.registrar)
def create_export(term_id: int) -> ResponseReturnValue:
    """Make the grade roll of the term's roster; nothing is posted yet."""
    term = db.get_or_404(Term, term_id)
    if not ExportForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            result = services.create_export(term, by=current_user)
    except Refused as refused:
        return _roster_page(term, problems=refused.messages)
    export = result.export
    flash(
        f"Exported {export.row_count} row{'' if export.row_count == 1 else 's'} to "
        f"{export.filename}. Download it for the SIS, then mark the plans posted.",
        "info",
    )
    if result.left_out:
        flash(services.missing_ids_text(result.left_out), "error")
    return redirect(url_for(".export", export_id=export.id))


# -- exports ------------------------------------------------------------------


@bp.get("/registrar/exports/<int:export_id>")
@roles_required(Role.registrar)
def export(export_id: int) -> ResponseReturnValue:
    """An export's rows, who made it and when, and the posting of its plans."""
    grade_export = db.get_or_404(GradeExport, export_id)
    return _export_page(grade_export)


def _export_page(
    grade_export: GradeExport,
    refused: Refused | None = None,
    *,
    reject_form: RejectForm | None = None,
    report_form: ReportForm | None = None,
) -> ResponseReturnValue:
    rows = services.export_rows(grade_export)
    plans = services.plans_by_id([row.plan for row in rows if row.plan])
    page = render_template(
        "registrar/export.html",
        export=grade_export,
        profile=profile_named(grade_export.profile),
        rows=rows,
        plans=plans,
        waiting=posting.waiting(grade_export, rows, plans, signed_in()),
        form=PostForm(),
        reject_form=reject_form or RejectForm(formdata=None),
        report_form=report_form or ReportForm(formdata=None),
        problems=refused.messages if refused else [],
    )
    return page, refused.status if refused else 200


def _ticked() -> set[int]:
    """The plan ids of the rows ticked on the export page."""
    return {n for v in request.form.getlist("plan_id") if (n := whole_number(v)) is not None}


@bp.get("/registrar/exports/<int:export_id>/download")
@roles_required(Role.registrar)
def download(export_id: int) -> ResponseReturnValue:
    """The stored bytes of the export, exactly as first made."""
    grade_export = db.get_or_404(GradeExport, export_id)
    services.record_download(grade_export, current_user)
    content, filename = grade_export.content, grade_export.filename
    db.session.commit()
    return Response(
        content,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/registrar/exports/<int:export_id>/post")
@roles_required(Role.registrar)
def post(export_id: int) -> ResponseReturnValue:
    """Mark posted every plan of the export, or the rows ticked."""
    grade_export = db.get_or_404(GradeExport, export_id)
    form = PostForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = None
    if form.scope.data == "selected":
        chosen = _ticked()
        if not chosen:
            return _export_page(grade_export, Refused("Tick the rows to post, or post all."))
    try:
        with unit_of_work():
            result = posting.post_export(
                grade_export, current_user, chosen, sis_took=bool(form.sis_took.data)
            )
    except Refused as refused:
        return _export_page(grade_export, refused)
    done = result.posted or result.confirmed
    flash(result.summary(), "info" if done or not result.skipped else "error")
    return redirect(url_for(".export", export_id=export_id))


@bp.post("/registrar/exports/<int:export_id>/reject")
@roles_required(Role.registrar)
def reject(export_id: int) -> ResponseReturnValue:
    """Record the rows ticked as rejected by the SIS, with its reason: back on the roster."""
    grade_export = db.get_or_404(GradeExport, export_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _export_page(grade_export, _form_refused(form), reject_form=form)
    chosen = _ticked()
    if not chosen:
        refused = Refused("Tick the rows the SIS rejected.")
        return _export_page(grade_export, refused, reject_form=form)
    reason = form.reason.data or ""
    return _record_rejections(grade_export, dict.fromkeys(chosen, reason), reject_form=form)


@bp.post("/registrar/exports/<int:export_id>/report")
@roles_required(Role.registrar)
def report(export_id: int) -> ResponseReturnValue:
    """Upload the SIS's error report: the rows it names are rejected, with its reasons."""
    grade_export = db.get_or_404(GradeExport, export_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _export_page(grade_export, _form_refused(form), report_form=form)
    try:
        reasons = posting.reasons_from_report(grade_export, form.report.data.read())
    except Refused as refused:
        return _export_page(grade_export, refused, report_form=form)
    return _record_rejections(grade_export, reasons, report_form=form)


def _form_refused(form: RejectForm | ReportForm) -> Refused:
    """The form's problems as a refusal (a form without its CSRF token is a bad request)."""
    if form.csrf_token.errors:
        abort(400)
    return Refused(problems=form.errors)


def _record_rejections(
    grade_export: GradeExport,
    reasons: dict[int, str],
    *,
    reject_form: RejectForm | None = None,
    report_form: ReportForm | None = None,
) -> ResponseReturnValue:
    try:
        with unit_of_work():
            rejected = posting.reject_rows(grade_export, current_user, reasons)
    except Refused as refused:
        return _export_page(grade_export, refused, reject_form=reject_form, report_form=report_form)
    names = ", ".join(plan.student.display_name for plan in rejected)
    count = len(rejected)
    flash(
        f"Recorded {count} row{'' if count == 1 else 's'} rejected by the SIS ({names}). "
        "They are back on the roster with the reason; the next export sends them again.",
        "info",
    )
    return redirect(url_for(".export", export_id=grade_export.id))


# -- amendments ---------------------------------------------------------------


@bp.route("/registrar/plans/<int:plan_id>/amend", methods=["GET", "POST"])
@roles_required(Role.registrar)
def amend(plan_id: int) -> ResponseReturnValue:
    """Correct a posted plan's grade or credits, with a reason."""
    plan = get_or_404(CreditPlan, plan_id)
    form = AmendForm(version=plan.version, grade=plan.final_grade, credits=plan.final_credits)
    form.grade.choices = [("", "Choose a grade")] + [(g, g) for g in plan.grading.grades]
    try:
        amendments.refuse_amendment(plan, current_user)
    except Refused as refused:
        return _amend_page(plan, form, refused.messages), refused.status
    if request.method == "GET":
        return _amend_page(plan, form)
    valid = form.validate_on_submit()
    problems = amendments.amendment_problems(
        plan, grade=form.grade.data, credits=form.credits.data, reason=form.reason.data or ""
    )
    for name, message in problems.items():
        getattr(form, name).errors = [message]  # one clear message per field
    if not valid or problems:
        return _amend_page(plan, form), 422
    if form.version.data != str(plan.version):
        stale = StalePlan()
        return _amend_page(plan, _fresh(form, plan), stale.messages), stale.status
    try:
        with unit_of_work():
            amendments.amend_plan(
                plan,
                current_user,
                grade=form.grade.data,
                credits=form.credits.data,
                reason=form.reason.data or "",
            )
    except Refused as refused:
        # Rolled back: the plan reads as it is now.
        return _amend_page(plan, _fresh(form, plan), refused.messages), refused.status
    flash(f"Amendment recorded. The next export of {plan.term.code} carries it to the SIS.", "info")
    return redirect(url_for("plans.show", plan_id=plan.id, _anchor="record"))


def _fresh(form: AmendForm, plan: CreditPlan) -> AmendForm:
    """Keep the registrar's entries, against the plan as it is now."""
    form.version.data = str(plan.version)
    return form


def _amend_page(plan: CreditPlan, form: AmendForm, problems: list[str] | None = None) -> str:
    return render_template("registrar/amend.html", plan=plan, form=form, problems=problems or [])


# -- the audit log ------------------------------------------------------------


@bp.get("/admin/audit")
@roles_required(Role.registrar, Role.admin)
def audit_log() -> ResponseReturnValue:
    """Audit events, newest first, filtered by person, action, dates and object."""
    form, filters = _audit_filters()
    if filters is None:
        return render_template("registrar/audit_log.html", form=form, events=None), 422
    events = auditlog.audit_page(filters, page=requested_page(), per_page=AUDIT_PER_PAGE)
    return render_template(
        "registrar/audit_log.html",
        form=form,
        events=events,
        lines=auditlog.audit_lines(events.items),
    )


@bp.get("/admin/audit.csv")
@roles_required(Role.registrar, Role.admin)
def audit_log_csv() -> ResponseReturnValue:
    """The audit events the filters select, newest first, as a CSV file."""
    form, filters = _audit_filters()
    if filters is None:
        return render_template("registrar/audit_log.html", form=form, events=None), 422
    with unit_of_work():
        record_download("audit log", current_user)
    return csv_response(
        f"audit-{clock.today().isoformat()}.csv",
        auditlog.CSV_HEADER,
        auditlog.csv_rows(filters),
    )


def _audit_filters() -> tuple[AuditFilterForm, auditlog.AuditFilters | None]:
    """The filter form read from the query string, and its filters (None if it has errors)."""
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = [("", "Every action"), *auditlog.action_choices()]
    form.object_type.choices = [("", "Every kind"), *((t, t) for t in auditlog.object_types())]
    if not form.validate():
        return form, None
    filters = auditlog.AuditFilters(
        person=form.person.data or "",
        action=form.action.data or "",
        date_from=form.day(form.date_from),
        date_to=form.day(form.date_to),
        object_type=form.object_type.data or "",
        object_id=form.object_id.data or "",
    )
    return form, filters
