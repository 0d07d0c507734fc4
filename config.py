"""Configuration: one class per environment, values from environment variables.

Every setting is read from a ``CAREERCREDIT_*`` environment variable. The same
keys may also be written in a TOML file named by ``CAREERCREDIT_CONFIG``; the
environment wins over the file. The README documents every key and default.

Each setting is declared once, on ``Config``, as a ``Setting``: its parser and
default sit beside its name, and its type is the one the checker and the
code see. ``SETTINGS`` lists them all, for ``read_settings`` and the README's
test.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROLES = ("student", "advisor", "faculty", "registrar", "admin")
INSTANCE_DIR = Path(__file__).resolve().parent / "instance"

DEFAULT_USER_FILTER = "(&(objectClass=inetOrgPerson)(uid=%s))"
DEFAULT_GROUP_FILTER = "(&(objectClass=groupOfNames)(member=%s))"
DEFAULT_PEOPLE_SEARCH_FILTER = (
    "(&(objectClass=inetOrgPerson)(|(displayName=*%s*)(cn=*%s*)(uid=%s*)))"
)
DEFAULT_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'careercredit.db'}"
#: Where development links point when ``CAREERCREDIT_BASE_URL`` is not set.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
#: The shortest secret key production accepts: 32 random bytes are beyond guessing.
MIN_SECRET_KEY_BYTES = 32
#: Mail servers on this machine, where an unencrypted hand-over never crosses a network.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

T = TypeVar("T")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the app refuses to start."""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _lines(value: str) -> tuple[str, ...]:
    """Split an address written on one line with ";" (or on several lines)."""
    return tuple(line.strip() for line in value.replace(";", "\n").splitlines() if line.strip())


def _paths(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


#: The grade-roll layouts the registrar's export knows (careercredit/registrar/profiles.py).
SIS_PROFILES = ("generic", "banner", "peoplesoft", "colleague")


def _sis_profile(value: str) -> str:
    name = value.strip().lower()
    if name not in SIS_PROFILES:
        raise ValueError(f"one of {', '.join(SIS_PROFILES)}, not {name!r}")
    return name


#: The paper sizes an official record is printed on (careercredit/pdf/page.py).
RECORD_PAGE_SIZES = ("letter", "a4")
#: FERPA's re-disclosure notice (34 CFR 99.33), printed on every official record.
DEFAULT_REDISCLOSURE = (
    "This record is released under the Family Educational Rights and Privacy Act of 1974 "
    "(FERPA) on the condition that the information it contains is not disclosed to any "
    "other party without the written consent of the student (34 CFR 99.33)."
)


def _page_size(value: str) -> str:
    name = value.strip().lower()
    if name not in RECORD_PAGE_SIZES:
        raise ValueError(f"one of {', '.join(RECORD_PAGE_SIZES)}, not {name!r}")
    return name


def _time_zone(value: str) -> str:
    """An IANA time zone name the system knows (``America/Chicago``), kept as given."""
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as America/Chicago or UTC"
        ) from None
    return name


def _role_groups(value: str) -> dict[str, list[str]]:
    try:
        raw = json.loads(value) if value.strip() else {}
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(raw, dict):
        raise ValueError("expected a JSON object from role to group DN(s)")
    groups: dict[str, list[str]] = {}
    for role, dns in raw.items():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        dn_list = [dns] if isinstance(dns, str) else dns
        if not isinstance(dn_list, list) or not all(isinstance(d, str) for d in dn_list):
            raise ValueError(f"role {role!r} needs a group DN or a list of them")
        groups[role] = dn_list
    return groups


