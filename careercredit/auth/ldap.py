"""The campus directory client: search-then-bind sign-in and role look-ups.

Every operation opens its own connection with the options set on it (never
globally), binds the read-only service account, does its work and unbinds.
Nothing here is kept between requests, so any number of workers can share a
directory.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import ldap
import ldap.dn
import ldap.filter

log = logging.getLogger(__name__)

#: Every ``%s`` is replaced by the typed text, escaped.
DEFAULT_PEOPLE_SEARCH_FILTER = (
    "(&(objectClass=inetOrgPerson)(|(displayName=*%s*)(cn=*%s*)(uid=%s*)))"
)


class DirectoryUnavailable(Exception):
    """The directory is down, slow, refuses TLS or rejects the service account."""


class InvalidCredentials(Exception):
    """Unknown user, ambiguous user or wrong password: all look the same.

    ``directory_id`` is the entry whose password was wrong (``None`` when no
    single entry was found), for counting failures per person.
    """

    def __init__(self, directory_id: str | None = None) -> None:
        super().__init__()
        self.directory_id = directory_id


@dataclass(frozen=True)
class DirectoryPerson:
    """What the directory says about one person."""

    directory_id: str
    dn: str
    uid: str
    display_name: str
    email: str | None
    #: Normalised DNs of the groups the person belongs to.
    groups: frozenset[str]
    #: The student's id in the student information system, if the entry has one.
    student_number: str | None = None
    #: The department the entry names (``CAREERCREDIT_LDAP_DEPARTMENT_ATTRIBUTE``), if any.
    department: str | None = None


@dataclass(frozen=True)
class DirectorySettings:
    """How to reach and read the directory."""

    uri: str
    bind_dn: str | None = None
    bind_password: str | None = None
    starttls: bool = False
    ca_certfile: str | None = None
    user_base: str = ""
    user_filter: str = "(&(objectClass=inetOrgPerson)(uid=%s))"
    group_base: str = ""
    group_filter: str = "(&(objectClass=groupOfNames)(member=%s))"
    id_attribute: str = "entryUUID"
    timeout: float = 5.0
    people_search_filter: str = DEFAULT_PEOPLE_SEARCH_FILTER
    student_number_attribute: str = "employeeNumber"
    department_attribute: str = "departmentNumber"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DirectorySettings:
        """Build settings from the ``LDAP_*`` keys of a Flask config."""
        return cls(
            uri=config["LDAP_URI"],
            bind_dn=config.get("LDAP_BIND_DN"),
            bind_password=config.get("LDAP_BIND_PASSWORD"),
            starttls=bool(config.get("LDAP_STARTTLS")),
            ca_certfile=config.get("LDAP_CA_CERTFILE"),
            user_base=config.get("LDAP_USER_BASE", ""),
            user_filter=config["LDAP_USER_FILTER"],
            group_base=config.get("LDAP_GROUP_BASE", ""),
            group_filter=config["LDAP_GROUP_FILTER"],
            id_attribute=config.get("LDAP_ID_ATTRIBUTE", "entryUUID"),
            timeout=float(config.get("LDAP_TIMEOUT", 5.0)),
            people_search_filter=config.get(
                "LDAP_PEOPLE_SEARCH_FILTER", DEFAULT_PEOPLE_SEARCH_FILTER
            ),
            student_number_attribute=config.get("LDAP_STUDENT_ID_ATTRIBUTE", "employeeNumber"),
            department_attribute=config.get("LDAP_DEPARTMENT_ATTRIBUTE", "departmentNumber"),
        )


def normalize_dn(dn: str) -> str:
    """Return ``dn`` with attribute names and values lower-cased and spacing removed."""
    try:
        rdns = ldap.dn.str2dn(dn.strip())
    except ldap.DECODING_ERROR:
        return dn.strip().lower()
    return ldap.dn.dn2str(
        [
            sorted((attr.lower(), value.strip().lower(), flags) for attr, value, flags in rdn)
            for rdn in rdns
        ]
    )


def normalize_username(username: str) -> str:
    """Return the sign-in name as the directory compares it: stripped, lower-cased."""
    return username.strip().lower()


def _first(entry: Mapping[str, list[bytes]], attr: str) -> bytes | None:
    for name, values in entry.items():
        if name.lower() == attr.lower() and values:
            return values[0]
    return None


def _text(value: bytes | None) -> str | None:
    return value.decode("utf-8") if value is not None else None


class Directory:
    """Talk to the campus directory with the settings given."""

    def __init__(self, settings: DirectorySettings) -> None:
        self.settings = settings

    # -- connections ---------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[ldap.ldapobject.LDAPObject]:
        """Open a connection bound as the service account."""
        s = self.settings
        try:
            conn = ldap.initialize(s.uri)
        except ldap.LDAPError as exc:
            raise DirectoryUnavailable(f"bad directory address: {exc}") from None
        conn.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
        conn.set_option(ldap.OPT_REFERRALS, 0)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, s.timeout)
        conn.set_option(ldap.OPT_TIMEOUT, s.timeout)
        conn.timeout = s.timeout
        if s.ca_certfile:
            conn.set_option(ldap.OPT_X_TLS_CACERTFILE, s.ca_certfile)
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)  # must come after the TLS options
        try:
            if s.starttls:
                conn.start_tls_s()
            self._bind_service(conn)
            yield conn
        except ldap.LDAPError as exc:
            # Down, slow, TLS refused, busy: all mean "cannot be used right now".
            log.warning("campus directory unavailable: %s", _describe(exc))
            raise DirectoryUnavailable(_describe(exc)) from None
        finally:
            with suppress(ldap.LDAPError):
                conn.unbind_s()

    def _bind_service(self, conn: ldap.ldapobject.LDAPObject) -> None:
        s = self.settings
        try:
            conn.simple_bind_s(s.bind_dn or "", s.bind_password or "")
        except ldap.INVALID_CREDENTIALS:
            log.error("the directory rejected the service account %s", s.bind_dn)
            raise DirectoryUnavailable("service account rejected") from None

    def ping(self) -> None:
        """Bind the service account once; raise ``DirectoryUnavailable`` if that fails."""
        with self._connection() as conn:
            conn.whoami_s()

    # -- people --------------------------------------------------------------

    def authenticate(
        self,
        username: str,
        password: str,
        *,
        before_bind: Callable[[str], None] | None = None,
    ) -> DirectoryPerson:
        """Check a username and password; return the person or raise ``InvalidCredentials``.

        ``before_bind`` is called with the directory id of the entry found,
        before its password is tried; whatever it raises stops the attempt.
        """
        username = normalize_username(username)
        if not username or not password:
            # An empty password would be an "unauthenticated bind" that many
            # directories accept as anonymous: refuse before any bind.
            raise InvalidCredentials
        with self._connection() as conn:
            found = self._exactly_one(conn, self.settings.user_filter, [username])
            if len(found) != 1:
                if len(found) > 1:
                    log.warning("sign-in refused: more than one directory entry matches")
                raise InvalidCredentials
            dn, entry = found[0]
            person = self._person(conn, dn, entry)
            if before_bind is not None:
                before_bind(person.directory_id)
            try:
                conn.simple_bind_s(dn, password)
            except (ldap.INVALID_CREDENTIALS, ldap.INAPPROPRIATE_AUTH):
                raise InvalidCredentials(person.directory_id) from None
            return person

    def find_by_username(self, username: str) -> DirectoryPerson | None:
        """Look a person up by sign-in name without their password (service account)."""
        username = normalize_username(username)
        if not username:
            return None
        with self._connection() as conn:
            found = self._exactly_one(conn, self.settings.user_filter, [username])
            return self._person(conn, *found[0]) if len(found) == 1 else None

    def search_people(self, text: str, limit: int = 10) -> list[DirectoryPerson]:
        """People whose name or username matches ``text``, at most ``limit`` of them.

        The server is asked for ``limit`` entries only; when it stops early
        (its own size limit, or ours), the entries that arrived are kept.
        """
        text = " ".join(text.split())[:100]
        if len(text) < 2:
            return []
        template = self.settings.people_search_filter
        with self._connection() as conn:
            values = [text] * template.count("%s")
            found = self._search_people(conn, template, values, sizelimit=limit)
            return [self._person(conn, dn, entry) for dn, entry in found[:limit]]

    def find_by_id(self, directory_id: str) -> DirectoryPerson | None:
        """Look a person up by the immutable id; ``None`` when gone from the directory."""
        id_filter = f"({self.settings.id_attribute}={self._escaped_id(directory_id)})"
        with self._connection() as conn:
            found = self._exactly_one(conn, id_filter, [])
            if len(found) != 1:
                return None
            dn, entry = found[0]
            return self._person(conn, dn, entry)

    def _escaped_id(self, directory_id: str) -> str:
        if self.settings.id_attribute.lower() == "objectguid":
            raw = uuid.UUID(directory_id).bytes_le
            return "".join(f"\\{byte:02x}" for byte in raw)
        return ldap.filter.escape_filter_chars(directory_id)

    def _exactly_one(
        self, conn: ldap.ldapobject.LDAPObject, template: str, values: list[str]
    ) -> list[tuple[str, dict[str, list[bytes]]]]:
        """Entries of a look-up that must find one person: two are enough to refuse it."""
        return self._search_people(conn, template, values, sizelimit=2)

    def _search_people(
        self,
        conn: ldap.ldapobject.LDAPObject,
        template: str,
        values: list[str],
        *,
        sizelimit: int = 0,
    ) -> list[tuple[str, dict[str, list[bytes]]]]:
        """Entries matching the filter; with ``sizelimit``, the first that many that arrive."""
        query = ldap.filter.filter_format(template, values) if values else template
        attrs = [
            self.settings.id_attribute,
            self.settings.student_number_attribute,
            self.settings.department_attribute,
            "uid",
            "sAMAccountName",
            "displayName",
            "cn",
            "mail",
        ]
        results: list[tuple[str | None, dict[str, list[bytes]]]] = []
        try:
            msgid = conn.search_ext(
                self.settings.user_base, ldap.SCOPE_SUBTREE, query, attrs, sizelimit=sizelimit
            )
            _collect(conn, msgid, results)
        except ldap.NO_SUCH_OBJECT:
            return []
        except ldap.SIZELIMIT_EXCEEDED:
            # The server's limit (or ours) was reached: what arrived is a fair answer.
            log.info("directory search stopped at its size limit after %d entries", len(results))
        except ldap.FILTER_ERROR:
            log.error("the configured user filter is not a valid LDAP filter")
            raise DirectoryUnavailable("bad user filter") from None
        return [(dn, entry) for dn, entry in results if dn is not None]

    def _person(
        self, conn: ldap.ldapobject.LDAPObject, dn: str, entry: dict[str, list[bytes]]
    ) -> DirectoryPerson:
        raw_id = _first(entry, self.settings.id_attribute)
        if raw_id is None:
            log.error("directory entry has no %s attribute", self.settings.id_attribute)
            raise DirectoryUnavailable("entry without an immutable id")
        if self.settings.id_attribute.lower() == "objectguid":
            directory_id = str(uuid.UUID(bytes_le=raw_id))
        else:
            directory_id = raw_id.decode("utf-8").lower()
        uid = _text(_first(entry, "uid")) or _text(_first(entry, "sAMAccountName")) or ""
        display = _text(_first(entry, "displayName")) or _text(_first(entry, "cn")) or uid
        return DirectoryPerson(
            directory_id=directory_id,
            dn=dn,
            uid=normalize_username(uid),
            display_name=display,
            email=_text(_first(entry, "mail")),
            groups=frozenset(self._groups(conn, dn)),
            student_number=_text(_first(entry, self.settings.student_number_attribute)),
            department=_text(_first(entry, self.settings.department_attribute)),
        )

    def _groups(self, conn: ldap.ldapobject.LDAPObject, dn: str) -> Iterable[str]:
        query = ldap.filter.filter_format(self.settings.group_filter, [dn])
        try:
            results = conn.search_s(self.settings.group_base, ldap.SCOPE_SUBTREE, query, ["1.1"])
        except ldap.NO_SUCH_OBJECT:
            return []
        return [normalize_dn(group_dn) for group_dn, _ in results if group_dn is not None]


def _collect(
    conn: ldap.ldapobject.LDAPObject,
    msgid: int,
    into: list[tuple[str | None, dict[str, list[bytes]]]],
) -> None:
    """Append a search's entries to ``into`` as they arrive (kept if the search then fails)."""
    while True:
        kind, data, _, _ = conn.result3(msgid, all=0)
        if kind == ldap.RES_SEARCH_RESULT:
            return
        into.extend(data or [])


def roles_for(groups: Iterable[str], role_groups: Mapping[str, str | list[str]]) -> set[str]:
    """Map group DNs to role names with the configured table (one DN or a list per role)."""
    held = {normalize_dn(g) for g in groups}
    return {
        role
        for role, dns in role_groups.items()
        if any(normalize_dn(dn) in held for dn in ([dns] if isinstance(dns, str) else dns))
    }


def _describe(exc: ldap.LDAPError) -> str:
    info = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    return str(info.get("desc") or exc.__class__.__name__) + (
        f" ({info['info']})" if info.get("info") else ""
    )
