"""Official records: what a record prints, issuing, revoking, and students' requests.

``record_data`` turns a student's posted plans into the PDF builder's data;
``render`` builds (and, when a certificate is configured, signs) the bytes
and is a plain function of its arguments, so bulk exports can run it in
other processes; ``store`` keeps the document with its SHA-256.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from careercredit import clock
from careercredit.access import refuse_own_record
from careercredit.audit import record_event
from careercredit.badges import services as badges
from careercredit.courses.services import grade_keys
from careercredit.extensions import db
from careercredit.links import external_url
from careercredit.models import (
    CreditPlan,
    Deliverable,
    DeliverableStatus,
    Evaluation,
    HourStatus,
    LinkPurpose,
    PlanState,
    RecordDocument,
    RecordDocumentVersion,
    RecordExport,
    RecordRequest,
    RequestStatus,
    Term,
    User,
)
from careercredit.models import Placement as PlacementModel
from careercredit.outbox.services import queue_email
from careercredit.pdf import (
    Institution,
    Placement,
    PlanRow,
    RecordData,
    Student,
    TermRecord,
    build_record,
)
from careercredit.records.signing import (
    SigningSettings,
    last_stamp_expiry,
    sign_pdf,
    signing_settings,
)
from careercredit.refusals import Refused
from careercredit.sql import LIKE_ESCAPE, aware, contains_ignoring_case, escape_like

#: Crockford's base32: no I, L, O or U, so a code read aloud or typed is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Four groups of four: 80 random bits.
CODE_GROUPS = 4
#: A supervisor's feedback is summarised to this many characters on the record.
FEEDBACK_CHARS = 160


class RecordError(Refused):
    """A record cannot be issued, changed or exported as asked; the messages say why."""


def new_code() -> str:
    """A fresh, random verification code such as ``CC-7Q4M-2XKD-9PLA-H3TW``."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS))
    return "CC-" + "-".join(groups)


def normalise_code(text: str) -> str:
    """A code as a visitor typed it, in the stored form (upper case, no spaces)."""
    cleaned = "".join(text.split()).upper()
    return cleaned.translate(str.maketrans("OIL", "011"))


def verification_url(code: str) -> str:
    """The public address that verifies ``code``."""
    return external_url("verify.show", code=code)


def posted_plans(student: User) -> list[CreditPlan]:
    """The student's posted plans with everything a record prints, oldest term first."""
    return list(
        db.session.scalars(
            select(CreditPlan)
            .join(CreditPlan.term)
            .where(CreditPlan.student_id == student.id, CreditPlan.state == PlanState.posted)
            .options(
                joinedload(CreditPlan.term),
                joinedload(CreditPlan.sign_off),
                joinedload(CreditPlan.sponsor),
                selectinload(CreditPlan.amendments),
                selectinload(CreditPlan.placements).selectinload(PlacementModel.hour_entries),
                selectinload(CreditPlan.placements).selectinload(PlacementModel.evaluations),
                selectinload(CreditPlan.placements).selectinload(PlacementModel.deliverables),
            )
            .order_by(Term.starts_on, CreditPlan.id)
        ).unique()
    )


