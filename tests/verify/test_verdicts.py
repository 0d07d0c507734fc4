"""The upload check explains itself: each kind of file a visitor may hold, through the page.

Every file is made from a really issued, certified record (``signed.py``);
the page must say which case it is, in words, and log which it said.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from careercredit.extensions import db
from careercredit.models import User
from careercredit.records.democa import make_demo_ca
from careercredit.records.services import unofficial_copy
from careercredit.records.signing import SigningSettings, sign_pdf
from tests.factories import Factory
from tests.verify.conftest import Issued, disclosures, issue
from tests.verify.signed import (
    AMENDED,
    add_document_timestamp,
    draw_amended,
    flip_signature_byte,
    flip_signed_byte,
    page_text,
    strip_signature,
)
from tests.verify.test_file_check import upload

ISSUED = "This file is exactly the one we issued."
STAMPED = "This file is the one we issued, time-stamped since."
ADDED = "This file is the one we issued, with content added after we certified it."
ADDED_UNSIGNED = "This file is the one we issued, with content added after we issued it."
BROKEN = "This file&#39;s signature is broken."
UNSIGNED = "This file carries no signature."
OTHER = "This file is another record."
NOT_OURS = "This file was not signed by us."
HEADLINES = (ISSUED, STAMPED, ADDED, ADDED_UNSIGNED, BROKEN, UNSIGNED, OTHER, NOT_OURS)


def said(client: FlaskClient, code: str, content: bytes) -> str:
    """Upload ``content`` under ``code``; the page's words, having checked it answered 200."""
    response = upload(client, code, content)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def only(text: str, headline: str) -> None:
    """The page gives ``headline`` and no other verdict."""
    assert [h for h in HEADLINES if h in text] == [headline]


def logged(app: Flask) -> str:
    """What the last disclosure says the file check found."""
    return disclosures(app)[-1].disclosed.rsplit("; file check: ", 1)[1]


def test_the_issued_file(signing_app: Flask, signed: Issued) -> None:
    text = said(signing_app.test_client(), signed.code, signed.content)
    only(text, ISSUED)
    assert "not a single byte of it was changed" in text
    assert 'role="status"' in text
    assert logged(signing_app) == "the issued file"


def test_content_drawn_after_certification_is_not_ours(signing_app: Flask, signed: Issued) -> None:
    amended = draw_amended(signed.content)
    assert amended.startswith(signed.content)
    assert AMENDED in page_text(amended)  # what the holder would see in a PDF reader
    text = said(signing_app.test_client(), signed.code, amended)
    only(text, ADDED)
    assert "The original part is ours" in text
    assert "what was drawn or added after is not ours" in text
    assert "<dt>Total credits</dt><dd>1</dd>" in text  # what the record showed when issued
    assert logged(signing_app) == "the issued file with content added after certification"


@pytest.mark.parametrize("change", [flip_signed_byte, flip_signature_byte])
def test_a_byte_changed_in_the_signed_part_or_the_signature_breaks_it(
    signing_app: Flask, signed: Issued, change: Callable[[bytes], bytes]
) -> None:
    changed = change(signed.content)
    assert len(changed) == len(signed.content)
    assert changed != signed.content
    text = said(signing_app.test_client(), signed.code, changed)
    only(text, BROKEN)
    assert "bytes inside the part we signed, or the signature itself, no longer match" in text
    assert 'role="alert"' in text
    assert logged(signing_app) == "a broken signature"


def test_a_copy_with_its_signature_stripped_has_no_signature(
    signing_app: Flask, signed: Issued
) -> None:
    stripped = strip_signature(signed.content)
    assert "José Ñúñez" in page_text(stripped)  # it still reads as the record
    text = said(signing_app.test_client(), signed.code, stripped)
    only(text, UNSIGNED)
    assert "a copy whose signature was stripped" in text
    assert logged(signing_app) == "no signature"


def test_an_unofficial_copy_has_no_signature(signing_app: Flask, signed: Issued) -> None:
    with signing_app.test_request_context():
        copy = unofficial_copy(db.session.get(User, signed.student_id))
    assert "UNOFFICIAL" in page_text(copy)
    text = said(signing_app.test_client(), signed.code, copy)
    only(text, UNSIGNED)
    assert "an unofficial copy" in text


def test_another_students_record_is_another_record_and_says_nothing_of_it(
    signing_app: Flask, signing_make: Factory, signed: Issued
) -> None:
    other = issue(signing_app, signing_make, uid="zoe", name="Zoë Ødegård")
    text = said(signing_app.test_client(), signed.code, other.content)
    only(text, OTHER)
    assert "issued under another code" in text
    assert "Zoë" not in text
    assert other.code not in text
    # Drawn over, it is still another record, not this one with additions.
    only(said(signing_app.test_client(), signed.code, draw_amended(other.content)), OTHER)


def test_a_record_signed_by_someone_else_is_not_ours(
    signing_app: Flask, signed: Issued, tmp_path
) -> None:
    impostor = make_demo_ca(tmp_path / "impostor")
    forged = sign_pdf(
        strip_signature(signed.content),
        SigningSettings(cert=str(impostor.cert), key=str(impostor.key)),
    )
    text = said(signing_app.test_client(), signed.code, forged)
    only(text, NOT_OURS)
    assert logged(signing_app) == "not signed by us"


def test_a_document_time_stamp_added_later_is_still_the_issued_file(
    signing_app: Flask, signed: Issued
) -> None:
    stamped = add_document_timestamp(signed.content)
    [signature, _] = PdfFileReader(io.BytesIO(stamped)).embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[], allow_fetching=False)
    )
    assert status.modification_level == ModificationLevel.LTA_UPDATES
    text = said(signing_app.test_client(), signed.code, stamped)
    only(text, STAMPED)
    assert "Only document time-stamps were added to it since" in text
    assert 'role="status"' in text
    assert logged(signing_app) == "the issued file"
    # Drawn over after the time-stamp, it is no longer only time-stamped.
    only(said(signing_app.test_client(), signed.code, draw_amended(stamped)), ADDED)


def test_an_unsigned_record_with_content_added_is_recognised_by_its_issued_bytes(
    app: Flask, make: Factory
) -> None:
    issued = issue(app, make)
    text = said(app.test_client(), issued.code, draw_amended(issued.content))
    only(text, ADDED_UNSIGNED)
    assert "The original part is ours" in text
    assert "certification" not in text.split('id="file-check"', 1)[1]


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_a_cut_off_file_is_not_the_issued_file(
    signing_app: Flask, signed: Issued, keep: float
) -> None:
    cut = signed.content[: int(len(signed.content) * keep)]
    text = said(signing_app.test_client(), signed.code, cut)
    assert ISSUED not in text
    assert "with content added after" not in text


@pytest.mark.parametrize(
    ("content", "headline"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, UNSIGNED),
        (b"%PDF-1.7\n1 0 obj << /ByteRange [0 10 20 99999999] /Contents <00> >>\n%%EOF", BROKEN),
        (b"%PDF-1.7\ntrailer << /Root << /AcroForm << /Fields [1 0 R 1 0 R] >> >> >>\n", UNSIGNED),
    ],
    ids=["noise", "a signature dictionary in nothing", "a form pointing at nothing"],
)
def test_a_file_that_only_looks_like_a_pdf_gets_a_verdict_not_an_error(
    signing_app: Flask, signed: Issued, content: bytes, headline: str
) -> None:
    only(said(signing_app.test_client(), signed.code, content), headline)
