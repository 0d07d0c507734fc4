"""Digital credentials through the pages: issued when credit is posted, shared, revoked, verified.

Alice's plan is signed off; Rosa Lopez exports the grade roll and posts it.
Alice then finds an Open Badges 3.0 credential on "My credentials" and
downloads it. Two verifiers check it, each fetching the DID document and the
status list from the app as anyone would: openbadgeslib's verifier, and an
independent check with jwcrypto (another JOSE implementation) and the
Bitstring Status List decoded by hand. A tampered credential fails both; once
Rosa revokes it, or amends the credit, both see it revoked.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import (
    BadgeCredential,
    CreditPlan,
    Disclosure,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
)
from tests.conftest import csrf_token
from tests.records.test_pages import issue_for
from tests.registrar.conftest import Desk, text_of

from .conftest import BASE_URL

DID = "did:web:careercredit.university.example"
#: What openbadgeslib says of a credential whose bit is set.
REVOKED = re.escape("status 'revocation' is set")
Fetch = Callable[[str], bytes]


SCORES = {
    "quality": {"label": "Quality of work", "score": 4},
    "communication": {"label": "Communication", "score": 5},
}


def posted_with_credential(desk: Desk) -> int:
    """Alice's plan with 15 verified hours and a scored final evaluation, posted through the
    registrar's pages."""
    plan_id = desk.signed_off(grade="A-", credits=1)
    with desk.app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        for day in range(3):
            db.session.add(
                HourEntry(
                    placement_id=plan.placements[0].id,
                    work_date=plan.term.starts_on + timedelta(days=day),
                    hours=Decimal(5),
                    description="Field work.",
                    status=HourStatus.verified,
                )
            )
        db.session.add(
            Evaluation(
                placement_id=plan.placements[0].id,
                kind=LinkPurpose.final,
                scores=SCORES,
                comments="Careful work.",
            )
        )
        db.session.commit()
    desk.export()
    assert desk.post(desk.latest_export().id).status_code == 302
    return plan_id


def credential_ids(desk: Desk) -> list[int]:
    page = desk.student.get("/credentials/").get_data(as_text=True)
    return [int(i) for i in re.findall(r'id="credential-(\d+)"', page)]


