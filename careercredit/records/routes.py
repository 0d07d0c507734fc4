"""Official records: students' unofficial copies and requests; registrars issue and revoke.

A student sees their own records page, downloads an unofficial copy and asks
for an official record. The registrar decides requests, issues records from a
student's page, and revokes issued ones. An issued document is seen by its
student and by registrars; everyone else gets 404. Staff looking at a
student's records, or downloading one, is an audit event.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from careercredit import clock
from careercredit.access import is_own_record, roles_required
from careercredit.audit import record_event
from careercredit.csvexport import csv_response, record_download
from careercredit.forms import Form
from careercredit.models import RecordDocument, RecordRequest, RequestStatus, Role, User
from careercredit.pagination import requested_page
from careercredit.records import queries, services
from careercredit.records.archive import latest_content
from careercredit.records.forms import (
    ButtonForm,
    DeclineForm,
    IssueForm,
    ReissueForm,
    RequestForm,
    RevokeForm,
)
from careercredit.records.services import RecordError
from careercredit.refusals import Refused, unit_of_work

bp = Blueprint("records", __name__, url_prefix="/records")

PER_PAGE = 25
#: The registrar's page lists this many waiting requests, oldest first.
PENDING_SHOWN = 50
MAX_SEARCH = 100


@bp.context_processor
def _statuses() -> dict[str, object]:
    """Templates compare a request's status with the enum, never with its spelling.

    ``is_own_record`` marks the signed-in registrar's own record instead of
    offering to decide, issue or revoke it (separation of duties).
    """
    return {"RequestStatus": RequestStatus, "Role": Role, "is_own_record": is_own_record}


def _pdf(content: bytes, filename: str) -> Response:
    """A PDF download that no browser or proxy keeps."""
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _status(refused: Refused | None, form: Form | None = None) -> int:
    """The status of a page that may show a refusal or a form with errors."""
    if refused is not None:
        return refused.status
    return 422 if form is not None and form.errors else 200


def _problems(refused: Refused | None) -> list[str]:
    return refused.messages if refused is not None else []


# -- loading --------------------------------------------------------------------


def _document_or_404(document_id: int, *, lock: bool = False) -> RecordDocument:
    """The document if the signed-in person may see it; a write locks the row."""
    document = queries.document(document_id, lock=lock)
    if document is None or not document.can_view(current_user):
        abort(404)
    return document


def _request_or_404(request_id: int) -> RecordRequest:
    """The request, locked, if the signed-in person may see it."""
    record_request = queries.record_request(request_id, lock=True)
    if record_request is None or not record_request.can_view(current_user):
        abort(404)
    return record_request


def _student_or_404(user_id: int) -> User:
    """A person with a record to show: a student, or anyone with posted credit."""
    student = queries.record_holder(user_id)
    if student is None:
        abort(404)
    return student


# -- the student ----------------------------------------------------------------


@bp.get("/mine")
@roles_required(Role.student)
def mine() -> ResponseReturnValue:
    """The student's posted credit, unofficial copy, requests and issued records."""
    return _mine_page()


def _mine_page(
    form: RequestForm | None = None, refused: Refused | None = None
) -> ResponseReturnValue:
    record = queries.student_record(current_user)
    page = render_template(
        "records/mine.html",
        form=form or RequestForm(),
        button=ButtonForm(),
        problems=_problems(refused),
        changes=services.changes_since_issue(record.documents),
        **record._asdict(),
    )
    return page, _status(refused, form)


@bp.get("/mine/unofficial.pdf")
@roles_required(Role.student)
def unofficial() -> ResponseReturnValue:
    """The student's unofficial copy, built now and not kept."""
    if not services.has_posted_credit(current_user):
        flash("You have no posted credit yet, so there is no record to download.", "error")
        return redirect(url_for(".mine"))
    pdf = services.unofficial_copy(current_user)
    with unit_of_work():
        record_event(
            "record.unofficial", actor=current_user, object_type="user", object_id=current_user.id
        )
    return _pdf(pdf, f"unofficial-record-{clock.today().isoformat()}.pdf")


@bp.post("/mine/requests")
@roles_required(Role.student)
def ask() -> ResponseReturnValue:
    """Ask the registrar for an official record."""
    form = RequestForm()
    if not form.validate_on_submit():
        return _mine_page(form)
    try:
        with unit_of_work():
            services.request_record(current_user, form.purpose.data or "")
    except Refused as refused:
        return _mine_page(form, refused)
    flash("Your request is with the registrar. You will get an e-mail when it is decided.", "info")
    return redirect(url_for(".mine"))


