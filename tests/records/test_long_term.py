"""Records that stay verifiable for decades: PAdES B-LTA against a real test PKI.

The time-stamping authorities, the OCSP responder and the CRLs are
certomancer's, served over HTTP on 127.0.0.1 (``tests/records/certomancer.py``).
pyHanko validates the files the way a verifier would, long after the
registrar's certificate expired: ``validate_later`` gives it only what is in
the file, plus the one answer a verifier of that year gets online (the
status of the last time-stamp's certificate, still valid then).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.ades import AdESLTAValidationResult, ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    NonRevokedStatusAssertion,
)
from pyhanko_certvalidator.registry import SimpleTrustManager
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import (
    RecordDocument,
    RecordDocumentVersion,
    RecordExport,
    Role,
    User,
)
from careercredit.records.services import issue_record
from careercredit.records.signing import UNAVAILABLE
from config import ConfigError
from tests.conftest import login, user_id
from tests.factories import Factory
from tests.records.certomancer import CampusPKI, pki_services  # noqa: F401  (the fixture)
from tests.records.test_export import TERM, cohort, documents
from tests.records.test_pages import issue_for, issue_form, page_text
from tests.verify.test_file_check import SAME, upload


def settings(pki: CampusPKI, tsa: str | None = "tsa-old") -> dict[str, object]:
    """The signing settings a campus on the test PKI configures, with TSA ``tsa``."""
    values: dict[str, object] = {
        "SIGNING_CERT": str(pki.signing_cert),
        "SIGNING_KEY": str(pki.signing_key),
        "SIGNING_CHAIN": (str(pki.root_cert),),
    }
    if tsa is not None:
        values["SIGNING_TSA_URL"] = pki.tsa_url(tsa)
    return values


@pytest.fixture
def app(make_app: Callable[..., Flask], pki: CampusPKI) -> Flask:
    """The app signing records with the test PKI and time-stamping them with its first TSA."""
    return make_app(**settings(pki))


def validate(pdf: bytes, pki: CampusPKI, at: datetime | None = None) -> AdESLTAValidationResult:
    """pyHanko's PAdES-LTA validation of the record's signature, now or as of ``at``.

    As of ``at`` nothing is fetched: the file must hold every certificate status
    it needs, except that of its last time-stamp's certificate, which a
    verifier in that year asks the authority for (stated here as its answer).
    """
    reader = PdfFileReader(io.BytesIO(pdf))
    knowledge, timing = LocalKnowledge(), None
    if at is not None:
        knowledge = LocalKnowledge(
            nonrevoked_assertions=[
                NonRevokedStatusAssertion(stamp.signer_cert.sha256, at=at)
                for stamp in reader.embedded_timestamp_signatures[-1:]
            ]
        )
        timing = ValidationTimingInfo(
            validation_time=at, best_signature_time=at, point_in_time_validation=True
        )
    root = load_cert_from_pemder(str(pki.root_cert))
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=[root]),
                revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=knowledge,
        )
    )
    signature = reader.embedded_regular_signatures[0]
    return asyncio.run(ades_lta_validation(signature, spec, timing_info=timing))


def intact_and_trusted(result: AdESLTAValidationResult) -> bool:
    status = result.api_status
    assert status is not None
    return (
        result.ades_subindic == AdESPassed.OK
        and status.intact
        and status.valid
        and status.trusted
        and status.modification_level == ModificationLevel.LTA_UPDATES
        and status.docmdp_ok
    )


def issue(app: Flask, make: Factory, uid: str = "zodegard") -> int:
    """Issue a record of a new student with posted credit, as the registrar's desk does; its id."""
    student_id = make.user(uid, Role.student, name="Zoë Ødegård")
    registrar_id = make.user("reg", Role.registrar, name="Rita López")
    make.posted_plan(student_id)
    with app.test_request_context():
        document = issue_record(
            db.session.get(User, student_id), by=db.session.get(User, registrar_id)
        )
        db.session.commit()
        return document.id


def content_of(app: Flask, document_id: int) -> bytes:
    with app.app_context():
        return db.session.scalars(
            select(RecordDocument.content).where(RecordDocument.id == document_id)
        ).one()


