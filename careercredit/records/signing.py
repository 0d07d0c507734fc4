"""PAdES certification signatures on issued records (pyHanko).

When ``CAREERCREDIT_SIGNING_CERT`` and ``CAREERCREDIT_SIGNING_KEY`` are set,
every issued record is certified: a PDF reader shows who issued it and
whether a byte changed since. The signer is loaded once per process.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata

#: Name of the signature field the certification fills.
FIELD_NAME = "RegistrarCertification"


@dataclass(frozen=True)
class SigningSettings:
    """Where the signing certificate, its key and the chain up to the CA are."""

    cert: str
    key: str
    chain: tuple[str, ...] = ()
    password: str | None = None


def signing_settings(config: Mapping[str, Any]) -> SigningSettings | None:
    """The configured signing settings, or None when records are issued unsigned."""
    if not (config.get("SIGNING_CERT") and config.get("SIGNING_KEY")):
        return None
    return SigningSettings(
        cert=config["SIGNING_CERT"],
        key=config["SIGNING_KEY"],
        chain=tuple(config.get("SIGNING_CHAIN") or ()),
        password=config.get("SIGNING_KEY_PASSWORD"),
    )


@cache
def _signer(settings: SigningSettings) -> signers.SimpleSigner:
    password = settings.password.encode() if settings.password else None
    signer = signers.SimpleSigner.load(
        settings.key, settings.cert, ca_chain_files=settings.chain, key_passphrase=password
    )
    if signer is None:
        raise ValueError("The signing certificate or key could not be read.")
    return signer


def sign_pdf(pdf: bytes, settings: SigningSettings) -> bytes:
    """Certify ``pdf``: any later change to the file breaks the signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Official record issued by the Office of the Registrar",
    )
    output = signers.sign_pdf(writer, meta, signer=_signer(settings))
    return output.getvalue()
