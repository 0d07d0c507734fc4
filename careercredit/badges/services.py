"""Issue, revoke and publish Open Badges 3.0 credentials (VC-JWT, signed by openbadgeslib).

Each completed placement of a posted plan gets one ``OpenBadgeCredential``,
issued by the institution as the ``did:web`` of its base URL and signed with
``BADGE_KEY`` (Ed25519 or P-256). Every credential owns a bit of one
Bitstring Status List (revocation) that the app signs and serves; the DID
document publishes the key, so any verifier can check both offline of us
except for two fetches. No key configured: nothing is issued.
"""

from __future__ import annotations

import io
import secrets
import uuid
from collections.abc import Collection
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import current_app, has_request_context, request
from openbadgeslib.baking import ITXT_KEYWORD_OB3, bake_png
from openbadgeslib.keys import public_jwk_from_pem
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3Signer,
    OpenBadgeCredential,
    Result,
    ResultDescription,
    build_clr_credential,
    build_did_document,
    build_status_list_credential,
    did_web_from_url,
    sign_status_list_credential,
    status_entry,
)
from sqlalchemy import select

from careercredit import clock
from careercredit.access import refuse_own_record
from careercredit.audit import record_event
from careercredit.badges.keys import BadgeKey, read_key
from careercredit.extensions import db
from careercredit.models import (
    BadgeCredential,
    CreditPlan,
    Disclosure,
    LinkPurpose,
    Placement,
    PlanState,
    RecordDocument,
    User,
)
from careercredit.refusals import Refused

#: Bits in the status list: the spec's minimum (16 KB), so a list hides how many were issued.
STATUS_LIST_BITS = 131072
PURPOSE = "revocation"
#: A verifier refuses a copy of the list older than this, so an old copy can't un-revoke.
STATUS_LIST_VALID = timedelta(days=1)
KEY_FRAGMENT = "badge-key-1"


class BadgeError(Refused):
    """A credential action that can't be taken."""


def badge_key() -> BadgeKey | None:
    path = current_app.config.get("BADGE_KEY")
    return read_key(str(path)) if path else None


def enabled() -> bool:
    return bool(current_app.config.get("BADGE_KEY"))


def base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def issuer_did() -> str:
    """The ``did:web`` of the base URL (did:web always resolves over HTTPS)."""
    parts = urlsplit(base_url())
    return did_web_from_url(urlunsplit(("https", parts.netloc, parts.path, "", "")))


def status_list_url() -> str:
    return f"{base_url()}/credentials/status/{PURPOSE}"


def issuer() -> Issuer:
    return Issuer(id=issuer_did(), name=current_app.config["INSTITUTION_NAME"], url=base_url())


def did_document() -> dict[str, Any]:
    key = badge_key()
    if key is None:
        return {}
    return build_did_document(issuer_did(), [(KEY_FRAGMENT, public_jwk_from_pem(key.public_pem))])


def status_list_jwt() -> str:
    """The revocation list as a signed VC-JWT, made now: every revoked credential's bit set."""
    key = badge_key()
    assert key is not None
    revoked = db.session.scalars(
        select(BadgeCredential.status_index).where(BadgeCredential.revoked_at.is_not(None))
    ).all()
    now = clock.now()
    document = build_status_list_credential(
        issuer_did(),
        status_list_url(),
        PURPOSE,
        revoked,
        size_bits=STATUS_LIST_BITS,
        issued=now,
        valid_until=now + STATUS_LIST_VALID,
    )
    return sign_status_list_credential(document, key.pem, key.algorithm)


# -- issuing -------------------------------------------------------------------------


def _free_index() -> int:
    """A random unused bit: sequential bits would tell a verifier the order of issue."""
    taken = set(db.session.scalars(select(BadgeCredential.status_index)))
    while True:
        index = secrets.randbelow(STATUS_LIST_BITS)
        if index not in taken:
            return index


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _course(plan: CreditPlan) -> str:
    if plan.section is None:
        return ""
    course = plan.section.course
    return f"{course.subject} {course.number}"


def supervisor_scores(placement: Placement) -> dict[str, dict[str, Any]]:
    """The final evaluation's rubric scores (criterion key → label and score 1-5), if any."""
    finals = [e for e in placement.evaluations if e.kind == LinkPurpose.final]
    return dict(finals[-1].scores) if finals else {}