def versions_of(app: Flask, document_id: int) -> list[tuple[int, bytes]]:
    with app.app_context():
        rows = db.session.execute(
            select(RecordDocumentVersion.number, RecordDocumentVersion.content)
            .where(RecordDocumentVersion.document_id == document_id)
            .order_by(RecordDocumentVersion.number)
        )
        return [(number, content) for number, content in rows]


def archive(app: Flask, days: int) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(
        args=["records", "archive-timestamps", "--days", str(days)]
    )
    return result.exit_code, result.output


def days_until(moment: datetime) -> int:
    return (moment - datetime.now(UTC)).days + 1


# -- signing ---------------------------------------------------------------------------------


def test_a_record_stays_valid_after_the_signing_certificate_expired(
    app: Flask, make: Factory, pki: CampusPKI
) -> None:
    pdf = content_of(app, issue(app, make))
    reader = PdfFileReader(io.BytesIO(pdf))
    signature = reader.embedded_regular_signatures[0]
    # B-T: the signature carries a time-stamp; B-LT: the chain's revocation data is
    # in the file; B-LTA: a document time-stamp covers it all.
    unsigned = [attr["type"].native for attr in signature.signer_info["unsigned_attrs"]]
    assert "signature_time_stamp_token" in unsigned
    dss = reader.root["/DSS"]
    assert dss["/Certs"]
    assert dss.get("/OCSPs") or dss.get("/CRLs")
    assert len(reader.embedded_timestamp_signatures) == 1

    assert intact_and_trusted(validate(pdf, pki))

    later = pki.signing_expires + timedelta(days=2 * 365)
    assert later < pki.tsa_old_expires
    result = validate(pdf, pki, at=later)
    assert intact_and_trusted(result)
    assert result.best_signature_time < pki.signing_expires


def test_without_a_tsa_the_same_record_is_not_trusted_once_the_certificate_expired(
    make_app: Callable[..., Flask], make: Factory, pki: CampusPKI
) -> None:
    unstamped = make_app(**settings(pki, tsa=None))
    pdf = content_of(unstamped, issue(unstamped, make))
    reader = PdfFileReader(io.BytesIO(pdf))
    assert reader.embedded_timestamp_signatures == []
    assert "/DSS" not in reader.root

    later = pki.signing_expires + timedelta(days=2 * 365)
    result = validate(pdf, pki, at=later)
    assert result.ades_subindic != AdESPassed.OK
    assert result.api_status is not None
    assert not result.api_status.trusted


def test_a_tsa_that_does_not_answer_issues_nothing(
    make_app: Callable[..., Flask], pki: CampusPKI
) -> None:
    values = settings(pki)
    values["SIGNING_TSA_URL"] = pki.url + "/campus/tsa/no-such-authority"
    broken = make_app(**values)
    registrar = broken.test_client()
    for person, client in (("alice", broken.test_client()), ("rlopez", registrar)):
        assert login(client, person).status_code == 302
    alice_id = user_id(broken, "alice")
    Factory(broken).posted_plan(alice_id)

    page = f"/records/students/{alice_id}"
    response = registrar.post(f"{page}/issue", data=issue_form(registrar, alice_id))
    assert response.status_code == 503
    assert UNAVAILABLE in page_text(response)
    with broken.app_context():
        assert db.session.scalar(select(func.count(RecordDocument.id))) == 0


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"SIGNING_TSA_URL": "https://tsa.example.edu"}, "SIGNING_CERT"),
        ({"SIGNING_CHAIN": ()}, "SIGNING_CHAIN"),
        ({"SIGNING_TSA_USERNAME": None, "SIGNING_TSA_PASSWORD": "secret"}, "SIGNING_TSA_USERNAME"),
    ],
)
def test_settings_a_tsa_cannot_work_without_refuse_to_start(
    make_app: Callable[..., Flask], pki: CampusPKI, given: dict[str, object], missing: str
) -> None:
    values = {} if "SIGNING_TSA_URL" in given else settings(pki)
    with pytest.raises(ConfigError, match=f"CAREERCREDIT_{missing}"):
        make_app(**(values | given))


