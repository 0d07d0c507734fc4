"""The served app's settings for the load tests: the test run's database, a private campus."""

from __future__ import annotations

import json

import pytest

from careercredit.demo.directory import SERVICE_DN, SUFFIX, CampusDirectory
from tests.conftest import ROLE_GROUPS, SERVICE_PASSWORD
from tests.load.hours import app_settings


@pytest.fixture
def settings(database_url: str, private_campus: CampusDirectory) -> dict[str, str]:
    """The CAREERCREDIT_* environment of an app on this test's database and directory."""
    return app_settings(
        database_url,
        {
            "CAREERCREDIT_LDAP_URI": private_campus.ldap_uri,
            "CAREERCREDIT_LDAP_BIND_DN": SERVICE_DN,
            "CAREERCREDIT_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "CAREERCREDIT_LDAP_USER_BASE": SUFFIX,
            "CAREERCREDIT_LDAP_GROUP_BASE": f"ou=groups,{SUFFIX}",
            "CAREERCREDIT_LDAP_ROLE_GROUPS": json.dumps(ROLE_GROUPS),
        },
    )