def _scored(achievement: Achievement, placement: Placement) -> list[Result]:
    """Put the rubric on the achievement and the supervisor's scores on the subject."""
    results = []
    for key, answer in supervisor_scores(placement).items():
        described = f"{achievement.id}#{key}"
        achievement.result_descriptions.append(
            ResultDescription(
                id=described,
                name=str(answer["label"]),
                result_type="RubricScore",
                value_min="1",
                value_max="5",
            )
        )
        results.append(Result(value=str(answer["score"]), result_description=described))
    return results


def _achievement(plan: CreditPlan, placement_id: int) -> tuple[Achievement, Placement]:
    placement = next(p for p in plan.placements if p.id == placement_id)
    project = placement.project
    hours = _hours(placement.verified_hours)
    course = _course(plan)
    credit = f"{plan.final_credits} credit{'s' if plan.final_credits != 1 else ''}"
    where = f"{course}, {plan.term.name}" if course else plan.term.name
    description = (
        f"{project.title} at {project.employer.name}: {hours} hours verified by the "
        f"supervisor; part of {credit} ({where})."
    )
    achievement = Achievement(
        id=f"{base_url()}/credentials/achievements/project-{project.id}",
        name=f"Micro-internship: {project.title}",
        description=description,
        criteria_narrative=(
            "A supervised micro-internship: hours verified by the employer's supervisor, "
            "signed off by a faculty sponsor, credit posted by the registrar."
        ),
        achievement_type="Internship",
        tags=[project.employer.name, plan.term.name, *([course] if course else [])],
    )
    return achievement, placement


def _identity(student: User) -> IdentityObject:
    """The student as a salted hash of their address (else their campus id): private, provable."""
    salt = secrets.token_hex(8)
    if student.email:
        return IdentityObject.create(student.email, salt=salt)
    return IdentityObject.create(student.uid, salt=salt, identity_type="sourcedId")


def _issue(
    plan: CreditPlan, placement_id: int, key: BadgeKey, *, with_scores: bool = False
) -> BadgeCredential:
    achievement, placement = _achievement(plan, placement_id)
    results = _scored(achievement, placement) if with_scores else []
    index = _free_index()
    public_id = str(uuid.uuid4())
    now = clock.now()
    credential = OpenBadgeCredential(
        issuer=issuer(),
        recipient_id=None,
        achievement=achievement,
        id=f"urn:uuid:{public_id}",
        issuance_date=now,
        identifiers=[_identity(plan.student)],
        credential_status=[status_entry(status_list_url(), PURPOSE, index)],
        results=results,
    )
    token = OB3Signer(privkey_pem=key.pem, algorithm=key.algorithm).sign(credential)
    row = BadgeCredential(
        uuid=public_id,
        student_id=plan.student_id,
        plan_id=plan.id,
        placement_id=placement_id,
        status_index=index,
        issued_at=now,
        token=token,
        document=credential.to_vc(),
        with_scores=bool(results),
    )
    db.session.add(row)
    return row


def active(plan: CreditPlan) -> list[BadgeCredential]:
    return list(
        db.session.scalars(
            select(BadgeCredential).where(
                BadgeCredential.plan_id == plan.id, BadgeCredential.revoked_at.is_(None)
            )
        )
    )


def issue_for_plan(
    plan: CreditPlan, *, with_scores: Collection[int] = (), only: Collection[int] | None = None
) -> list[BadgeCredential]:
    """Issue a credential for each completed placement of posted ``plan`` that has none.

    Completed: the supervisor verified hours of it. Placements in ``with_scores``
    show the supervisor's scores (the student chose so); ``only`` limits it to the
    placements whose credentials are being replaced, so a credential a registrar
    revoked on its own is not issued again. The caller commits.
    """
    key = badge_key()
    if key is None or plan.state != PlanState.posted or not plan.final_credits:
        return []
    have = {c.placement_id for c in active(plan)}
    issued = [
        _issue(plan, placement.id, key, with_scores=placement.id in with_scores)
        for placement in plan.placements
        if placement.id not in have
        and placement.verified_hours > 0
        and (only is None or placement.id in only)
    ]
    db.session.flush()
    for row in issued:
        record_event(
            "badge.issue",
            actor=None,
            object_type="badge_credential",
            object_id=row.id,
            details={"plan_id": plan.id, "credential": row.uuid},
        )
    return issued


def _revoke(row: BadgeCredential, by: User | None, reason: str) -> None:
    row.revoked_at = clock.now()
    row.revoked_by_id = by.id if by is not None else None
    row.revoke_reason = reason
    record_event(
        "badge.revoke",
        actor=by,
        object_type="badge_credential",
        object_id=row.id,
        details={"reason": reason, "credential": row.uuid},
    )


