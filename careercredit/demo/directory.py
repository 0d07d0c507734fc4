"""A throwaway OpenLDAP server seeded from an LDIF file of a campus.

Built on python-ldap's ``slapdtest``: it writes a cn=config for a temporary
directory, starts a real ``slapd`` on a free local port and stops it on exit.
The demo (``make run``) and the test suite both use it.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import tempfile
from pathlib import Path

import ldap
from slapdtest import SlapdObject

SUFFIX = "dc=university,dc=example"
SERVICE_DN = f"cn=careercredit,ou=services,{SUFFIX}"


def app_settings(uri: str, service_password: str, role_groups: dict[str, str]) -> dict[str, str]:
    """The app's LDAP settings (environment variables) for a directory under ``SUFFIX``."""
    return {
        "CAREERCREDIT_LDAP_URI": uri,
        "CAREERCREDIT_LDAP_BIND_DN": SERVICE_DN,
        "CAREERCREDIT_LDAP_BIND_PASSWORD": service_password,
        "CAREERCREDIT_LDAP_USER_BASE": f"ou=people,{SUFFIX}",
        "CAREERCREDIT_LDAP_GROUP_BASE": f"ou=groups,{SUFFIX}",
        "CAREERCREDIT_LDAP_ROLE_GROUPS": json.dumps(role_groups),
    }


#: slapdtest's configuration plus access rules: the service account reads
#: the directory, people read themselves, passwords are only for binding.
CONFIG_TEMPLATE = r"""dn: cn=config
objectClass: olcGlobal
cn: config
olcServerID: %(serverid)s
olcLogLevel: %(loglevel)s
olcAllows: %(allows)s
olcAuthzRegexp: {0}"gidnumber=%(root_gid)s\+uidnumber=%(root_uid)s,cn=peercred,
 cn=external,cn=auth" "%(rootdn)s"
olcTLSCACertificateFile: %(cafile)s
olcTLSCertificateFile: %(servercert)s
olcTLSCertificateKeyFile: %(serverkey)s
olcTLSVerifyClient: never

dn: cn=module,cn=config
objectClass: olcModuleList
cn: module
olcModuleLoad: back_%(database)s

dn: olcDatabase=%(database)s,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: %(database)s
olcSuffix: %(suffix)s
olcRootDN: %(rootdn)s
olcRootPW: %(rootpw)s
olcDbDirectory: %(directory)s
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by dn.exact="%(service_dn)s" read by self read by * none
%(extra)s"""

#: ``CampusDirectory(size_limit=n)``: the server answers at most ``n`` entries a search.
SIZE_LIMIT = "olcSizeLimit: %d\n"

#: ``CampusDirectory(monitor=True)``: slapd's own counters under cn=Monitor, readable by anyone.
MONITOR = """
dn: olcDatabase=monitor,cn=config
objectClass: olcDatabaseConfig
olcDatabase: monitor
olcAccess: {0}to * by * read
"""


class CampusDirectory(SlapdObject):
    """A real slapd holding one campus, on 127.0.0.1 and a free port."""

    slapd_conf_template = CONFIG_TEMPLATE
    suffix = SUFFIX
    root_cn = "root"
    slapd_loglevel = "0"
    openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")
    TMPDIR = tempfile.gettempdir()

    def __init__(
        self,
        ldif: str | Path,
        *,
        allow_unauthenticated_bind: bool = False,
        size_limit: int | None = None,
        monitor: bool = False,
    ) -> None:
        super().__init__()
        self.root_pw = secrets.token_urlsafe(16)
        self.ldif = Path(ldif).read_text(encoding="utf-8")
        self.allow_unauthenticated_bind = allow_unauthenticated_bind
        self.size_limit = size_limit
        self.monitor = monitor

    def gen_config(self) -> str:
        allows = "bind_v2 bind_anon_dn" if self.allow_unauthenticated_bind else "bind_v2"
        extra = SIZE_LIMIT % self.size_limit if self.size_limit is not None else ""
        extra += MONITOR if self.monitor else ""
        return self.slapd_conf_template % {
            "serverid": hex(self.server_id),
            "loglevel": self.slapd_loglevel,
            "allows": allows,
            "database": self.database,
            "directory": self._db_directory,
            "suffix": self.suffix,
            "rootdn": self.root_dn,
            "rootpw": self.root_pw,
            "root_uid": os.getuid(),
            "root_gid": os.getgid(),
            "cafile": self.cafile,
            "servercert": self.servercert,
            "serverkey": self.serverkey,
            "service_dn": SERVICE_DN,
            "extra": extra,
        }

    def _write_config(self) -> None:
        # The access rules name DNs with dc=..., which slapadd can only parse
        # once the schemas are in: load global settings, schemas, database.
        settings, database = self.gen_config().split("\n\ndn: olcDatabase", 1)
        self.slapadd(settings, ["-n0"])
        for schema in self.openldap_schema_files:
            self.slapadd(None, ["-n0", "-l", os.path.join(self.SCHEMADIR, schema)])
        self.slapadd("dn: olcDatabase" + database, ["-n0"])

    def start(self) -> None:
        """Start slapd and load the campus."""
        fresh = self._proc is None
        super().start()
        if fresh:
            self.ldapadd(self.ldif)

    def binds(self) -> int:
        """How many binds the server has answered so far (needs ``monitor=True``).

        Read without binding, so reading does not change the count.
        """
        conn = ldap.initialize(self.ldap_uri)
        try:
            found = conn.search_s(
                "cn=Bind,cn=Operations,cn=Monitor", ldap.SCOPE_BASE, attrlist=["monitorOpCompleted"]
            )
        finally:
            conn.unbind_s()
        return int(found[0][1]["monitorOpCompleted"][0])

    def pause(self) -> None:
        """Freeze the server: connections open but nothing answers (a hung directory)."""
        os.kill(self._proc.pid, signal.SIGSTOP)

    def unpause(self) -> None:
        """Let a paused server answer again."""
        os.kill(self._proc.pid, signal.SIGCONT)
