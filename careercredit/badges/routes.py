"""Digital credentials: the student's page, share links, the registrar's revocation, the
issuer's DID document and status list.

A student sees and downloads their own credentials and chooses which can be
shared; anyone with a share link sees that one credential (a Disclosure).
Registrars see a student's credentials and revoke one, never their own.
``/.well-known/did.json`` and the status list are public: verifiers fetch them.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import is_own_record, roles_required
from careercredit.audit import record_event
from careercredit.badges import services
from careercredit.badges.forms import RevokeForm, ScoresForm, ShareForm
from careercredit.extensions import db
from careercredit.links import external_url
from careercredit.models import BadgeCredential, Role, User
from careercredit.refusals import Refused, show_on_form, unit_of_work

bp = Blueprint("badges", __name__)


def _json(data: object, *, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype=mimetype)


# -- what verifiers fetch ----------------------------------------------------------------


@bp.get("/.well-known/did.json")
def did_json() -> ResponseReturnValue:
    """The institution's DID document: the key that signs its credentials."""
    if not services.enabled():
        abort(404)
    response = _json(services.did_document(), mimetype="application/did+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get(f"/credentials/status/{services.PURPOSE}")
def status_list() -> ResponseReturnValue:
    """The revocation status list, signed now; short-lived so old copies can't un-revoke."""
    if not services.enabled():
        abort(404)
    response = Response(services.status_list_jwt(), mimetype="application/vc+jwt")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/c/<public_id>")
def shared(public_id: str) -> ResponseReturnValue:
    """One credential the student chose to share: what it says and whether it still holds."""
    row = services.shared(public_id)
    if row is None:
        abort(404)
    with unit_of_work():
        services.record_view(row)
    response = Response(render_template("badges/shared.html", credential=row))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# -- the student ---------------------------------------------------------------------


def _own_or_404(credential_id: int) -> BadgeCredential:
    row = db.session.get(BadgeCredential, credential_id)
    if row is None or row.student_id != current_user.id:
        abort(404)
    return row


def _mine_page(status: int = 200) -> ResponseReturnValue:
    rows = services.credentials_of(current_user)
    forms = {row.id: ShareForm(formdata=None, shareable=row.shareable) for row in rows}
    links = {row.id: external_url("badges.shared", public_id=row.uuid) for row in rows}
    linkedin = {row.id: services.linkedin_url(row, links[row.id]) for row in rows}
    scores = {row.id: services.supervisor_scores(row.placement) for row in rows}
    page = render_template(
        "badges/mine.html",
        credentials=rows,
        forms=forms,
        links=links,
        linkedin=linkedin,
        scores=scores,
        scores_form=ScoresForm(formdata=None),
        enabled=services.enabled(),
    )
    return page, status


@bp.get("/credentials/")
@roles_required(Role.student)
def mine() -> ResponseReturnValue:
    """The student's credentials: download, share or stop sharing each."""
    return _mine_page()


@bp.get("/credentials/<int:credential_id>/credential.json")
@roles_required(Role.student)
def download(credential_id: int) -> ResponseReturnValue:
    """The signed credential (VC Data Model 2.0, the VC-JWT enveloped) to import in a wallet."""
    row = _own_or_404(credential_id)
    response = _json(services.enveloped(row), mimetype="application/vc+ld+json")
    response.headers["Content-Disposition"] = f'attachment; filename="credential-{row.uuid}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/credentials/<int:credential_id>/badge.png")
@roles_required(Role.student)
def badge_png(credential_id: int) -> ResponseReturnValue:
    """The badge image with the signed credential baked in, for wallets and badge backpacks."""
    row = _own_or_404(credential_id)
    response = Response(services.baked_png(row), mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{row.uuid}.png"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/credentials/<int:credential_id>/share")
@roles_required(Role.student)
def share(credential_id: int) -> ResponseReturnValue:
    """Turn a credential's share link on or off."""
    row = _own_or_404(credential_id)
    form = ShareForm()
    if not form.validate_on_submit():
        return _mine_page(422)
    if bool(form.shareable.data) and row.revoked:
        flash("A revoked credential can't be shared.", "error")
        return _mine_page(422)
    with unit_of_work():
        services.set_shareable(row, bool(form.shareable.data), by=current_user)
    if row.shareable:
        flash("Anyone with the share link can now see this credential.", "info")
    else:
        flash("The share link no longer shows this credential.", "info")
    return redirect(url_for(".mine"))


@bp.get("/credentials/learner-record.json")
@roles_required(Role.student)
def learner_record() -> ResponseReturnValue:
    """The student's CLR 2.0 learner record: every valid badge and the posted credit, signed."""
    token = services.learner_record(current_user)
    if token is None:
        flash(
            "You have no valid credential yet, so there is no learner record to download.", "error"
        )
        return redirect(url_for(".mine"))
    response = _json(services.enveloped_token(token), mimetype="application/vc+ld+json")
    response.headers["Content-Disposition"] = 'attachment; filename="learner-record.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/credentials/<int:credential_id>/scores")
@roles_required(Role.student)
def scores(credential_id: int) -> ResponseReturnValue:
    """Show or hide the supervisor's scores: a new credential replaces the one shown."""
    row = _own_or_404(credential_id)
    form = ScoresForm()
    if not form.validate_on_submit():
        return _mine_page(422)
    try:
        with unit_of_work():
            new = services.choose_scores(row, bool(form.with_scores.data), by=current_user)
    except Refused as refused:
        for message in refused.messages:
            flash(message, "error")
        return _mine_page(refused.status)
    if new is not row:
        flash(
            "A new credential replaces the one you had; download it again. "
            "The old one now shows as revoked to anyone who checks it.",
            "info",
        )
    return redirect(url_for(".mine"))


# -- the registrar -------------------------------------------------------------------


def _student_or_404(student_id: int) -> User:
    student = db.session.get(User, student_id)
    if student is None:
        abort(404)
    return student


def _student_page(
    student: User,
    form: RevokeForm | None = None,
    refused: Refused | None = None,
    revoking: int | None = None,
) -> ResponseReturnValue:
    page = render_template(
        "badges/student.html",
        student=student,
        credentials=services.credentials_of(student),
        form=form or RevokeForm(formdata=None),
        revoking=revoking,
        problems=refused.messages if refused is not None else [],
        own=is_own_record(current_user, student.id),
    )
    status = 200 if form is None and refused is None else (refused.status if refused else 422)
    return page, status


@bp.get("/credentials/students/<int:student_id>")
@roles_required(Role.registrar)
def student(student_id: int) -> ResponseReturnValue:
    """A student's credentials, with Revoke for each valid one (never the registrar's own)."""
    person = _student_or_404(student_id)
    if person.id != current_user.id:
        # Staff looking at a student's record is itself recorded, as on the records pages.
        with unit_of_work():
            record_event("badge.view", actor=current_user, object_type="user", object_id=person.id)
    return _student_page(person)


@bp.post("/credentials/<int:credential_id>/revoke")
@roles_required(Role.registrar)
def revoke(credential_id: int) -> ResponseReturnValue:
    """Revoke a credential: the status list reports it from now on."""
    row = db.session.get(BadgeCredential, credential_id)
    if row is None:
        abort(404)
    student = row.student
    form = RevokeForm()
    try:
        services.refuse_revocation(row, current_user)
    except Refused as refused:
        return _student_page(student, form, refused, revoking=row.id)
    if not form.validate_on_submit():
        return _student_page(student, form, revoking=row.id)
    try:
        with unit_of_work():
            services.revoke(row, by=current_user, reason=form.reason.data or "")
    except Refused as refused:
        show_on_form(form, refused)
        return _student_page(student, form, refused, revoking=row.id)
    flash(f"Credential “{row.name}” revoked. Verifiers now see it as revoked.", "info")
    return redirect(url_for(".student", student_id=student.id))
