"""PAdES certification signatures on issued records (pyHanko).

When ``CAREERCREDIT_SIGNING_CERT`` and ``CAREERCREDIT_SIGNING_KEY`` are set,
every issued record is certified: a PDF reader shows who issued it and
whether a byte changed since. The signer is loaded once per process.

When a time-stamping authority is configured too (``CAREERCREDIT_SIGNING_TSA_URL``)
the signature is PAdES B-LTA: it carries an RFC 3161 time-stamp, the
revocation data (OCSP responses, CRLs) of every certificate in its chain and
of the time-stamp's, fetched at signing, and a document time-stamp over all
of it. Such a record stays verifiable after the signing certificate expires,
for as long as its last time-stamp is renewed in time (``records/archive.py``).
Without one the signature is B-B: it is trusted only while the certificate is.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from careercredit.refusals import Refused

log = logging.getLogger(__name__)

#: Name of the signature field the certification fills.
FIELD_NAME = "RegistrarCertification"
#: Seconds to wait for the time-stamping authority, an OCSP responder or a CRL.
NETWORK_TIMEOUT = 20

#: What pyHanko raises when a TSA, OCSP responder or CRL server fails or is not trusted.
NETWORK_FAILURES = (
    TimestampRequestError,
    SigningError,
    PathBuildingError,
    PathValidationError,
    OSError,
)
UNAVAILABLE = (
    "The time-stamping service or a certificate status service did not answer, "
    "so nothing was issued. Try again in a few minutes; if it keeps failing, "
    "ask IT to check CAREERCREDIT_SIGNING_TSA_URL."
)


class SigningUnavailable(Refused):
    """A service a long-term signature needs (TSA, OCSP, CRL) failed; nothing was signed."""

    status = 503


@dataclass(frozen=True)
class TimeStamping:
    """The time-stamping authority (RFC 3161) and the CA certificates its chain ends in."""

    url: str
    username: str | None = None
    password: str | None = None
    #: CA certificates the TSA's certificate chains to, when not in the signing chain.
    chain: tuple[str, ...] = ()


@dataclass(frozen=True)
class SigningSettings:
    """Where the signing certificate, its key and the chain up to the CA are."""

    cert: str
    key: str
    chain: tuple[str, ...] = ()
    password: str | None = None
    #: None: signatures are B-B (no time-stamp, no revocation data).
    tsa: TimeStamping | None = None


def time_stamping(config: Mapping[str, Any]) -> TimeStamping | None:
    """The configured time-stamping authority, or None."""
    if not config.get("SIGNING_TSA_URL"):
        return None
    return TimeStamping(
        url=config["SIGNING_TSA_URL"],
        username=config.get("SIGNING_TSA_USERNAME") or None,
        password=config.get("SIGNING_TSA_PASSWORD") or None,
        chain=tuple(config.get("SIGNING_TSA_CHAIN") or ()),
    )


def signing_settings(config: Mapping[str, Any]) -> SigningSettings | None:
    """The configured signing settings, or None when records are issued unsigned."""
    if not (config.get("SIGNING_CERT") and config.get("SIGNING_KEY")):
        return None
    return SigningSettings(
        cert=config["SIGNING_CERT"],
        key=config["SIGNING_KEY"],
        chain=tuple(config.get("SIGNING_CHAIN") or ()),
        password=config.get("SIGNING_KEY_PASSWORD"),
        tsa=time_stamping(config),
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


@cache
def timestamper(tsa: TimeStamping) -> HTTPTimeStamper:
    """A client of the time-stamping authority, one per process.

    It keeps the dummy time-stamp pyHanko sizes each signature by, which would
    otherwise cost a round trip to the authority for every record.
    """
    auth = (tsa.username, tsa.password or "") if tsa.username else None
    return HTTPTimeStamper(tsa.url, timeout=NETWORK_TIMEOUT, auth=auth)


def validation_context(settings: SigningSettings) -> ValidationContext:
    """Trust the self-signed CAs of the configured chains, and fetch revocation data.

    The CAs of the signing chain and the TSA's are the only trust roots: the
    revocation data embedded is of exactly the chains a verifier will build.
    """
    roots = [
        cert
        for path in (*settings.chain, *(settings.tsa.chain if settings.tsa else ()))
        for cert in load_certs_from_pemder([path])
        if cert.self_signed
    ]
    return ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="require")


def sign_pdf(pdf: bytes, settings: SigningSettings) -> bytes:
    """Certify ``pdf``: any later change to the file breaks the signature.

    With a time-stamping authority the signature is B-LTA; ``SigningUnavailable``
    when the authority or a revocation service fails (nothing is half-signed).
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    long_term = settings.tsa is not None
    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Official record issued by the Office of the Registrar",
        embed_validation_info=long_term,
        use_pades_lta=long_term,
        validation_context=validation_context(settings) if long_term else None,
    )
    if settings.tsa is None:
        return signers.sign_pdf(writer, meta, signer=_signer(settings)).getvalue()
    try:
        output = signers.sign_pdf(
            writer, meta, signer=_signer(settings), timestamper=timestamper(settings.tsa)
        )
    except NETWORK_FAILURES as exc:
        log.warning("Long-term signing failed; nothing was signed", exc_info=True)
        raise SigningUnavailable(UNAVAILABLE) from exc
    return output.getvalue()


def last_stamp_expiry(pdf: bytes) -> datetime | None:
    """When the certificate of ``pdf``'s last document time-stamp expires; None if it has none."""
    stamps = PdfFileReader(io.BytesIO(pdf)).embedded_timestamp_signatures
    if not stamps:
        return None
    expires: datetime = stamps[-1].signer_cert.not_valid_after
    return expires if expires.tzinfo else expires.replace(tzinfo=UTC)
