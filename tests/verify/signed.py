"""Files a visitor may hold, made from a really issued, certified record.

Each is made the way a person would make it: pyHanko's incremental writer
draws over the page (what a PDF editor's "add text" does), a byte changes
inside the signed part, pypdf saves the pages again without the signature,
a time-stamping authority adds a document time-stamp.
"""

from __future__ import annotations

import io
from datetime import timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pypdf import PdfReader, PdfWriter

from careercredit import clock

AMENDED = "AMENDED: Total credits 12"


def page_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def draw_amended(pdf: bytes, text: str = AMENDED) -> bytes:
    """``pdf`` with ``text`` drawn over its first page in an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica-Bold"),
            }
        )
    )
    resources = generic.DictionaryObject(
        {
            generic.NameObject("/Font"): generic.DictionaryObject(
                {generic.NameObject("/Amend"): font}
            )
        }
    )
    drawn = f"BT /Amend 20 Tf 1 0 0 rg 72 400 Td ({text}) Tj ET".encode()
    stream = generic.StreamObject(stream_data=drawn)
    writer.add_stream_to_page(0, writer.add_object(stream), resources=resources)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_signed_byte(pdf: bytes) -> bytes:
    """``pdf`` with one letter of its title changed: a byte inside the signed range."""
    title = pdf.index(b"/Title (Official record of ")
    assert title < int(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].byte_range[1])
    return pdf[: title + 8] + b"o" + pdf[title + 9 :]  # "Official" becomes "official"


def flip_signature_byte(pdf: bytes) -> bytes:
    """``pdf`` with one hex digit of its signature (the certificate inside it) changed."""
    at = pdf.index(b"/Contents <") + len(b"/Contents <") + 200
    return pdf[:at] + (b"1" if pdf[at : at + 1] == b"0" else b"0") + pdf[at + 1 :]


def strip_signature(pdf: bytes) -> bytes:
    """The pages of ``pdf`` saved again as a new file, without its signature."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for key in ("/AcroForm", "/Perms"):
        if key in writer.root_object:
            del writer.root_object[key]
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]
    out = io.BytesIO()
    writer.write(out)
    stripped = out.getvalue()
    assert PdfFileReader(io.BytesIO(stripped)).embedded_signatures == []
    return stripped


def _time_stamping_authority() -> DummyTimeStamper:
    """An RFC 3161 time-stamping authority of its own, in process (pyHanko's, RSA only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Time-Stamping Authority")])
    now = clock.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return DummyTimeStamper(
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
        fixed_dt=now,
    )


def add_document_timestamp(pdf: bytes) -> bytes:
    """``pdf`` with a document time-stamp appended, as long-term archiving adds one."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = PdfTimeStamper(_time_stamping_authority()).timestamp_pdf(writer, "sha256")
    stamped = out.getvalue()
    kinds = [s.sig_object_type for s in PdfFileReader(io.BytesIO(stamped)).embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]
    return stamped