class Setting(Generic[T]):
    """A setting read from ``CAREERCREDIT_<env>``: parsed by ``parse``, else ``default``.

    Declared on ``Config`` as ``NAME = Setting(parse, default)``: the Flask
    config key is the attribute's name, and so is the variable's unless
    ``env`` names another. On an instance it is the value read at start-up.
    """

    def __init__(self, parse: Callable[[str], T], default: T, *, env: str | None = None) -> None:
        self.parse = parse
        self.default = default
        self.env = env or ""
        self.key = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name
        self.env = self.env or name

    @overload
    def __get__(self, config: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, config: object, owner: type) -> T: ...
    def __get__(self, config: object | None, owner: type) -> Setting[T] | T:
        if config is None:
            return self
        value: T = vars(config).get(self.key, self.default)
        return value

    def __set__(self, config: object, value: T) -> None:
        vars(config)[self.key] = value


class Declared(NamedTuple):
    """One row of ``SETTINGS``."""

    #: The environment variable's name after ``CAREERCREDIT_``.
    env: str
    #: The Flask config key.
    key: str
    parse: Callable[[str], Any]
    default: Any


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "production"
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "careercredit_session"
    #: The cookie is re-signed and sent only when the session changes (auth/session.py).
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # the session's own lifetime bounds the token
    RATELIMIT_HEADERS_ENABLED = True
    HSTS = True
    #: Flask-Compress: pages, style, CSV files, JSON and charts are sent compressed to
    #: browsers that ask; PDFs, ZIPs and images are compressed already and sent as they are.
    COMPRESS_MIMETYPES = ("text/html", "text/css", "text/csv", "application/json", "image/svg+xml")
    #: Show queued e-mail at /dev/outbox (never in production).
    DEV_OUTBOX = False
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    #: Set from ``SESSION_MAX_HOURS`` when the settings are read.
    PERMANENT_SESSION_LIFETIME: timedelta

    # -- read from the environment or the file ----------------------------------------
    SECRET_KEY = Setting(str, None)
    SQLALCHEMY_DATABASE_URI = Setting(str, DEFAULT_DATABASE_URI, env="DATABASE_URL")
    LDAP_URI = Setting(str, None)
    LDAP_STARTTLS = Setting(_bool, False)
    #: Production refuses a plain ``ldap://`` URI without StartTLS unless this says so.
    LDAP_ALLOW_PLAINTEXT = Setting(_bool, False)
    LDAP_CA_CERTFILE = Setting(str, None)
    LDAP_BIND_DN = Setting(str, None)
    LDAP_BIND_PASSWORD = Setting(str, None)
    LDAP_USER_BASE = Setting(str, "")
    LDAP_USER_FILTER = Setting(str, DEFAULT_USER_FILTER)
    LDAP_GROUP_BASE = Setting(str, "")
    LDAP_GROUP_FILTER = Setting(str, DEFAULT_GROUP_FILTER)
    LDAP_ROLE_GROUPS = Setting[dict[str, list[str]]](_role_groups, {})
    LDAP_ID_ATTRIBUTE = Setting(str, "entryUUID")
    LDAP_STUDENT_ID_ATTRIBUTE = Setting(str, "employeeNumber")
    #: The attribute naming a person's department: a sponsor's picks the plan's course.
    LDAP_DEPARTMENT_ATTRIBUTE = Setting(str, "departmentNumber")
    LDAP_PEOPLE_SEARCH_FILTER = Setting(str, DEFAULT_PEOPLE_SEARCH_FILTER)
    LDAP_TIMEOUT = Setting(float, 5.0)
    ROLE_RECHECK_SECONDS = Setting(int, 900)
    SESSION_IDLE_MINUTES = Setting(int, 30)
    SESSION_MAX_HOURS = Setting(int, 12)
    RATELIMIT_STORAGE_URI = Setting(str, "memory://")
    LOGIN_RATE_LIMIT = Setting(str, "10 per minute")
    #: How long a browser's device cookie (see ``auth/lockout.py``) vouches for it.
    DEVICE_COOKIE_DAYS = Setting(int, 90)
    HEALTHZ_RATE_LIMIT = Setting(str, "60 per minute")
    TRUSTED_PROXIES = Setting(int, 0)
    #: Required in production; development falls back to ``DEVELOPMENT_BASE_URL``.
    BASE_URL = Setting[str | None](str, None)
    SUPERVISOR_LINK_DAYS = Setting(int, 14)
    SUPERVISOR_LINK_RATE_LIMIT = Setting(str, "20 per minute")
    REMINDER_AFTER_DAYS = Setting(int, 7)
    UPLOAD_DIR = Setting(str, str(INSTANCE_DIR / "uploads"))
    UPLOAD_MAX_MB = Setting(int, 20)
    SMTP_HOST = Setting(str, "localhost")
    SMTP_PORT = Setting(int, 25)
    SMTP_USERNAME = Setting(str, None)
    SMTP_PASSWORD = Setting(str, None)
    SMTP_STARTTLS = Setting(_bool, False)
    SMTP_SSL = Setting(_bool, False)
    SMTP_FROM = Setting(str, "careercredit@localhost")
    SMTP_TIMEOUT = Setting(float, 10.0)
    INSTITUTION_NAME = Setting(str, "CareerCredit Demo University")
    INSTITUTION_ADDRESS = Setting[tuple[str, ...]](_lines, ("Office of the Registrar",))
    INSTITUTION_LOGO = Setting(str, None)
    #: The institution's IANA time zone: what "today" is, and how stored UTC times are shown.
    TIMEZONE = Setting(_time_zone, "UTC")
    SIGNING_CERT = Setting(str, None)
    SIGNING_KEY = Setting(str, None)
    SIGNING_KEY_PASSWORD = Setting(str, None)
    SIGNING_CHAIN = Setting[tuple[str, ...]](_paths, ())
    #: An RFC 3161 time-stamping authority: records are then signed PAdES B-LTA.
    SIGNING_TSA_URL = Setting(str, None)
    SIGNING_TSA_USERNAME = Setting(str, None)
    SIGNING_TSA_PASSWORD = Setting(str, None)
    #: The CA certificate(s) the TSA's certificate chains to, if not in SIGNING_CHAIN.
    SIGNING_TSA_CHAIN = Setting[tuple[str, ...]](_paths, ())
    #: PEM file of the Ed25519 or P-256 key that signs digital credentials (Open Badges 3.0);
    #: unset, none are issued.
    BADGE_KEY = Setting(str, None)
    VERIFY_RATE_LIMIT = Setting(str, "30 per minute")
    #: The job engine's queue: unset, a SQLite file in the instance folder; or redis://...
    JOBS_URL = Setting(str, None)
    #: How often each worker says it is alive, and after how long without a word its
    #: records are queued again for another worker.
    JOBS_HEARTBEAT_SECONDS = Setting(int, 15)
    JOBS_WORKER_LOST_SECONDS = Setting(int, 60)
    #: The paper an official record is laid out on: US Letter (the US norm) or A4.
    RECORD_PAGE_SIZE = Setting(_page_size, "letter")
    #: The notice printed on every official record about passing it on.
    RECORD_REDISCLOSURE = Setting(str, DEFAULT_REDISCLOSURE)
    #: Whether page 1 of an official record carries a visible certification stamp.
    RECORD_STAMP = Setting(_bool, False)
    #: Whether an official record prints a summary of the supervisors' feedback.
    RECORD_FEEDBACK = Setting(_bool, True)
    #: The layout of the grade roll the SIS imports.
    SIS_PROFILE = Setting(_sis_profile, "generic")

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        for key, value in read_settings(environ).items():
            setattr(self, key, value)
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=self.SESSION_MAX_HOURS)

    def as_dict(self) -> dict[str, Any]:
        """Return the upper-case settings as a plain dict for ``app.config``."""
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}

    def check(self) -> None:
        """Refuse settings that would run an unsafe production service.

        Each refusal names the variable to change; ``wsgi.py`` prints it
        without a traceback.
        """
        missing = [
            name
            for name, value in (
                ("CAREERCREDIT_SECRET_KEY", self.SECRET_KEY),
                ("CAREERCREDIT_LDAP_URI", self.LDAP_URI),
                ("CAREERCREDIT_BASE_URL", self.BASE_URL),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"production needs {' and '.join(missing)} to be set")
        self.check_secret_key()
        self.check_ldap_transport()
        self.check_base_url()
        self.check_signing()
        self.check_badge_key()
        self.check_time_zone()
        self.check_jobs_url()

    def check_jobs_url(self) -> None:
        """A queue the job engine cannot open would only fail at the first export."""
        schemes = ("sqlite:///", "redis://", "rediss://", "unix://", "memory://")
        if self.JOBS_URL and not str(self.JOBS_URL).startswith(schemes):
            raise ConfigError(
                "CAREERCREDIT_JOBS_URL must be sqlite:///path/jobs.db or redis://host:6379/0, "
                f"not {self.JOBS_URL!r}"
            )

    def check_secret_key(self) -> None:
        """A secret key short enough to guess would let anyone forge sessions and links."""
        if len(str(self.SECRET_KEY).encode("utf-8")) < MIN_SECRET_KEY_BYTES:
            raise ConfigError(
                f"CAREERCREDIT_SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes long; "
                'make one with: python3 -c "import secrets; print(secrets.token_hex(32))"'
            )

    def check_ldap_transport(self) -> None:
        """Passwords cross the network at every sign-in: plain ``ldap://`` only on purpose."""
        plain = [uri for uri in str(self.LDAP_URI).split() if uri.lower().startswith("ldap://")]
        if plain and not self.LDAP_STARTTLS and not self.LDAP_ALLOW_PLAINTEXT:
            raise ConfigError(
                f"CAREERCREDIT_LDAP_URI {plain[0]} would send passwords unencrypted: "
                "use ldaps://, set CAREERCREDIT_LDAP_STARTTLS=true, or set "
                "CAREERCREDIT_LDAP_ALLOW_PLAINTEXT=true if the network is private on purpose"
            )

    def check_base_url(self) -> None:
        """The base URL is printed on every official record and e-mailed link, for ever."""
        if not str(self.BASE_URL).lower().startswith("https://"):
            raise ConfigError(
                f"CAREERCREDIT_BASE_URL must start with https:// (it is {self.BASE_URL!r}); "
                "it is printed on every official record and in every e-mailed link"
            )

    def warnings(self) -> list[str]:
        """Settings that work but are risky in production; logged at start-up."""
        found = []
        if self.RATELIMIT_STORAGE_URI.startswith("memory://"):
            found.append(
                "CAREERCREDIT_RATELIMIT_STORAGE_URI is memory://: every worker process counts "
                "sign-in attempts on its own; use redis://host:6379 with several workers"
            )
        local = self.SMTP_HOST.strip().lower() in LOCAL_HOSTS
        if not local and not (self.SMTP_STARTTLS or self.SMTP_SSL):
            found.append(
                f"CAREERCREDIT_SMTP_HOST {self.SMTP_HOST} is not this machine and neither "
                "CAREERCREDIT_SMTP_STARTTLS nor CAREERCREDIT_SMTP_SSL is set: "
                "e-mail (and its links) cross the network unencrypted"
            )
        return found

    def check_time_zone(self) -> None:
        """A zone set in code (not read from the environment) is checked like one that was."""
        try:
            _time_zone(str(self.TIMEZONE))
        except ValueError as exc:
            raise ConfigError(f"CAREERCREDIT_TIMEZONE: {exc}") from None

    def check_badge_key(self) -> None:
        """A badge key that can't sign would fail the posting of credit, not the start-up."""
        if not self.BADGE_KEY:
            return
        from careercredit.badges.keys import BadgeKeyError, read_key

        try:
            read_key(str(self.BADGE_KEY))
        except BadgeKeyError as exc:
            raise ConfigError(f"CAREERCREDIT_BADGE_KEY: {exc}") from None

    def check_signing(self) -> None:
        """A signing certificate needs its key, and the other way round; a TSA needs both."""
        if bool(self.SIGNING_CERT) != bool(self.SIGNING_KEY):
            raise ConfigError(
                "CAREERCREDIT_SIGNING_CERT and CAREERCREDIT_SIGNING_KEY must be set together"
            )
        if self.SIGNING_TSA_URL and not self.SIGNING_CERT:
            raise ConfigError(
                "CAREERCREDIT_SIGNING_TSA_URL time-stamps signatures: set "
                "CAREERCREDIT_SIGNING_CERT and CAREERCREDIT_SIGNING_KEY too"
            )
        if self.SIGNING_TSA_URL and not (self.SIGNING_CHAIN or self.SIGNING_TSA_CHAIN):
            raise ConfigError(
                "CAREERCREDIT_SIGNING_TSA_URL needs the root CA certificates to fetch revocation "
                "data against: list them in CAREERCREDIT_SIGNING_CHAIN (and the time-stamping "
                "authority's in CAREERCREDIT_SIGNING_TSA_CHAIN)"
            )
        if self.SIGNING_TSA_PASSWORD and not self.SIGNING_TSA_USERNAME:
            raise ConfigError(
                "CAREERCREDIT_SIGNING_TSA_PASSWORD needs CAREERCREDIT_SIGNING_TSA_USERNAME"
            )


#: Every setting read from the environment, in declaration order.
SETTINGS: tuple[Declared, ...] = tuple(
    Declared(setting.env, setting.key, setting.parse, setting.default)
    for setting in vars(Config).values()
    if isinstance(setting, Setting)
)


def read_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return Flask config values from the environment and the optional TOML file."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    config_file = environ.get("CAREERCREDIT_CONFIG")
    if config_file:
        try:
            with open(config_file, "rb") as fh:
                raw.update(_file_values(tomllib.load(fh)))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"CAREERCREDIT_CONFIG {config_file}: {exc}") from None
    raw.update({k: v for k, v in environ.items() if k.startswith("CAREERCREDIT_")})

    values: dict[str, Any] = {}
    for env, key, parse, default in SETTINGS:
        name = f"CAREERCREDIT_{env}"
        if name not in raw or raw[name] == "":
            values[key] = default
            continue
        try:
            values[key] = parse(raw[name])
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}") from None
    return values


