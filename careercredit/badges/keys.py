"""The key that signs digital credentials: Ed25519 or P-256, read from a PEM file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519


@dataclass(frozen=True)
class BadgeKey:
    """The loaded signing key: its PEM and the JOSE algorithm its type signs with."""

    pem: bytes
    algorithm: str

    @property
    def public_pem(self) -> bytes:
        key = serialization.load_pem_private_key(self.pem, password=None)
        return key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class BadgeKeyError(ValueError):
    """The configured badge key is missing, unreadable or of a type badges don't use."""


def read_key(path: str) -> BadgeKey:
    """Load an unencrypted Ed25519 or P-256 private key from a PEM file."""
    try:
        pem = Path(path).read_bytes()
        key = serialization.load_pem_private_key(pem, password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise BadgeKeyError(f"can't read an unencrypted private key from {path}: {exc}") from None
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return BadgeKey(pem, "EdDSA")
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return BadgeKey(pem, "ES256")
    raise BadgeKeyError(f"{path} is neither an Ed25519 nor a P-256 key")


def make_demo_key(path: Path) -> Path:
    """Write a fresh Ed25519 key for demos and tests (never for production)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return path