def refuse_revocation(row: BadgeCredential, by: User) -> None:
    refuse_own_record(by, row.student_id, another="registrar")
    if row.revoked:
        raise BadgeError("This credential was already revoked.")


def revoke(row: BadgeCredential, *, by: User, reason: str) -> None:
    """Revoke one credential: its bit in the status list is set from now on."""
    refuse_revocation(row, by)
    reason = reason.strip()
    if not reason:
        raise BadgeError(problems={"reason": "Say why the credential is revoked."})
    _revoke(row, by, reason)


def replace_for_plan(plan: CreditPlan, *, by: User, reason: str) -> list[BadgeCredential]:
    """The plan's credit changed: revoke its credentials and issue ones that say what it is now."""
    old = active(plan)
    for row in old:
        _revoke(row, by, reason)
    db.session.flush()
    new = issue_for_plan(
        plan,
        with_scores={row.placement_id for row in old if row.with_scores},
        only={row.placement_id for row in old},
    )
    by_placement = {row.placement_id: row for row in new}
    for row in old:
        replacement = by_placement.get(row.placement_id)
        if replacement is not None:
            row.superseded_by_id = replacement.id
            replacement.shareable = row.shareable
    return new


def record_revoked(document: RecordDocument, *, by: User, reason: str) -> None:
    """An issued record was revoked: the credentials of its student's posted plans go with it.

    When the record is being superseded, ``record_reissued`` issues current ones.
    """
    plans = db.session.scalars(
        select(CreditPlan).where(
            CreditPlan.student_id == document.student_id, CreditPlan.state == PlanState.posted
        )
    )
    for plan in plans:
        for row in active(plan):
            _revoke(row, by, reason)


def record_reissued(document: RecordDocument, *, by: User) -> None:
    """A record was superseded: issue current credentials in place of those revoked with it."""
    old = db.session.scalars(
        select(BadgeCredential).where(
            BadgeCredential.student_id == document.student_id,
            BadgeCredential.superseded_by_id.is_(None),
            BadgeCredential.revoke_reason == document.revoke_reason,
        )
    ).all()
    scored = {row.placement_id for row in old if row.with_scores}
    new: list[BadgeCredential] = []
    for plan_id in sorted({row.plan_id for row in old}):
        plan = db.session.get(CreditPlan, plan_id)
        if plan is not None:
            new.extend(
                issue_for_plan(plan, with_scores=scored, only={row.placement_id for row in old})
            )
    for row in old:
        for replacement in new:
            if replacement.placement_id == row.placement_id:
                row.superseded_by_id = replacement.id
                replacement.shareable = row.shareable


# -- the student's credentials -------------------------------------------------------


def credentials_of(student: User) -> list[BadgeCredential]:
    return list(
        db.session.scalars(
            select(BadgeCredential)
            .where(BadgeCredential.student_id == student.id)
            .order_by(BadgeCredential.issued_at.desc(), BadgeCredential.id.desc())
        )
    )


def enveloped(row: BadgeCredential) -> dict[str, Any]:
    """The credential as VC Data Model 2.0 JSON: the signed JWT, enveloped."""
    return enveloped_token(row.token)


def set_shareable(row: BadgeCredential, shareable: bool, *, by: User) -> None:
    row.shareable = shareable
    record_event(
        "badge.share" if shareable else "badge.unshare",
        actor=by,
        object_type="badge_credential",
        object_id=row.id,
        details={"credential": row.uuid},
    )


def choose_scores(row: BadgeCredential, with_scores: bool, *, by: User) -> BadgeCredential:
    """The student shows (or hides) the supervisor's scores: a new credential replaces this one.

    A signed credential can't change, so this one is revoked as superseded.
    """
    if row.revoked:
        raise BadgeError("This credential was revoked; it can't be changed.")
    if with_scores and not supervisor_scores(row.placement):
        raise BadgeError("Your supervisor gave no scores for this placement.")
    if with_scores == row.with_scores:
        return row
    key = badge_key()
    assert key is not None
    _revoke(
        row,
        by,
        "Replaced at the student's request: "
        + ("with the supervisor's scores." if with_scores else "without the supervisor's scores."),
    )
    db.session.flush()
    new = _issue(row.plan, row.placement_id, key, with_scores=with_scores)
    new.shareable = row.shareable
    db.session.flush()
    row.superseded_by_id = new.id
    record_event(
        "badge.issue",
        actor=by,
        object_type="badge_credential",
        object_id=new.id,
        details={"plan_id": row.plan_id, "credential": new.uuid, "replaces": row.uuid},
    )
    return new


