"""The registrar's bulk exports of official records: start one, watch it, download the ZIP.

The work runs on the job engine's workers (``flask worker``), never in the
web process: a request only queues it. Its progress is in the database, so
the page's poll may reach any app server.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import get_or_404, roles_required
from careercredit.audit import record_event
from careercredit.jobs.tasks import start_export
from careercredit.models import ExportStatus, RecordExport, Role
from careercredit.records import export as jobs
from careercredit.records import manifest, queries
from careercredit.records.forms import ResumeForm, StartExportForm
from careercredit.refusals import Refused, show_on_form, unit_of_work

log = logging.getLogger(__name__)

bp = Blueprint("record_exports", __name__, url_prefix="/records/exports")

PER_PAGE = 25


@bp.context_processor
def _statuses() -> dict[str, object]:
    """Templates compare an export's status with the enum, never with its spelling."""
    return {"ExportStatus": ExportStatus}


def _start_form() -> StartExportForm:
    form = StartExportForm()
    form.term.choices = [
        (term.id, f"{term.code} · {term.name}") for term in jobs.terms_with_posted_credit()
    ]
    return form


def _index_page(form: StartExportForm, status: int = 200) -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int) or 1
    exports = queries.exports(page=page, per_page=PER_PAGE)
    return render_template("records/exports.html", exports=exports, form=form), status


@bp.get("/")
@roles_required(Role.registrar)
def index() -> ResponseReturnValue:
    """Earlier exports, newest first, and the form that starts one."""
    return _index_page(_start_form())


@bp.post("/")
@roles_required(Role.registrar)
def start() -> ResponseReturnValue:
    """Create an export of a term's records and start issuing them in the background."""
    form = _start_form()
    if not form.validate_on_submit():
        return _index_page(form, 422)
    try:
        with unit_of_work():
            export = jobs.create_export_of(form.term.data, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return _index_page(form, refused.status)
    code = export.term.code
    if _queue(export.id):
        flash(f"Issuing the records of {code}. You may leave this page; the work goes on.", "info")
    return redirect(url_for(".show", export_id=export.id))


def _queue(export_id: int) -> bool:
    """Hand the export to the workers; if the queue does not answer, say it starts later."""
    try:
        start_export(export_id)
    except Exception as exc:  # the queue (Redis) is away: the workers' sweep queues it later
        log.error("record export %s: job queue unavailable (%s)", export_id, type(exc).__name__)
        flash(
            "The export is saved, but the job queue does not answer: it starts as soon as "
            "the queue is back.",
            "error",
        )
        return False
    return True


@bp.get("/<int:export_id>")
@roles_required(Role.registrar)
def show(export_id: int) -> ResponseReturnValue:
    """The export's progress bar, its download link, and its records revoked since."""
    export = get_or_404(RecordExport, export_id)
    creator = jobs.left_out(export)
    return render_template(
        "records/exports_detail.html",
        export=export,
        resumable=jobs.retryable(export),
        failed=jobs.failed_records(export),
        form=ResumeForm(),
        left_out=jobs.left_out_text(creator) if creator is not None else "",
        flagged=manifest.flagged(export),
        Standing=manifest.Standing,
    )


@bp.get("/<int:export_id>/progress")
@roles_required(Role.registrar)
def progress(export_id: int) -> ResponseReturnValue:
    """Where the export stands, as JSON, for the page's poll."""
    export = get_or_404(RecordExport, export_id)
    return {
        "status": export.status.value,
        "done": export.done,
        "total": export.total,
        "error": export.error,
    }


@bp.post("/<int:export_id>/resume")
@roles_required(Role.registrar)
def resume(export_id: int) -> ResponseReturnValue:
    """Retry the records of an export that failed: it issues only the records still missing."""
    export = get_or_404(RecordExport, export_id)
    if not ResumeForm().validate_on_submit():
        abort(400)
    if jobs.retry(export, by=current_user):
        if _queue(export_id):
            flash("Retrying: the records still missing are being issued.", "info")
    else:
        flash("This export is running or finished; there is nothing to retry.", "error")
    return redirect(url_for(".show", export_id=export_id))


@bp.get("/<int:export_id>/download")
@roles_required(Role.registrar)
def download(export_id: int) -> ResponseReturnValue:
    """A ZIP of the export's stored documents, byte for byte as issued, and its manifest."""
    export = get_or_404(RecordExport, export_id)
    if export.status != ExportStatus.done:
        flash("The export is not finished; the ZIP is ready once every record is issued.", "error")
        return redirect(url_for(".show", export_id=export_id))
    archive = jobs.write_zip(export)
    name = f"official-records-{export.term.code}-{export.id}.zip"
    with unit_of_work():
        record_event(
            "record.export.download",
            actor=current_user,
            object_type="record_export",
            object_id=export.id,
            details={"documents": export.done},
        )
    return send_file(archive, mimetype="application/zip", as_attachment=True, download_name=name)