@bp.post("/requests/<int:request_id>/cancel")
@roles_required(Role.student)
def cancel(request_id: int) -> ResponseReturnValue:
    """Withdraw a request the registrar has not decided yet."""
    record_request = _request_or_404(request_id)
    if record_request.student_id != current_user.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not record_request.can_cancel(current_user):
        status = record_request.status.value
        return _mine_page(
            refused=RecordError(f"This request is already {status}; nothing was cancelled.")
        )
    with unit_of_work():
        services.cancel_request(record_request, by=current_user)
    flash("Your request is cancelled.", "info")
    return redirect(url_for(".mine"))


# -- the registrar --------------------------------------------------------------


@bp.get("/")
@roles_required(Role.registrar)
def index() -> ResponseReturnValue:
    """Requests waiting for a decision, then issued records, newest first."""
    return _index_page()


def _index_page(refused: Refused | None = None) -> ResponseReturnValue:
    text = _search_text()
    documents = queries.issued_documents(text, page=requested_page(), per_page=PER_PAGE)
    page = render_template(
        "records/index.html",
        pending=queries.waiting_requests(PENDING_SHOWN),
        pending_total=queries.waiting_count(),
        documents=documents,
        changes=services.changes_since_issue(documents.items),
        q=text,
        button=ButtonForm(),
        problems=_problems(refused),
    )
    return page, _status(refused)


@bp.get("/documents.csv")
@roles_required(Role.registrar)
def documents_csv() -> ResponseReturnValue:
    """The issued records the search finds (all without one), newest first, as a CSV file."""
    text = _search_text()
    with unit_of_work():
        record_download("records", current_user)
    return csv_response(
        f"records-{clock.today().isoformat()}.csv",
        queries.DOCUMENT_HEADER,
        queries.document_rows(text),
    )


@bp.get("/students")
@roles_required(Role.registrar)
def students() -> ResponseReturnValue:
    """Find a student by name, username or student number, to open their records page."""
    text = _search_text()
    found = queries.students_page(text, page=requested_page(), per_page=PER_PAGE) if text else None
    return render_template("records/students.html", q=text, found=found)


def _search_text() -> str:
    return " ".join(request.args.get("q", "").split())[:MAX_SEARCH]