def shared(public_id: str) -> BadgeCredential | None:
    row = db.session.scalar(select(BadgeCredential).where(BadgeCredential.uuid == public_id))
    return row if row is not None and row.shareable else None


def record_view(row: BadgeCredential) -> None:
    """Log that a visitor of the share link was shown the credential (FERPA §99.32)."""
    status = "revoked" if row.revoked else "valid"
    db.session.add(
        Disclosure(
            student_id=row.student_id,
            placement_id=row.placement_id,
            recipient="Visitor of the credential's share link",
            purpose="Checking a digital credential the student shared",
            disclosed=f"credential {row.name!r}, shown as {status}",
            client_addr=request.remote_addr if has_request_context() else None,
        )
    )


# -- the learner record ------------------------------------------------------------------


def _credit_achievement(plan: CreditPlan) -> dict[str, Any]:
    """A posted plan's credit, as a CLR achievement: the course, the term and the credits."""
    course = _course(plan)
    name = f"{course or 'Micro-internship credit'}, {plan.term.name}"
    return {
        "id": f"{base_url()}/credentials/achievements/plan-{plan.id}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": name,
        "description": (
            f"{plan.final_credits} credit{'s' if plan.final_credits != 1 else ''} "
            f"of supervised micro-internships, grade {plan.final_grade}, "
            f"posted to the student record."
        ),
        "criteria": {"narrative": "Credit posted by the registrar after the sponsor's sign-off."},
        "creditsAvailable": plan.final_credits,
    }


def learner_record(student: User) -> str | None:
    """A CLR 2.0 ``ClrCredential`` of the student's valid badges and posted credit, as a VC-JWT.

    Signed now and not kept; each badge inside keeps its own signature and status
    entry, so a badge revoked later shows as revoked in a record downloaded before.
    None when the student has no valid badge.
    """
    key = badge_key()
    badges = [row for row in credentials_of(student) if not row.revoked]
    if key is None or not badges:
        return None
    plans = db.session.scalars(
        select(CreditPlan)
        .where(CreditPlan.student_id == student.id, CreditPlan.state == PlanState.posted)
        .order_by(CreditPlan.id)
    ).all()
    now = clock.now()
    record_id = f"urn:uuid:{uuid.uuid4()}"
    document = build_clr_credential(
        issuer().to_dict(),
        [_identity(student).to_dict()],
        [enveloped(row) for row in badges],
        credential_id=record_id,
        valid_from=now,
    )
    document["name"] = f"Comprehensive Learner Record: micro-internships at {issuer().name}"
    document["credentialSubject"]["achievement"] = [_credit_achievement(plan) for plan in plans]
    payload = {**document, "iss": issuer_did(), "jti": record_id, "nbf": int(now.timestamp())}
    return OB3Signer(privkey_pem=key.pem, algorithm=key.algorithm).sign_payload(payload)


def enveloped_token(token: str) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


# -- the badge image and LinkedIn ------------------------------------------------------------


def _badge_image(title: str) -> bytes:
    """A plain round badge with the institution's initials: the carrier of the baked credential."""
    from PIL import Image, ImageDraw

    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (8, 8, size - 8, size - 8), fill=(31, 78, 121, 255), outline=(214, 167, 46, 255), width=10
    )
    initials = "".join(word[0] for word in title.split() if word[:1].isupper())[:4] or "CC"
    draw.text((size / 2, size / 2), initials, fill=(255, 255, 255, 255), anchor="mm", font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def baked_png(row: BadgeCredential) -> bytes:
    """The badge image with the signed credential baked in (an Open Badges 3.0 iTXt chunk)."""
    return bake_png(
        _badge_image(str(current_app.config["INSTITUTION_NAME"])),
        row.token,
        keyword=ITXT_KEYWORD_OB3,
    )


def linkedin_url(row: BadgeCredential, share_link: str) -> str:
    """LinkedIn's "Add to profile" form, filled in; the certificate's URL is the share link."""
    issued = clock.local(row.issued_at)
    query = urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": row.name,
            "organizationName": current_app.config["INSTITUTION_NAME"],
            "issueYear": issued.year,
            "issueMonth": issued.month,
            "certUrl": share_link,
            "certId": row.uuid,
        }
    )
    return f"https://www.linkedin.com/profile/add?{query}"
