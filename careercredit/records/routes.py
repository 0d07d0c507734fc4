"""Official records: students' unofficial copies and requests; registrars issue and revoke.

A student sees their own records page, downloads an unofficial copy and asks
for an official record. The registrar decides requests, issues records from a
student's page, and revokes issued ones. An issued document is seen by its
student and by registrars; everyone else gets 404. Staff looking at a
student's records, or downloading one, is an audit event.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from careercredit.access import roles_required
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import RecordDocument, RecordRequest, RequestStatus, Role, User
from careercredit.records import services
from careercredit.records.forms import ButtonForm, DeclineForm, IssueForm, RequestForm, RevokeForm
from careercredit.records.services import RecordError

bp = Blueprint("records", __name__, url_prefix="/records")

PER_PAGE = 25
#: The registrar's page lists this many waiting requests, oldest first.
PENDING_SHOWN = 50
#: A student's page lists this many of their latest requests.
REQUESTS_SHOWN = 20
MAX_SEARCH = 100


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


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


def _problem_status(problems: list[str] | None, *forms: object) -> int:
    failed = any(getattr(form, "errors", None) for form in forms if form is not None)
    return 422 if problems or failed else 200


# -- loading --------------------------------------------------------------------


def _document_or_404(document_id: int, *, lock: bool = False) -> RecordDocument:
    """The document if the signed-in person may see it; a write locks the row."""
    document = db.session.get(RecordDocument, document_id, with_for_update=lock)
    if document is None or not document.can_view(current_user):
        abort(404)
    return document


def _request_or_404(request_id: int) -> RecordRequest:
    """The request, locked, if the signed-in person may see it."""
    record_request = db.session.get(RecordRequest, request_id, with_for_update=True)
    if record_request is None or not record_request.can_view(current_user):
        abort(404)
    return record_request


def _student_or_404(user_id: int) -> User:
    """A person with a record to show: a student, or anyone with posted credit."""
    student = db.session.get(User, user_id)
    if student is None:
        abort(404)
    if not student.has_role(Role.student) and not services.has_posted_credit(student):
        abort(404)
    return student


def _pending_request(student: User) -> RecordRequest | None:
    return db.session.scalar(
        select(RecordRequest)
        .where(
            RecordRequest.student_id == student.id,
            RecordRequest.status == RequestStatus.pending,
        )
        .with_for_update()
    )


def _student_context(student: User) -> dict[str, object]:
    """What a records page shows of ``student``: posted credit, requests, documents."""
    plans = services.posted_plans(student)
    requests = db.session.scalars(
        select(RecordRequest)
        .where(RecordRequest.student_id == student.id)
        .options(joinedload(RecordRequest.document))
        .order_by(RecordRequest.created_at.desc(), RecordRequest.id.desc())
        .limit(REQUESTS_SHOWN)
    ).all()
    documents = db.session.scalars(
        select(RecordDocument)
        .where(RecordDocument.student_id == student.id)
        .order_by(RecordDocument.issued_at.desc(), RecordDocument.id.desc())
    ).all()
    return {
        "student": student,
        "plans": plans,
        "total_credits": sum(plan.final_credits or 0 for plan in plans),
        "requests": requests,
        "pending": next((r for r in requests if r.status == RequestStatus.pending), None),
        "documents": documents,
    }


# -- the student ----------------------------------------------------------------


@bp.get("/mine")
@roles_required(Role.student)
def mine() -> ResponseReturnValue:
    """The student's posted credit, unofficial copy, requests and issued records."""
    return _mine_page()


def _mine_page(
    form: RequestForm | None = None, problems: list[str] | None = None
) -> ResponseReturnValue:
    page = render_template(
        "records/mine.html",
        form=form or RequestForm(),
        button=ButtonForm(),
        problems=problems or [],
        **_student_context(current_user),
    )
    return page, _problem_status(problems, form)