def download(desk: Desk, credential_id: int) -> str:
    """Alice downloads the credential; the JWT is the enveloped credential's data: URL."""
    response = desk.student.get(f"/credentials/{credential_id}/credential.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data())
    assert document["type"] == "EnvelopedVerifiableCredential"
    prefix = "data:application/vc+jwt,"
    assert document["id"].startswith(prefix)
    return str(document["id"].removeprefix(prefix))


def library_verify(token: str, fetch: Fetch) -> Any:
    """openbadgeslib: the issuer's key from its did:web, the status list checked and its proof."""
    verifier = OB3Verifier.for_issuer_did(DID, download=fetch)
    return verifier.verify(token, check_status=True, download=fetch)


def independent_verify(token: str, fetch: Fetch) -> dict[str, Any]:
    """jwcrypto with the key published in did.json; the status bit read from the signed list.

    Returns the payload; raises if the signature fails or the credential's bit is set.
    """
    did = json.loads(fetch(f"{BASE_URL}/.well-known/did.json"))
    assert did["id"] == DID
    key = jwk.JWK(**did["verificationMethod"][0]["publicKeyJwk"])

    def checked(compact: str) -> dict[str, Any]:
        signed = jws.JWS()
        signed.deserialize(compact)
        signed.verify(key)
        return dict(json.loads(signed.payload))

    payload = checked(token)
    assert payload["issuer"]["id"] == DID
    status = payload["credentialStatus"]
    listed = checked(fetch(status["statusListCredential"]).decode())
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"
    encoded = listed["credentialSubject"]["encodedList"].removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    index = int(status["statusListIndex"])
    if bits[index // 8] & (0x80 >> (index % 8)):
        raise RevokedError(index)
    return payload


class RevokedError(Exception):
    pass


def tampered(token: str) -> str:
    """The same signature over a payload that claims more hours."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    achievement = data["credentialSubject"]["achievement"]
    achievement["description"] = achievement["description"].replace("15 hours", "150 hours")
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def test_posting_issues_a_credential_both_verifiers_accept(desk: Desk, fetch: Fetch) -> None:
    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert "You have no digital credentials yet." in page

    posted_with_credential(desk)

    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert "Micro-internship:" in page
    assert "15 hours verified by the supervisor; part of 1 credit" in page
    assert "Status Valid" in page
    (credential_id,) = credential_ids(desk)
    token = download(desk, credential_id)

    credential = library_verify(token, fetch)
    assert credential.issuer.id == DID
    assert credential.achievement.achievement_type == "Internship"
    payload = independent_verify(token, fetch)
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "alice" not in json.dumps(payload)  # the recipient is a salted hash of her address

    forged = tampered(token)
    assert forged != token
    with pytest.raises(OB3VerificationError):
        library_verify(forged, fetch)
    with pytest.raises(JWException):
        independent_verify(forged, fetch)


def revoke(desk: Desk, credential_id: int, **data: str) -> Any:
    token = csrf_token(desk.registrar, f"/credentials/students/{desk.alice}")
    return desk.registrar.post(
        f"/credentials/{credential_id}/revoke", data={"csrf_token": token, **data}
    )


def test_revoked_credential_fails_both_verifiers(desk: Desk, fetch: Fetch) -> None:
    posted_with_credential(desk)
    (credential_id,) = credential_ids(desk)
    token = download(desk, credential_id)

    refused = revoke(desk, credential_id, reason="", confirm="y")
    assert refused.status_code == 422
    assert "Write why the credential is revoked." in text_of(refused.get_data(as_text=True))
    library_verify(token, fetch)  # still valid

    response = revoke(desk, credential_id, reason="Issued in error.", confirm="y")
    assert response.status_code == 302
    page = text_of(desk.registrar.get(response.headers["Location"]).get_data(as_text=True))
    assert "Verifiers now see it as revoked." in page

    with pytest.raises(OB3VerificationError, match=REVOKED):
        library_verify(token, fetch)
    with pytest.raises(RevokedError):
        independent_verify(token, fetch)
    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert "Revoked: Issued in error." in page


def share(desk: Desk, credential_id: int, client: Any = None, on: bool = True) -> Any:
    client = client or desk.student
    data = {"csrf_token": csrf_token(client, "/credentials/")}
    if on:
        data["shareable"] = "y"
    return client.post(f"/credentials/{credential_id}/share", data=data)


def disclosures(desk: Desk) -> list[str]:
    with desk.app.app_context():
        return list(db.session.scalars(select(Disclosure.disclosed).order_by(Disclosure.id)))


def test_shared_credential_has_a_public_page_that_logs_each_visit(desk: Desk) -> None:
    posted_with_credential(desk)
    (credential_id,) = credential_ids(desk)
    with desk.app.app_context():
        public_id = db.session.get(BadgeCredential, credential_id).uuid
    visitor = desk.app.test_client()
    assert visitor.get(f"/c/{public_id}").status_code == 404  # not shared yet

    # Her sponsor (not a student) can't reach the share button of Alice's credential.
    assert share(desk, credential_id, client=desk.sponsor).status_code == 404

    response = share(desk, credential_id)
    assert response.status_code == 302
    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert f"{BASE_URL}/c/{public_id}" in page
    page = text_of(visitor.get(f"/c/{public_id}").get_data(as_text=True))
    assert "This credential is valid" in page
    assert "Alice Student" in page
    assert disclosures(desk)[-1].endswith("shown as valid")

    revoke(desk, credential_id, reason="Issued in error.", confirm="y")
    page = text_of(visitor.get(f"/c/{public_id}").get_data(as_text=True))
    assert "This credential is not valid" in page
    assert disclosures(desk)[-1].endswith("shown as revoked")

    share(desk, credential_id, on=False)
    assert visitor.get(f"/c/{public_id}").status_code == 404


def test_amended_credit_revokes_the_credential_and_issues_a_current_one(
    desk: Desk, fetch: Fetch
) -> None:
    plan_id = posted_with_credential(desk)
    (old_id,) = credential_ids(desk)
    old_token = download(desk, old_id)
    with desk.app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        data = {"version": str(plan.version), "grade": "A", "credits": "2"}
    data |= {
        "reason": "Committee decision.",
        "csrf_token": csrf_token(desk.registrar, "/registrar/"),
    }
    response = desk.registrar.post(f"/registrar/plans/{plan_id}/amend", data=data)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))

    new_id, revoked_id = credential_ids(desk)
    assert revoked_id == old_id
    with pytest.raises(OB3VerificationError, match=REVOKED):
        library_verify(old_token, fetch)
    payload = independent_verify(download(desk, new_id), fetch)
    assert "part of 2 credits" in payload["credentialSubject"]["achievement"]["description"]
    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert "Revoked: Credit amended: Committee decision." in page


def test_learner_record_bundles_valid_badges_and_posted_credit(desk: Desk, fetch: Fetch) -> None:
    response = desk.student.get("/credentials/learner-record.json")
    assert response.status_code == 302  # nothing to bundle yet
    posted_with_credential(desk)
    (credential_id,) = credential_ids(desk)
    badge = download(desk, credential_id)

    response = desk.student.get("/credentials/learner-record.json")
    assert response.status_code == 200
    envelope = json.loads(response.get_data())
    token = envelope["id"].removeprefix("data:application/vc+jwt,")
    did = json.loads(fetch(f"{BASE_URL}/.well-known/did.json"))
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(jwk.JWK(**did["verificationMethod"][0]["publicKeyJwk"]))
    record = json.loads(signed.payload)
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    assert record["issuer"]["id"] == DID
    subject = record["credentialSubject"]
    assert subject["type"] == "ClrSubject"
    (member,) = subject["verifiableCredential"]
    assert member["id"] == f"data:application/vc+jwt,{badge}"
    library_verify(member["id"].removeprefix("data:application/vc+jwt,"), fetch)
    (credit,) = subject["achievement"]
    assert credit["creditsAvailable"] == 1
    assert "grade A-" in credit["description"]


def test_baked_badge_carries_the_credential(desk: Desk, fetch: Fetch) -> None:
    posted_with_credential(desk)
    (credential_id,) = credential_ids(desk)
    token = download(desk, credential_id)
    response = desk.student.get(f"/credentials/{credential_id}/badge.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    baked = OB3Verifier.extract_token_from_png(response.get_data())
    assert baked == token
    library_verify(baked, fetch)


def test_linkedin_link_points_at_the_share_link(desk: Desk) -> None:
    posted_with_credential(desk)
    (credential_id,) = credential_ids(desk)
    page = desk.student.get("/credentials/").get_data(as_text=True)
    assert "Add to LinkedIn" not in page  # only a shared credential can be shown there
    share(desk, credential_id)
    page = html.unescape(desk.student.get("/credentials/").get_data(as_text=True))
    (link,) = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    query = parse_qs(urlsplit(link).query)
    with desk.app.app_context():
        public_id = db.session.get(BadgeCredential, credential_id).uuid
    assert query["certUrl"] == [f"{BASE_URL}/c/{public_id}"]
    assert query["certId"] == [public_id]
    assert query["name"][0].startswith("Micro-internship:")


def choose_scores(desk: Desk, credential_id: int, on: bool) -> Any:
    data = {"csrf_token": csrf_token(desk.student, "/credentials/")}
    if on:
        data["with_scores"] = "y"
    return desk.student.post(f"/credentials/{credential_id}/scores", data=data)


def test_supervisor_scores_only_where_the_student_adds_them(desk: Desk, fetch: Fetch) -> None:
    posted_with_credential(desk)
    (first,) = credential_ids(desk)
    payload = independent_verify(download(desk, first), fetch)
    assert "result" not in payload["credentialSubject"]  # not without her say
    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert "Your supervisor scored 2 skills of the rubric." in page
    assert "Quality of work" not in page

    response = choose_scores(desk, first, on=True)
    assert response.status_code == 302
    scored, replaced = credential_ids(desk)
    assert replaced == first
    with pytest.raises(OB3VerificationError, match=REVOKED):
        library_verify(download(desk, first), fetch)
    credential = library_verify(download(desk, scored), fetch)
    values = {
        d.name: r.value
        for r in credential.results
        for d in credential.achievement.result_descriptions
        if d.id == r.result_description
    }
    assert values == {"Quality of work": "4", "Communication": "5"}
    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert "Quality of work 4 of 5 (supervisor's score)" in page

    choose_scores(desk, scored, on=False)
    latest = credential_ids(desk)[0]
    payload = independent_verify(download(desk, latest), fetch)
    assert "result" not in payload["credentialSubject"]
    assert choose_scores(desk, first, on=True).status_code == 422  # a revoked one stays as it is


def amend(desk: Desk, plan_id: int, credits: int) -> None:
    with desk.app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        data = {"version": str(plan.version), "grade": "A", "credits": str(credits)}
    data |= {
        "reason": "Committee decision.",
        "csrf_token": csrf_token(desk.registrar, "/registrar/"),
    }
    response = desk.registrar.post(f"/registrar/plans/{plan_id}/amend", data=data)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))


def test_a_superseded_record_supersedes_its_credentials(desk: Desk, fetch: Fetch) -> None:
    plan_id = posted_with_credential(desk)
    document_id = issue_for(desk.registrar, desk.alice)
    amend(desk, plan_id, credits=2)  # the record is now out of date
    after_amendment, _first = credential_ids(desk)
    token = download(desk, after_amendment)

    reissued = desk.registrar.post(
        f"/records/documents/{document_id}/reissue",
        data={"csrf_token": csrf_token(desk.registrar, "/records/"), "confirm": "y"},
    )
    assert reissued.status_code == 302
    current, superseded, _first = credential_ids(desk)
    assert superseded == after_amendment
    with pytest.raises(RevokedError):
        independent_verify(token, fetch)
    library_verify(download(desk, current), fetch)
    with desk.app.app_context():
        old = db.session.get(BadgeCredential, superseded)
        assert old.superseded_by_id == current
        assert old.revoke_reason.startswith("Superseded by CC-")


def test_a_credential_revoked_on_its_own_stays_revoked_when_credit_is_amended(
    desk: Desk,
) -> None:
    plan_id = posted_with_credential(desk)
    (credential_id,) = credential_ids(desk)
    revoke(desk, credential_id, reason="Placement was not completed.", confirm="y")
    amend(desk, plan_id, credits=2)
    assert credential_ids(desk) == [credential_id]  # nothing issued in its place


def test_a_revoked_record_revokes_its_credentials(desk: Desk, fetch: Fetch) -> None:
    posted_with_credential(desk)
    (credential_id,) = credential_ids(desk)
    token = download(desk, credential_id)
    document_id = issue_for(desk.registrar, desk.alice)
    response = desk.registrar.post(
        f"/records/documents/{document_id}/revoke",
        data={
            "csrf_token": csrf_token(desk.registrar, "/records/"),
            "reason": "Issued to the wrong student.",
            "confirm": "y",
        },
    )
    assert response.status_code == 302
    with pytest.raises(OB3VerificationError, match=REVOKED):
        library_verify(token, fetch)
    assert credential_ids(desk) == [credential_id]
    page = text_of(desk.student.get("/credentials/").get_data(as_text=True))
    assert "Revoked: Issued to the wrong student." in page
