"""CAREERCREDIT_BADGE_KEY: production refuses a key that can't sign credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from careercredit.badges.keys import make_demo_key
from config import ConfigError, load_config
from tests.test_config import SAFE_PRODUCTION


def _pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_ed25519_and_p256_keys_are_accepted(tmp_path: Path) -> None:
    p256 = tmp_path / "p256.pem"
    p256.write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    for key in (make_demo_key(tmp_path / "ed25519.pem"), p256):
        load_config({**SAFE_PRODUCTION, "CAREERCREDIT_BADGE_KEY": str(key)}).check()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "can't read"),
        (b"not a key", "can't read"),
        (_pem(rsa.generate_private_key(65537, 2048)), "neither an Ed25519 nor a P-256 key"),
        (_pem(ec.generate_private_key(ec.SECP384R1())), "neither an Ed25519 nor a P-256 key"),
    ],
    ids=["missing", "garbage", "rsa", "p384"],
)
def test_production_refuses_a_key_that_cannot_sign_credentials(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "badge.key"
    if content is not None:
        path.write_bytes(content)
    settings = {**SAFE_PRODUCTION, "CAREERCREDIT_BADGE_KEY": str(path)}
    with pytest.raises(ConfigError, match=f"CAREERCREDIT_BADGE_KEY: .*{message}"):
        load_config(settings).check()