@bp.post("/requests/<int:request_id>/approve")
@roles_required(Role.registrar)
def approve(request_id: int) -> ResponseReturnValue:
    """Approve a request: issue the student's official record now."""
    record_request = _request_or_404(request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    # Refused by the service (already decided, or the registrar's own request) before it issues.
    try:
        with unit_of_work():
            document = services.issue_record(
                record_request.student, by=current_user, request=record_request
            )
    except Refused as refused:
        return _index_page(refused)
    flash(f"Record {document.code} issued. The student has been e-mailed.", "info")
    return redirect(url_for(".document", document_id=document.id))


@bp.route("/requests/<int:request_id>/decline", methods=["GET", "POST"])
@roles_required(Role.registrar)
def decline(request_id: int) -> ResponseReturnValue:
    """Decline a request, saying why; the student reads the reason."""
    record_request = _request_or_404(request_id)
    form = DeclineForm()
    try:
        services.refuse_decision(record_request, current_user)
    except Refused as refused:
        return _decline_page(record_request, form, refused)
    if request.method == "GET" or not form.validate_on_submit():
        return _decline_page(record_request, form)
    try:
        with unit_of_work():
            services.decline_request(record_request, by=current_user, reason=form.reason.data or "")
    except Refused as refused:
        return _decline_page(record_request, form, refused)
    flash(f"Request of {record_request.student.display_name} declined; they were told why.")
    return redirect(url_for(".index"))


def _decline_page(
    record_request: RecordRequest, form: DeclineForm, refused: Refused | None = None
) -> ResponseReturnValue:
    page = render_template(
        "records/decline.html",
        record_request=record_request,
        form=form,
        problems=_problems(refused),
    )
    return page, _status(refused, form)


@bp.get("/students/<int:user_id>")
@roles_required(Role.registrar)
def student(user_id: int) -> ResponseReturnValue:
    """A student's posted credit, requests and records, with the button that issues one."""
    person = _student_or_404(user_id)
    if person.id != current_user.id:
        # Staff looking at a student's record is itself recorded.
        with unit_of_work():
            record_event("record.view", actor=current_user, object_type="user", object_id=person.id)
    return _student_page(person)


def _student_page(person: User, refused: Refused | None = None) -> ResponseReturnValue:
    record = queries.student_record(person)
    page = render_template(
        "records/student.html",
        button=IssueForm(latest=services.latest_document_id(person)),
        problems=_problems(refused),
        changes=services.changes_since_issue(record.documents),
        **record._asdict(),
    )
    return page, _status(refused)


@bp.post("/students/<int:user_id>/issue")
@roles_required(Role.registrar)
def issue(user_id: int) -> ResponseReturnValue:
    """Issue an official record of the student; it fulfils their waiting request, if any."""
    person = _student_or_404(user_id)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    if services.latest_document_id(person) != (form.latest.data or 0):
        # A second click, or another registrar: the page was older than the last record.
        return _student_page(
            person, RecordError("A record was issued meanwhile; it is listed below.")
        )
    try:
        with unit_of_work():
            waiting = queries.pending_request(person, lock=True)
            document = services.issue_record(person, by=current_user, request=waiting)
    except Refused as refused:
        return _student_page(person, refused)
    flash(f"Record {document.code} issued. The student has been e-mailed.", "info")
    return redirect(url_for(".document", document_id=document.id))


# -- one issued document --------------------------------------------------------


@bp.get("/documents/<int:document_id>")
@login_required
def document(document_id: int) -> ResponseReturnValue:
    """An issued record: its code, hash, issuer and revocation."""
    record = _document_or_404(document_id)
    if record.student_id != current_user.id:
        with unit_of_work():
            record_event(
                "record.view",
                actor=current_user,
                object_type="record_document",
                object_id=record.id,
            )
    return _document_page(record)


def _document_page(
    record: RecordDocument,
    form: RevokeForm | None = None,
    refused: Refused | None = None,
    *,
    reissue_form: ReissueForm | None = None,
) -> ResponseReturnValue:
    change = None if record.revoked else services.change_since_issue(record)
    page = render_template(
        "records/document.html",
        document=record,
        verify_url=services.verification_url(record.code),
        institution=services.issuing_institution(record),
        form=form or RevokeForm(formdata=None),
        reissue_form=reissue_form or ReissueForm(formdata=None),
        change=change,
        change_text=services.change_text(record, change) if change else "",
        problems=_problems(refused),
    )
    return page, _status(refused, form or reissue_form)


@bp.get("/documents/<int:document_id>/download")
@login_required
def download(document_id: int) -> ResponseReturnValue:
    """The stored bytes of the record: as issued, or its newest re-time-stamped version."""
    record = _document_or_404(document_id)
    with unit_of_work():
        content, filename = latest_content(record), record.filename
        if record.student_id != current_user.id:
            record_event(
                "record.download",
                actor=current_user,
                object_type="record_document",
                object_id=record.id,
                details={"code": record.code, "sha256": hashlib.sha256(content).hexdigest()},
            )
    return _pdf(content, filename)


@bp.post("/documents/<int:document_id>/revoke")
@roles_required(Role.registrar)
def revoke(document_id: int) -> ResponseReturnValue:
    """Revoke an issued record, with a reason: verification reports it from now on."""
    record = _document_or_404(document_id, lock=True)
    form = RevokeForm()
    try:
        services.refuse_revocation(record, current_user)
    except Refused as refused:
        return _document_page(record, form, refused)
    if not form.validate_on_submit():
        return _document_page(record, form)
    try:
        with unit_of_work():
            services.revoke(record, by=current_user, reason=form.reason.data or "")
    except Refused as refused:
        return _document_page(record, form, refused)
    flash(f"Record {record.code} revoked. Verification now reports it as revoked.", "info")
    return redirect(url_for(".document", document_id=document_id))


@bp.post("/documents/<int:document_id>/reissue")
@roles_required(Role.registrar)
def reissue(document_id: int) -> ResponseReturnValue:
    """Issue a current record in place of an out-of-date one, revoking it as superseded."""
    record = _document_or_404(document_id, lock=True)
    form = ReissueForm()
    try:
        services.refuse_reissue(record, current_user)
    except Refused as refused:
        return _document_page(record, refused=refused, reissue_form=form)
    if not form.validate_on_submit():
        return _document_page(record, reissue_form=form)
    try:
        with unit_of_work():
            current = services.reissue(record, by=current_user)
    except Refused as refused:
        return _document_page(record, refused=refused, reissue_form=form)
    flash(
        f"Record {current.code} issued in place of {record.code}, which is now revoked as "
        "superseded. The student has been e-mailed.",
        "info",
    )
    return redirect(url_for(".document", document_id=current.id))