def _file_values(data: dict[str, Any]) -> dict[str, str]:
    """Turn a TOML document's values into the strings an environment would hold."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            flat[key] = "true" if value else "false"
        elif isinstance(value, dict | list):
            flat[key] = json.dumps(value)
        else:
            flat[key] = str(value)
    return flat


class ProductionConfig(Config):
    """Strict: secure cookies, HSTS, a real secret and directory are required."""


class DevelopmentConfig(Config):
    """A laptop: plain-HTTP cookies, no HSTS, missing settings tolerated."""

    ENV_NAME = "development"
    DEV_OUTBOX = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    HSTS = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        if not self.BASE_URL:
            self.BASE_URL = DEVELOPMENT_BASE_URL

    def check(self) -> None:
        if not self.SECRET_KEY:
            raise ConfigError("CAREERCREDIT_SECRET_KEY must be set (make run generates one)")
        self.check_signing()
        self.check_time_zone()
        self.check_jobs_url()

    def warnings(self) -> list[str]:
        return []  # one process on a laptop: memory:// and a local mail catcher are right


class TestingConfig(DevelopmentConfig):
    """The test suite: like development, plus Flask's testing mode."""

    ENV_NAME = "testing"
    TESTING = True

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        if not self.JOBS_URL:
            # Jobs queue in memory, run only by the tests that run them (tests/jobs/).
            self.JOBS_URL = "memory://"


ENVIRONMENTS: dict[str, type[Config]] = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Pick the class named by ``CAREERCREDIT_ENV`` (default production) and load it."""
    environ = os.environ if environ is None else environ
    name = environ.get("CAREERCREDIT_ENV", "production").strip().lower() or "production"
    if name not in ENVIRONMENTS:
        raise ConfigError(
            f"CAREERCREDIT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}"
        )
    return ENVIRONMENTS[name](environ)
