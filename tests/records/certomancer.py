"""A test PKI served over HTTP on 127.0.0.1: time-stamping, OCSP and CRLs (certomancer).

``tests/data/certomancer/pki.yml`` describes the PKI. ``serve_pki`` makes its
keys in a directory, starts certomancer's own WSGI application (the
"animator") in a werkzeug server thread, and writes the certificates a campus
would configure: the registrar's certificate and key, and the root. The
``pki`` fixture serves it for a test session; ``scripts/bench_signing.py``
for a benchmark.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from asn1crypto import pem, x509
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertLabel, CertomancerConfig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CONFIG = Path(__file__).resolve().parent.parent / "data" / "certomancer" / "pki.yml"
ARCH = "campus"


@dataclass(frozen=True)
class CampusPKI:
    """Where the test PKI's services answer, and the files a campus would configure."""

    url: str
    root_cert: Path
    signing_cert: Path
    signing_key: Path
    #: When the registrar's certificate and each time-stamping certificate expire.
    signing_expires: datetime
    tsa_old_expires: datetime
    tsa_new_expires: datetime

    def tsa_url(self, label: str) -> str:
        """The address of the time-stamping authority ``label`` (``tsa-old``, ``tsa-new``)."""
        return f"{self.url}/{ARCH}/tsa/{label}"


def _write_keys(config: dict[str, Any], directory: Path) -> None:
    for spec in config["keysets"][ARCH]["keys"].values():
        key = ec.generate_private_key(ec.SECP256R1())
        (directory / spec["path"]).write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def _pem(cert: x509.Certificate) -> bytes:
    return pem.armor("CERTIFICATE", cert.dump())


class _Late:
    """A WSGI app known only once the server's port is: the PKI's URLs name that port."""

    def __init__(self) -> None:
        self.app: Animator | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@contextmanager
def serve_pki(directory: Path) -> Iterator[CampusPKI]:
    """Make the test PKI's keys in ``directory`` and serve it on 127.0.0.1 while in the block."""
    config = yaml.safe_load(CONFIG.read_text())
    _write_keys(config, directory)
    late = _Late()
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, late, threaded=True, request_handler=_Quiet
    )
    url = f"http://127.0.0.1:{server.server_port}"
    config["external-url-prefix"] = url
    arch = CertomancerConfig(config, key_search_dir=str(directory)).get_pki_arch(ARCH)
    late.app = Animator(AnimatorArchStore({arch.arch_label: arch}), with_web_ui=False)

    files = {}
    for label in ("root", "registrar"):
        files[label] = directory / f"{label}.cert.pem"
        files[label].write_bytes(_pem(arch.get_cert(CertLabel(label))))

    def expires(label: str) -> datetime:
        return arch.get_cert(CertLabel(label)).not_valid_after

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield CampusPKI(
            url=url,
            root_cert=files["root"],
            signing_cert=files["registrar"],
            signing_key=directory / "registrar.key.pem",
            signing_expires=expires("registrar"),
            tsa_old_expires=expires("tsa-old"),
            tsa_new_expires=expires("tsa-new"),
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Quiet(WSGIRequestHandler):
    """No line per request on stderr."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture(scope="session", name="pki")
def pki_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CampusPKI]:
    """The test PKI's services on 127.0.0.1, for the whole session."""
    with serve_pki(tmp_path_factory.mktemp("pki")) as pki:
        yield pki