def test_a_bulk_export_time_stamps_every_record(app: Flask, make: Factory, pki: CampusPKI) -> None:
    cohort(app, make)
    make.user("rlopez", Role.registrar)
    args = ["records", "export", "--term", TERM, "--by", "rlopez"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        export_id = db.session.scalar(select(RecordExport.id))
    docs = documents(app, export_id)
    assert len(docs) == 3
    for doc in docs:
        assert intact_and_trusted(validate(doc.content, pki))


# -- renewing time-stamps ----------------------------------------------------------------------


def test_renewed_time_stamps_are_new_versions_downloaded_and_verified(
    app: Flask,
    make_app: Callable[..., Flask],
    pki: CampusPKI,
    login_as: Callable[[str], FlaskClient],
) -> None:
    registrar, student = login_as("registrar"), login_as("student")
    Factory(app).posted_plan(user_id(app, "alice"))
    document_id = issue_for(registrar, user_id(app, "alice"))
    issued = content_of(app, document_id)
    days = days_until(pki.tsa_old_expires)

    nothing_due = archive(app, days - 30)
    assert nothing_due == (0, "checked 1 signed record(s); time-stamped 0 again\n")

    # The same authority's certificate would not outlive the last time-stamp: refused.
    code, output = archive(app, days)
    assert code != 0
    assert "would not keep records valid any longer" in output
    assert versions_of(app, document_id) == []

    renewed_app = make_app(**settings(pki, tsa="tsa-new"))
    code, output = archive(renewed_app, days)
    assert code == 0, output
    assert output.endswith("time-stamped 1 again\n")
    [(number, renewed)] = versions_of(app, document_id)
    assert number == 2
    assert renewed.startswith(issued)  # appended to, never rewritten
    assert archive(renewed_app, days) == (0, "checked 1 signed record(s); time-stamped 0 again\n")

    for person in (student, registrar):
        response = person.get(f"/records/documents/{document_id}/download")
        assert response.status_code == 200
        assert response.data == renewed

    with app.app_context():
        code = db.session.get(RecordDocument, document_id).code
    for version in (issued, renewed):
        answer = upload(app.test_client(), code, version)
        assert answer.status_code == 200
        assert SAME in answer.get_data(as_text=True), hashlib.sha256(version).hexdigest()

    # After the first authority's certificate expired too, the renewed chain still holds.
    later = pki.tsa_old_expires + timedelta(days=365)
    assert intact_and_trusted(validate(renewed, pki, at=later))


def test_a_record_signed_before_a_tsa_gets_its_first_document_time_stamp(
    make_app: Callable[..., Flask], make: Factory, pki: CampusPKI
) -> None:
    unstamped = make_app(**settings(pki, tsa=None))
    document_id = issue(unstamped, make)

    stamped = make_app(**settings(pki))
    code, output = archive(stamped, 30)
    assert code == 0, output
    [(_, pdf)] = versions_of(stamped, document_id)
    reader = PdfFileReader(io.BytesIO(pdf))
    assert "/DSS" in reader.root
    assert len(reader.embedded_timestamp_signatures) == 1
    # Its signature has no time-stamp of its own (pyHanko's AdES verdict asks for
    # one, which a record signed before cannot get); the document time-stamp over
    # its revocation data is its proof of existence from now on.
    status = validate(pdf, pki).api_status
    assert status is not None
    assert (status.intact, status.valid, status.trusted, status.docmdp_ok) == (True,) * 4
    assert status.modification_level == ModificationLevel.LTA_UPDATES
    assert archive(stamped, 30)[1].endswith("time-stamped 0 again\n")


def test_a_renewal_the_tsa_does_not_answer_changes_nothing(
    make_app: Callable[..., Flask], make: Factory, pki: CampusPKI
) -> None:
    unstamped = make_app(**settings(pki, tsa=None))
    document_id = issue(unstamped, make)
    values = settings(pki)
    values["SIGNING_TSA_URL"] = pki.url + "/campus/tsa/no-such-authority"
    code, output = archive(make_app(**values), 30)
    assert code != 0
    assert "this record was left as it was; the next run tries again" in " ".join(output.split())
    assert versions_of(unstamped, document_id) == []
