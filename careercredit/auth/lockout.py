"""Slow down password guessing without letting a stranger lock the owner out.

OWASP's "device cookie" scheme (Slow Down Online Guessing Attacks with
Device Cookies), on top of the per-address limit of the sign-in route:

- Only **failures** count, against ``LOGIN_RATE_LIMIT``. A browser without
  a device cookie for the name typed counts against the *name*, folded the
  way the directory compares it whatever the width or case (``sign_in_name``:
  ``jnunez`` typed in fullwidth letters is ``jnunez``), and, once the
  directory has found the entry, against the *person* (their immutable
  directory id), so another spelling of the same account lands in the same
  count. When either is full, such browsers are refused before the password
  is tried.
- A successful sign-in gives the browser a **device cookie** for that person:
  signed with the app's secret key, HttpOnly, ``Secure`` in production,
  ``SameSite=Strict``, sent only to ``/login``, renewed at every sign-in. A
  browser showing a valid one for the name typed is not held back by the
  name's or the person's count, only by its own: its failures count against
  the cookie alone. Ten wrong passwords from elsewhere therefore slow down
  the guesser but not the person at their own computer.

The counters live in the rate limiter's storage (``RATELIMIT_STORAGE_URI``):
shared by every worker with Redis, per process with ``memory://``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass, field

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse_many
from werkzeug.wrappers import Response

from careercredit.errors import TOO_MANY
from careercredit.extensions import limiter
from careercredit.refusals import Refused

COOKIE_PREFIX = "careercredit_device_"
SALT = "careercredit.device-cookie"
#: Where the counters are kept in the limiter's storage.
NAMESPACE = "signin-failures"


def sign_in_name(typed: str) -> str:
    """The name as the failure count knows it: NFKC-normalised, case-folded and stripped."""
    return unicodedata.normalize("NFKC", typed).casefold().strip()[:255]


class Locked(Refused):
    """Too many failed sign-ins for this name, person or device: wait and try again."""

    status = 429

    def __init__(self) -> None:
        super().__init__(TOO_MANY)


@dataclass(frozen=True)
class Device:
    """A valid device cookie: the person it was given to and its own random id."""

    directory_id: str
    nonce: str


@dataclass
class Attempt:
    """One sign-in attempt: the name typed and the device cookie shown for it, if any."""

    name: str
    device: Device | None = None
    #: The directory id of the entry the name found, once known.
    directory_id: str | None = field(default=None, init=False)

    @classmethod
    def from_request(cls, typed: str) -> Attempt:
        """The attempt of the current request, with its device cookie when valid for ``typed``."""
        name = sign_in_name(typed)
        return cls(name, _read_cookie(name))

    def check(self) -> None:
        """Refuse (``Locked``) before the directory is asked, when this browser's count is full."""
        if self.device is not None:
            _refuse_if_full("device", self.device.nonce)
        else:
            _refuse_if_full("name", self.name)

    def check_person(self, directory_id: str) -> None:
        """Refuse before the password is tried, when the person found is locked for this browser.

        A device cookie vouches only for the person it was given to: shown
        for a name that now finds someone else, it counts for nothing.
        """
        self.directory_id = directory_id
        if self.device is not None and self.device.directory_id != directory_id:
            self.device = None
            _refuse_if_full("name", self.name)
        if self.device is None:
            _refuse_if_full("person", directory_id)

    def failed(self) -> None:
        """Count a wrong password (or unknown name) against this browser's counts."""
        if self.device is not None:
            _count("device", self.device.nonce)
            return
        _count("name", self.name)
        if self.directory_id is not None:
            _count("person", self.directory_id)

    def remember_device(self, response: Response, directory_id: str) -> None:
        """Give the browser a fresh device cookie for the person who just signed in."""
        value = _serializer().dumps(
            {"name": self.name, "id": directory_id, "nonce": secrets.token_urlsafe(16)}
        )
        response.set_cookie(
            _cookie_name(self.name),
            value,
            max_age=_max_age(),
            path="/login",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Strict",
        )


def _read_cookie(name: str) -> Device | None:
    value = request.cookies.get(_cookie_name(name))
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=_max_age())
    except BadSignature:  # forged, altered, signed with an old key, or expired
        return None
    if not isinstance(data, dict) or data.get("name") != name:
        return None
    directory_id, nonce = data.get("id"), data.get("nonce")
    if not isinstance(directory_id, str) or not isinstance(nonce, str):
        return None
    return Device(directory_id, nonce)


def _cookie_name(name: str) -> str:
    """One cookie per person on a shared browser, named without showing whose it is."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    digest = hmac.new(key, f"{SALT}:{name}".encode(), hashlib.sha256).hexdigest()
    return COOKIE_PREFIX + digest[:20]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age() -> int:
    return int(current_app.config["DEVICE_COOKIE_DAYS"]) * 24 * 3600


def _limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["LOGIN_RATE_LIMIT"])


def _refuse_if_full(kind: str, key: str) -> None:
    if limiter.enabled and not all(
        limiter.limiter.test(item, NAMESPACE, kind, key) for item in _limits()
    ):
        raise Locked


def _count(kind: str, key: str) -> None:
    if limiter.enabled:
        for item in _limits():
            limiter.limiter.hit(item, NAMESPACE, kind, key)