@bp.get("/mine/unofficial.pdf")
@roles_required(Role.student)
def unofficial() -> ResponseReturnValue:
    """The student's unofficial copy, built now and not kept."""
    if not services.has_posted_credit(current_user):
        flash("You have no posted credit yet, so there is no record to download.", "error")
        return redirect(url_for(".mine"))
    pdf = services.unofficial_copy(current_user)
    record_event(
        "record.unofficial", actor=current_user, object_type="user", object_id=current_user.id
    )
    db.session.commit()
    return _pdf(pdf, f"unofficial-record-{date.today().isoformat()}.pdf")


@bp.post("/mine/requests")
@roles_required(Role.student)
def ask() -> ResponseReturnValue:
    """Ask the registrar for an official record."""
    form = RequestForm()
    if not form.validate_on_submit():
        return _mine_page(form)
    try:
        services.request_record(current_user, form.purpose.data or "")
    except RecordError as error:
        db.session.rollback()
        return _mine_page(form, [str(error)])
    db.session.commit()
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
        return _mine_page(problems=[f"This request is already {status}; nothing was cancelled."])
    services.cancel_request(record_request, by=current_user)
    db.session.commit()
    flash("Your request is cancelled.", "info")
    return redirect(url_for(".mine"))


# -- the registrar --------------------------------------------------------------


@bp.get("/")
@roles_required(Role.registrar)
def index() -> ResponseReturnValue:
    """Requests waiting for a decision, then issued records, newest first."""
    return _index_page()


def _index_page(problems: list[str] | None = None) -> ResponseReturnValue:
    text = " ".join(request.args.get("q", "").split())[:MAX_SEARCH]
    waiting = RecordRequest.status == RequestStatus.pending
    pending = db.session.scalars(
        select(RecordRequest)
        .where(waiting)
        .options(joinedload(RecordRequest.student))
        .order_by(RecordRequest.created_at, RecordRequest.id)
        .limit(PENDING_SHOWN)
    ).all()
    documents = db.paginate(
        services.documents_query(text), page=_page(), per_page=PER_PAGE, error_out=False
    )
    page = render_template(
        "records/index.html",
        pending=pending,
        pending_total=db.session.scalar(select(func.count(RecordRequest.id)).where(waiting)),
        documents=documents,
        q=text,
        button=ButtonForm(),
        problems=problems or [],
    )
    return page, _problem_status(problems)