def _feedback(evaluations: list[Evaluation]) -> str:
    """The final evaluation's comment (else the midterm's), shortened for the record."""
    by_kind = {evaluation.kind: evaluation for evaluation in evaluations}
    chosen = by_kind.get(LinkPurpose.final) or by_kind.get(LinkPurpose.midterm)
    text = " ".join((chosen.comments if chosen else "").split())
    if len(text) <= FEEDBACK_CHARS:
        return text
    return text[: FEEDBACK_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _accepted(deliverables: list[Deliverable]) -> tuple[str, ...]:
    return tuple(d.title for d in deliverables if d.status == DeliverableStatus.accepted)


def _plan_row(plan: CreditPlan, *, feedback: bool) -> PlanRow:
    placements = [
        Placement(
            employer=placement.project.employer.name,
            project=placement.project.title,
            verified_hours=placement.hours_in(HourStatus.verified),
            # Left out altogether, not only unprinted, where the office keeps it off records.
            feedback_summary=_feedback(placement.evaluations) if feedback else "",
            deliverables=_accepted(placement.deliverables),
        )
        for placement in plan.placements
    ]
    assert plan.sign_off is not None  # posted plans are signed off
    return PlanRow(
        course=plan.term.course_code,
        section=plan.term.section,
        placements=placements,
        verified_hours=plan.verified_hours,
        credits=plan.final_credits or 0,
        grade=plan.final_grade or "",
        sponsor_name=plan.sponsor.display_name if plan.sponsor else "",
        signed_off_on=clock.local(plan.sign_off.signed_at).date(),
    )


def institution() -> Institution:
    """The issuing institution as configured."""
    config = current_app.config
    return Institution(
        name=config["INSTITUTION_NAME"],
        address_lines=tuple(config["INSTITUTION_ADDRESS"]),
        logo_path=config["INSTITUTION_LOGO"],
        time_zone=config["TIMEZONE"],
    )


def issuing_institution(document: RecordDocument) -> Institution:
    """The institution that issued ``document``, as printed on it.

    Records issued before the institution was kept on them show the configured one.
    """
    if document.institution_name is None:
        return institution()
    return Institution(
        name=document.institution_name,
        address_lines=tuple(document.institution_address or ()),
        time_zone=current_app.config["TIMEZONE"],
    )


def record_data(
    student: User,
    *,
    registrar_name: str,
    issued_at: datetime,
    code: str = "",
    unofficial: bool = False,
) -> RecordData:
    """What the record of ``student`` prints: every posted plan, grouped by term.

    The office's settings choose the paper, the re-disclosure notice (official
    records only: an unofficial copy is the student's own), the certification
    stamp and whether supervisors' feedback is printed.
    """
    config = current_app.config
    feedback = bool(config["RECORD_FEEDBACK"])
    terms: dict[int, tuple[Term, list[PlanRow]]] = {}
    plans = posted_plans(student)
    for plan in plans:
        row = _plan_row(plan, feedback=feedback)
        terms.setdefault(plan.term_id, (plan.term, []))[1].append(row)
    return RecordData(
        institution=institution(),
        student=Student(
            legal_name=student.display_name,
            student_id=student.student_number or student.uid,
            program="",
        ),
        terms=[
            TermRecord(term.code, term.name, rows, hours_per_credit=term.hours_per_credit)
            for term, rows in terms.values()
        ],
        registrar_name=registrar_name,
        issued_at=issued_at,
        verification_code="" if unofficial else code,
        verification_url="" if unofficial else verification_url(code),
        unofficial=unofficial,
        grade_keys=grade_keys(plans),
        page_size=config["RECORD_PAGE_SIZE"],
        redisclosure="" if unofficial else config["RECORD_REDISCLOSURE"],
        stamp=bool(config["RECORD_STAMP"]),
        feedback=feedback,
    )


def render(data: RecordData, signing: SigningSettings | None) -> bytes:
    """Build the PDF of ``data`` and sign it when a certificate is configured."""
    pdf = build_record(data)
    return sign_pdf(pdf, signing) if signing is not None and not data.unofficial else pdf


def unofficial_copy(student: User) -> bytes:
    """The student's unofficial record: watermarked, no code, not signed, not stored."""
    data = record_data(
        student,
        registrar_name="",
        issued_at=clock.now().replace(microsecond=0),
        unofficial=True,
    )
    return render(data, None)


def has_posted_credit(student: User) -> bool:
    """Whether ``student`` has a posted plan: something to put on a record."""
    return (
        db.session.scalar(
            select(CreditPlan.id)
            .where(CreditPlan.student_id == student.id, CreditPlan.state == PlanState.posted)
            .limit(1)
        )
        is not None
    )


def prepare(student: User, *, by: User, issued_at: datetime | None = None) -> RecordData:
    """The data of a new official record of ``student`` with a fresh code.

    Refused (``OwnRecord``) when ``by`` is the student: nobody issues their own record.
    """
    refuse_own_record(by, student.id, another="registrar")
    if not has_posted_credit(student):
        raise RecordError(f"{student.display_name} has no posted credit to put on a record.")
    return record_data(
        student,
        registrar_name=by.display_name,
        issued_at=issued_at or clock.now().replace(microsecond=0),
        code=new_code(),
    )


def store(
    student: User,
    data: RecordData,
    pdf: bytes,
    *,
    by: User,
    signed: bool,
    export: RecordExport | None = None,
) -> RecordDocument:
    """Keep an issued document with its SHA-256 and write the audit event; the caller commits."""
    document = RecordDocument(
        code=data.verification_code,
        student_id=student.id,
        student_name=data.student.legal_name,
        total_credits=data.credits,
        institution_name=data.institution.name,
        institution_address=list(data.institution.address_lines),
        issued_by_id=by.id,
        issued_at=data.issued_at,
        content=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size_bytes=len(pdf),
        signed=signed,
        stamp_expires_at=last_stamp_expiry(pdf) if signed else None,
        export_id=export.id if export is not None else None,
    )
    document.shows = shown_plans(student.id)
    db.session.add(document)
    db.session.flush()
    record_event(
        "record.issue",
        actor=by,
        object_type="record_document",
        object_id=document.id,
        details={"student_id": student.id, "code": document.code, "sha256": document.sha256},
    )
    return document


def issue_record(
    student: User, *, by: User, request: RecordRequest | None = None
) -> RecordDocument:
    """Issue, sign and store an official record of ``student``; tell the student.

    ``request`` is the student's waiting request it fulfils: it must still be
    waiting, and not ``by``'s own (``refuse_decision``).
    """
    if request is not None:
        refuse_decision(request, by, outcome="nothing was issued")
    data = prepare(student, by=by)
    signing = signing_settings(current_app.config)
    document = store(student, data, render(data, signing), by=by, signed=signing is not None)
    if request is not None:
        request.status = RequestStatus.issued
        request.decided_by_id = by.id
        request.decided_at = document.issued_at
        request.document_id = document.id
    queue_email(
        [student.email],
        "record_issued",
        document=document,
        link=external_url("records.document", document_id=document.id),
        verify_link=verification_url(document.code),
    )
    return document


def refuse_revocation(document: RecordDocument, by: User) -> None:
    """Refuse revoking ``document`` at all: it is ``by``'s own record, or already revoked."""
    refuse_own_record(by, document.student_id, another="registrar")
    if document.revoked:
        raise RecordError("This record was already revoked.")


def revoke(document: RecordDocument, *, by: User, reason: str) -> None:
    """Revoke an issued record: verification says so from now on. The caller commits."""
    refuse_revocation(document, by)
    reason = reason.strip()
    if not reason:
        raise RecordError("Say why the record is revoked.")
    document.revoked_at = clock.now()
    document.revoked_by_id = by.id
    document.revoke_reason = reason
    record_event(
        "record.revoke",
        actor=by,
        object_type="record_document",
        object_id=document.id,
        details={"reason": reason, "code": document.code},
    )
    badges.record_revoked(document, by=by, reason=reason)


def request_record(student: User, purpose: str) -> RecordRequest:
    """A student asks for an official record; a registrar decides. The caller commits."""
    if not has_posted_credit(student):
        raise RecordError("You have no posted credit yet, so there is no record to issue.")
    pending = db.session.scalar(
        select(RecordRequest.id).where(
            RecordRequest.student_id == student.id,
            RecordRequest.status == RequestStatus.pending,
        )
    )
    if pending is not None:
        raise RecordError("You already have a request waiting for the registrar.")
    request = RecordRequest(student_id=student.id, purpose=purpose.strip())
    try:
        with db.session.begin_nested():  # two requests at once: the unique index keeps one
            db.session.add(request)
    except IntegrityError:
        raise RecordError("You already have a request waiting for the registrar.") from None
    record_event(
        "record.request", actor=student, object_type="record_request", object_id=request.id
    )
    return request


def refuse_decision(request: RecordRequest, by: User, *, outcome: str = "") -> None:
    """Refuse deciding ``request`` at all: it is ``by``'s own, or it was decided already.

    ``outcome`` says what did not happen ("nothing was issued").
    """
    refuse_own_record(by, request.student_id, another="registrar")
    if request.status != RequestStatus.pending:
        suffix = f"; {outcome}" if outcome else ""
        raise RecordError(f"This request is already {request.status.value}{suffix}.")


def decline_request(request: RecordRequest, *, by: User, reason: str) -> None:
    """A registrar declines a request, saying why; the student is told. The caller commits."""
    refuse_decision(request, by)
    reason = reason.strip()
    if not reason:
        raise RecordError("Say why the request is declined; the student will read it.")
    request.status = RequestStatus.declined
    request.decided_by_id = by.id
    request.decided_at = clock.now()
    request.decline_reason = reason
    record_event(
        "record.decline",
        actor=by,
        object_type="record_request",
        object_id=request.id,
        details={"reason": reason},
    )
    queue_email(
        [request.student.email],
        "record_declined",
        request=request,
        link=external_url("records.mine"),
    )


def cancel_request(request: RecordRequest, *, by: User) -> None:
    """The student withdraws a waiting request. The caller commits."""
    if request.status != RequestStatus.pending:
        raise RecordError(f"This request is already {request.status.value}.")
    request.status = RequestStatus.cancelled
    request.decided_at = clock.now()
    record_event("record.cancel", actor=by, object_type="record_request", object_id=request.id)


def documents_query(text: str) -> Select[tuple[RecordDocument]]:
    """Issued documents, newest first, whose code or student matches ``text``."""
    query = (
        select(RecordDocument)
        .join(User, User.id == RecordDocument.student_id)
        .options(contains_eager(RecordDocument.student))
        .order_by(RecordDocument.issued_at.desc(), RecordDocument.id.desc())
    )
    if text:
        code = normalise_code(text)
        query = query.where(
            or_(
                RecordDocument.code == code,
                RecordDocument.code.like(f"%{escape_like(code)}%", escape=LIKE_ESCAPE),
                *(
                    contains_ignoring_case(column, text)
                    for column in (
                        RecordDocument.student_name,
                        User.display_name,
                        User.uid,
                        User.student_number,
                    )
                ),
            )
        )
    return query


def digests_of(document: RecordDocument) -> set[str]:
    """The SHA-256 (hex) of every version of ``document`` the registry produced.

    Verification accepts each of them as the issued file: the issued bytes and
    each re-time-stamped version (``records/archive.py``).
    """
    later = db.session.scalars(
        select(RecordDocumentVersion.sha256).where(RecordDocumentVersion.document_id == document.id)
    )
    return {document.sha256, *later}


def document_with_digest(digest: str) -> RecordDocument | None:
    """The issued record one of whose versions has SHA-256 ``digest``, or None."""
    found = db.session.scalar(select(RecordDocument).where(RecordDocument.sha256 == digest))
    if found is not None:
        return found
    return db.session.scalar(
        select(RecordDocument)
        .join(RecordDocumentVersion, RecordDocumentVersion.document_id == RecordDocument.id)
        .where(RecordDocumentVersion.sha256 == digest)
        .limit(1)
    )


def latest_document_id(student: User) -> int:
    """The id of the student's newest issued document, 0 if none: a form's freshness check."""
    return (
        db.session.scalar(
            select(func.max(RecordDocument.id)).where(RecordDocument.student_id == student.id)
        )
        or 0
    )


# -- whether an issued record still matches the registry ---------------------------------


def shown_plans(student_id: int) -> list[dict[str, Any]]:
    """What a record issued now shows of each posted plan: kept on the document at issue."""
    posted = _plans_as_shown(listed=False, older=True)
    return _shows(db.session.scalars(posted, {"older": [student_id]}).unique())


#: What a plan's line on a record needs loaded with it: its term, sign-off and amendments.
_AS_SHOWN = (
    joinedload(CreditPlan.term),
    joinedload(CreditPlan.sign_off),
    joinedload(CreditPlan.amendments),
)
#: What comparing a plan with the line a record kept of it reads (``_plan_changes``).
_AS_COMPARED = _AS_SHOWN[1:]


def _shows(plans: Iterable[CreditPlan]) -> list[dict[str, Any]]:
    """The lines a record shows of ``plans`` (posted, loaded ``_AS_SHOWN``), oldest term first."""
    return [
        {
            "plan": plan.id,
            "term": plan.term.code,
            "term_name": plan.term.name,
            "course": f"{plan.term.course_code}-{plan.term.section}",
            "grade": plan.final_grade or "",
            "credits": plan.final_credits or 0,
        }
        for plan in sorted(plans, key=lambda plan: (plan.term.starts_on, plan.id))
    ]


class ChangeKind(enum.StrEnum):
    """How the credit a record shows changed in the registry after it was issued."""

    amended = "amended"
    #: The plan is no longer posted (its posting was reversed, or it is gone).
    reversed = "reversed"


class Change(NamedTuple):
    """The first change to what a record shows since it was issued."""

    kind: ChangeKind
    #: When it changed; None when the registry cannot tell (a plan that is gone).
    at: datetime | None


def _plans_shown(documents: Sequence[RecordDocument]) -> dict[int, list[CreditPlan]]:
    """The plans each of ``documents`` shows as the registry has them now, in one query.

    Records issued before records kept what they show are compared with
    their student's plans posted now.
    """
    listed = {int(row["plan"]) for document in documents for row in document.shows or []}
    older = {document.student_id for document in documents if document.shows is None}
    if not listed and not older:
        return {document.id: [] for document in documents}
    values = {"listed": sorted(listed), "older": sorted(older)}
    query = _plans_as_shown(listed=bool(listed), older=bool(older))
    plans = list(db.session.scalars(query, {k: v for k, v in values.items() if v}).unique())
    shown: dict[int, list[CreditPlan]] = {}
    for document in documents:
        if document.shows is None:
            mine = [
                plan
                for plan in plans
                if plan.student_id == document.student_id and plan.state == PlanState.posted
            ]
        else:
            ids = {int(row["plan"]) for row in document.shows}
            mine = [plan for plan in plans if plan.id in ids]
        shown[document.id] = mine
    return shown


@cache
def _plans_as_shown(*, listed: bool, older: bool) -> Select[tuple[CreditPlan]]:
    """``_plans_shown``'s statement, built once per process for each of its three shapes.

    ``listed``: plans by id (bound as ``listed``); ``older``: the posted plans
    of students (bound as ``older``), for records that kept no lines and for
    the lines a record issued now keeps (``shown_plans``).

    Plans listed by id are only compared with what the record kept (their
    state, their sign-off's grade and credits, their amendments): their terms
    are loaded only where the lines are made from the plans (``older``).
    """
    conditions: list[ColumnElement[bool]] = []
    if listed:
        conditions.append(CreditPlan.id.in_(bindparam("listed", expanding=True)))
    if older:
        students = CreditPlan.student_id.in_(bindparam("older", expanding=True))
        conditions.append(and_(students, CreditPlan.state == PlanState.posted))
    options = _AS_SHOWN if older else _AS_COMPARED
    return select(CreditPlan).where(or_(*conditions)).options(*options)


def _plan_changes(plan: CreditPlan, shown: dict[str, Any] | None, issued: datetime) -> list[Change]:
    """How ``plan`` changed since ``issued``; ``shown`` is what the record printed of it."""
    if plan.state != PlanState.posted:
        return [Change(ChangeKind.reversed, aware(plan.updated_at))]
    # A record's time is kept to the second, so an amendment within the second
    # it was issued may be before or after it: what it printed tells which.
    after_issue = issued + timedelta(seconds=1)
    later = [
        Change(ChangeKind.amended, aware(amendment.created_at))
        for amendment in plan.amendments
        if aware(amendment.created_at) >= after_issue
    ]
    differs = shown is not None and (shown["grade"], shown["credits"]) != (
        plan.final_grade or "",
        plan.final_credits or 0,
    )
    if differs and not later and plan.amendments:  # amended within the second of issue
        later = [Change(ChangeKind.amended, aware(plan.amendments[-1].created_at))]
    return later


def change_since_issue(document: RecordDocument) -> Change | None:
    """The first change in the registry to what ``document`` shows since it was issued, or None.

    A change is an amendment to a plan it shows made after it was issued
    (or a grade or credit that no longer matches what it printed), or a plan
    it shows that is no longer posted.
    """
    return changes_since_issue([document]).get(document.id)


def changes_since_issue(documents: Sequence[RecordDocument]) -> dict[int, Change]:
    """``change_since_issue`` for a list of documents, in one query: {document id: change}.

    Revoked documents are left out: they are no longer valid whatever changed.
    """
    current = [document for document in documents if not document.revoked]
    return _changes(current, _plans_shown(current))


def _changes(
    current: Sequence[RecordDocument], plans_of: dict[int, list[CreditPlan]]
) -> dict[int, Change]:
    changes: dict[int, Change] = {}
    for document in current:
        issued = aware(document.issued_at)
        shown = {int(row["plan"]): row for row in document.shows or []}
        plans = plans_of[document.id]
        found = [
            change for plan in plans for change in _plan_changes(plan, shown.get(plan.id), issued)
        ]
        if found:
            changes[document.id] = min(found, key=lambda change: change.at or issued)
        elif len(plans) < len(shown):  # a plan it shows is gone from the registry
            changes[document.id] = Change(ChangeKind.reversed, None)
    return changes


def standing(document: RecordDocument) -> tuple[Change | None, list[dict[str, Any]]]:
    """(the first change since ``document`` was issued, the terms it shows), in one query.

    The terms, courses, grades and credits are those printed when it was
    issued; a record issued before records kept them shows what the registry
    holds now. Both are empty for a revoked record, and the terms for a
    changed one (what it shows no longer holds).
    """
    if document.revoked:
        return None, []
    plans = _plans_shown([document])
    change = _changes([document], plans).get(document.id)
    if change is not None:
        return change, []
    if document.shows is not None:
        return None, document.shows
    return None, _shows(plans[document.id])


def day_text(moment: datetime) -> str:
    """The institution's date of ``moment`` as people read it (``3 Nov 2026``)."""
    day = clock.local(moment)
    return f"{day.day} {day.strftime('%b %Y')}"


def change_text(document: RecordDocument, change: Change) -> str:
    """The sentence that says a record no longer matches the registry, and what to do."""
    verb = "was amended" if change.kind == ChangeKind.amended else "was reversed"
    when = f" on {day_text(change.at)}" if change.at is not None else ""
    return (
        f"Accurate when issued on {day_text(document.issued_at)}; the credit it shows {verb}"
        f"{when} — ask the registrar for a current record."
    )


def superseded_reason(code: str) -> str:
    return f"Superseded by {code}."


def refuse_reissue(document: RecordDocument, by: User) -> None:
    """Refuse reissuing ``document``: ``by``'s own record, revoked, or still current."""
    refuse_own_record(by, document.student_id, another="registrar")
    if document.revoked:
        raise RecordError("This record was already revoked; nothing was reissued.")
    if change_since_issue(document) is None:
        raise RecordError("This record still matches the registry; nothing was reissued.")


def reissue(document: RecordDocument, *, by: User) -> RecordDocument:
    """Issue a current record in place of out-of-date ``document`` and revoke it as superseded.

    The caller commits both at once (``unit_of_work``).
    """
    refuse_reissue(document, by)
    current = issue_record(document.student, by=by)
    revoke(document, by=by, reason=superseded_reason(current.code))
    document.superseded_by_id = current.id
    badges.record_reissued(document, by=by)
    record_event(
        "record.reissue",
        actor=by,
        object_type="record_document",
        object_id=document.id,
        details={"code": document.code, "superseded_by": current.code},
    )
    return current
