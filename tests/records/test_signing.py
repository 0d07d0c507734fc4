"""Signed records: pyHanko validates them against the issuing CA, and any change shows.

Each test makes its own throwaway CA (``make_demo_ca``), configures the app
with its signing certificate and key, and issues a record the way the
registrar's desk does.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from careercredit.extensions import db
from careercredit.models import RecordDocument, Role, User
from careercredit.records.democa import DemoCA, make_demo_ca
from careercredit.records.services import issue_record
from careercredit.records.signing import FIELD_NAME
from config import ConfigError
from tests.factories import Factory

NAME = "Zoë Ødegård"


@pytest.fixture
def ca(tmp_path: Path) -> DemoCA:
    """A test CA and a signing certificate and key it issued."""
    return make_demo_ca(tmp_path / "ca")


@pytest.fixture
def signing_app(make_app: Callable[..., Flask], ca: DemoCA) -> Flask:
    """The app configured to sign records with the test CA's certificate."""
    return make_app(
        SIGNING_CERT=str(ca.cert), SIGNING_KEY=str(ca.key), SIGNING_CHAIN=(str(ca.ca_cert),)
    )


@dataclass(frozen=True)
class Issued:
    """What was stored of an issued record."""

    signed: bool
    code: str
    content: bytes


def issue(app: Flask) -> Issued:
    """Issue a record of a student with posted credit the way the registrar's desk does."""
    make = Factory(app)
    student_id = make.user("zodegard", Role.student, name=NAME)
    registrar_id = make.user("reg", Role.registrar, name="Rita López")
    make.posted_plan(student_id)
    with app.test_request_context():
        document = issue_record(
            db.session.get(User, student_id), by=db.session.get(User, registrar_id)
        )
        db.session.commit()
        stored = db.session.get(RecordDocument, document.id)
        return Issued(stored.signed, stored.code, stored.content)


@pytest.fixture
def signed(signing_app: Flask) -> Issued:
    """A record issued by the signing app."""
    return issue(signing_app)


def validate(pdf: bytes, ca_cert: Path) -> PdfSignatureStatus:
    """Validate the only signature of ``pdf``, trusting ``ca_cert`` alone."""
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(ca_cert))])
    return validate_pdf_signature(signatures[0], context)


def test_an_issued_record_is_certified_by_the_registrar(signed: Issued, ca: DemoCA):
    assert signed.signed is True
    status = validate(signed.content, ca.ca_cert)
    assert status.bottom_line
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.modification_level == ModificationLevel.NONE
    assert status.docmdp_ok

    reader = PdfFileReader(io.BytesIO(signed.content))
    signature = reader.embedded_signatures[0]
    assert signature.field_name == FIELD_NAME
    assert signature.docmdp_level == MDPPerm.NO_CHANGES
    # A certification signature: the catalogue's DocMDP permission points at it.
    assert reader.root["/Perms"].raw_get("/DocMDP") == signature.sig_field.raw_get("/V")
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert "Office of the Registrar" in signature.signer_cert.subject.human_friendly


def test_changing_one_signed_byte_breaks_the_signature(signed: Issued, ca: DemoCA):
    pdf = signed.content
    title = pdf.index(b"/Title (Official record of ")
    assert title < PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].byte_range[1]
    changed = pdf[: title + 8] + b"o" + pdf[title + 9 :]  # "Official" becomes "official"
    assert len(changed) == len(pdf)
    assert changed != pdf

    status = validate(changed, ca.ca_cert)
    assert status.intact is False
    assert not status.bottom_line


def test_text_added_after_signing_is_a_change_the_certification_forbids(signed: Issued, ca: DemoCA):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.content))
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
            }
        )
    )
    resources = generic.DictionaryObject(
        {
            generic.NameObject("/Font"): generic.DictionaryObject(
                {generic.NameObject("/Forged"): font}
            )
        }
    )
    text = generic.StreamObject(stream_data=b"BT /Forged 18 Tf 72 90 Td (Total credits 9) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(text), resources=resources)
    out = io.BytesIO()
    writer.write(out)
    amended = out.getvalue()
    assert "Total credits 9" in PdfReader(io.BytesIO(amended)).pages[0].extract_text()

    status = validate(amended, ca.ca_cert)
    assert status.intact  # the signed revision itself is untouched...
    assert status.modification_level == ModificationLevel.OTHER  # ...but the file is not
    assert not status.docmdp_ok
    assert not status.bottom_line


def test_a_ca_of_the_same_name_with_another_key_is_not_trusted(signed: Issued, tmp_path: Path):
    impostor = make_demo_ca(tmp_path / "impostor")
    status = validate(signed.content, impostor.ca_cert)
    assert status.intact
    assert status.valid
    assert status.trusted is False
    assert not status.bottom_line


def test_without_signing_settings_records_are_issued_unsigned(app: Flask):
    document = issue(app)
    assert document.signed is False
    assert PdfFileReader(io.BytesIO(document.content)).embedded_signatures == []


@pytest.mark.parametrize("given", ["SIGNING_CERT", "SIGNING_KEY"])
def test_a_certificate_without_its_key_refuses_to_start(
    make_app: Callable[..., Flask], ca: DemoCA, given: str
):
    path = str(ca.cert if given == "SIGNING_CERT" else ca.key)
    with pytest.raises(ConfigError, match="must be set together"):
        make_app(**{given: path})


def embedded_font_programs(pdf: bytes) -> dict[str, bool]:
    """Every font in the file that holds glyphs: is its font program embedded?"""
    reader = PdfReader(io.BytesIO(pdf))
    fonts, seen, pending = {}, set(), [reader.trailer.raw_get("/Root")]
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, ArrayObject):
            pending.extend(obj)
        elif isinstance(obj, DictionaryObject):
            pending.extend(obj.values())
            # A Type0 font is a wrapper: its descendant holds the glyphs.
            if obj.get("/Type") == "/Font" and obj.get("/Subtype") != "/Type0":
                descriptor = obj.get("/FontDescriptor", {})
                programs = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
                fonts[str(obj["/BaseFont"])] = bool(programs)
    return fonts


def test_a_signed_record_still_reads_as_before(signed: Issued):
    reader = PdfReader(io.BytesIO(signed.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert NAME in text
    assert signed.code in text
    assert "Rita López" in text
    assert reader.metadata.title == f"Official record of {NAME}"
    fonts = embedded_font_programs(signed.content)
    assert fonts
    assert all(fonts.values()), fonts