@bp.post("/requests/<int:request_id>/approve")
@roles_required(Role.registrar)
def approve(request_id: int) -> ResponseReturnValue:
    """Approve a request: issue the student's official record now."""
    record_request = _request_or_404(request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not record_request.can_decide(current_user):
        status = record_request.status.value
        return _index_page([f"That request is already {status}; nothing was issued."])
    try:
        document = services.issue_record(
            record_request.student, by=current_user, request=record_request
        )
    except RecordError as error:
        db.session.rollback()
        return _index_page([str(error)])
    db.session.commit()
    flash(f"Record {document.code} issued. The student has been e-mailed.", "info")
    return redirect(url_for(".document", document_id=document.id))


@bp.route("/requests/<int:request_id>/decline", methods=["GET", "POST"])
@roles_required(Role.registrar)
def decline(request_id: int) -> ResponseReturnValue:
    """Decline a request, saying why; the student reads the reason."""
    record_request = _request_or_404(request_id)
    form = DeclineForm()
    if not record_request.can_decide(current_user):
        status = record_request.status.value
        return _decline_page(record_request, form, [f"This request is already {status}."])
    if request.method == "GET" or not form.validate_on_submit():
        return _decline_page(record_request, form)
    try:
        services.decline_request(record_request, by=current_user, reason=form.reason.data or "")
    except RecordError as error:
        db.session.rollback()
        return _decline_page(db.session.get(RecordRequest, request_id), form, [str(error)])
    db.session.commit()
    flash(f"Request of {record_request.student.display_name} declined; they were told why.")
    return redirect(url_for(".index"))


def _decline_page(
    record_request: RecordRequest, form: DeclineForm, problems: list[str] | None = None
) -> ResponseReturnValue:
    page = render_template(
        "records/decline.html", record_request=record_request, form=form, problems=problems or []
    )
    return page, _problem_status(problems, form)


@bp.get("/students/<int:user_id>")
@roles_required(Role.registrar)
def student(user_id: int) -> ResponseReturnValue:
    """A student's posted credit, requests and records, with the button that issues one."""
    person = _student_or_404(user_id)
    if person.id != current_user.id:
        # Staff looking at a student's record is itself recorded.
        record_event("record.view", actor=current_user, object_type="user", object_id=person.id)
        db.session.commit()
    return _student_page(person)


def _student_page(person: User, problems: list[str] | None = None) -> ResponseReturnValue:
    page = render_template(
        "records/student.html",
        button=IssueForm(latest=services.latest_document_id(person)),
        problems=problems or [],
        **_student_context(person),
    )
    return page, _problem_status(problems)


@bp.post("/students/<int:user_id>/issue")
@roles_required(Role.registrar)
def issue(user_id: int) -> ResponseReturnValue:
    """Issue an official record of the student; it fulfils their waiting request, if any."""
    person = _student_or_404(user_id)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    latest = services.latest_document_id(person)
    if latest != (form.latest.data or 0):
        # A second click, or another registrar: the page was older than the last record.
        return _student_page(person, ["A record was issued meanwhile; it is listed below."])
    try:
        document = services.issue_record(person, by=current_user, request=_pending_request(person))
    except RecordError as error:
        db.session.rollback()
        return _student_page(db.session.get(User, user_id), [str(error)])
    db.session.commit()
    flash(f"Record {document.code} issued. The student has been e-mailed.", "info")
    return redirect(url_for(".document", document_id=document.id))


# -- one issued document --------------------------------------------------------


@bp.get("/documents/<int:document_id>")
@login_required
def document(document_id: int) -> ResponseReturnValue:
    """An issued record: its code, hash, issuer and revocation."""
    record = _document_or_404(document_id)
    if record.student_id != current_user.id:
        record_event(
            "record.view", actor=current_user, object_type="record_document", object_id=record.id
        )
        db.session.commit()
    return _document_page(record)


def _document_page(
    record: RecordDocument, form: RevokeForm | None = None, problems: list[str] | None = None
) -> ResponseReturnValue:
    page = render_template(
        "records/document.html",
        document=record,
        verify_url=services.verification_url(record.code),
        form=form or RevokeForm(),
        problems=problems or [],
    )
    return page, _problem_status(problems, form)


@bp.get("/documents/<int:document_id>/download")
@login_required
def download(document_id: int) -> ResponseReturnValue:
    """The stored bytes of the record, exactly as issued."""
    record = _document_or_404(document_id)
    if record.student_id != current_user.id:
        record_event(
            "record.download",
            actor=current_user,
            object_type="record_document",
            object_id=record.id,
            details={"code": record.code, "sha256": record.sha256},
        )
    content, filename = record.content, record.filename
    db.session.commit()
    return _pdf(content, filename)


@bp.post("/documents/<int:document_id>/revoke")
@roles_required(Role.registrar)
def revoke(document_id: int) -> ResponseReturnValue:
    """Revoke an issued record, with a reason: verification reports it from now on."""
    record = _document_or_404(document_id, lock=True)
    form = RevokeForm()
    if not record.can_revoke(current_user):
        return _document_page(record, form, ["This record was already revoked."])
    if not form.validate_on_submit():
        return _document_page(record, form)
    try:
        services.revoke(record, by=current_user, reason=form.reason.data or "")
    except RecordError as error:
        db.session.rollback()
        return _document_page(db.session.get(RecordDocument, document_id), form, [str(error)])
    db.session.commit()
    flash(f"Record {record.code} revoked. Verification now reports it as revoked.", "info")
    return redirect(url_for(".document", document_id=document_id))
