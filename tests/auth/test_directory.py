"""What people see when the campus directory is down, slow, untrusted or misconfigured."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import ldap
import pytest
from flask import Flask

from careercredit.auth.ldap import (
    Directory,
    DirectorySettings,
    InvalidCredentials,
    normalize_dn,
    roles_for,
)
from careercredit.demo.directory import SERVICE_DN, SUFFIX, CampusDirectory
from tests.conftest import DATA, PASSWORD, SERVICE_PASSWORD, login

UNAVAILABLE = "The campus directory is unavailable, please try again shortly."


def _settings(campus: CampusDirectory, **overrides) -> DirectorySettings:
    values = {
        "uri": campus.ldap_uri,
        "bind_dn": SERVICE_DN,
        "bind_password": SERVICE_PASSWORD,
        "user_base": SUFFIX,
        "group_base": f"ou=groups,{SUFFIX}",
        "timeout": 2.0,
    }
    values.update(overrides)
    return DirectorySettings(**values)


def test_empty_password_is_refused_before_any_bind(campus: CampusDirectory) -> None:
    # The test directory accepts an unauthenticated bind (DN, empty password)...
    conn = ldap.initialize(campus.ldap_uri)
    conn.simple_bind_s(f"uid=alice,ou=people,{SUFFIX}", "")
    assert conn.whoami_s() == ""  # ...as anonymous, which a naive check takes for success.
    conn.unbind_s()
    directory = Directory(_settings(campus))
    with pytest.raises(InvalidCredentials):
        directory.authenticate("alice", "")
    assert directory.authenticate("alice", PASSWORD).uid == "alice"


def test_directory_down_is_a_503(
    make_app: Callable[..., Flask], private_campus: CampusDirectory
) -> None:
    app = make_app(private_campus)
    private_campus.stop()
    response = login(app.test_client(), "alice")
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)


def test_hanging_directory_answers_503_within_the_timeout(
    make_app: Callable[..., Flask], private_campus: CampusDirectory
) -> None:
    timeout = 2.0
    app = make_app(private_campus, LDAP_TIMEOUT=timeout)
    client = app.test_client()
    private_campus.pause()
    try:
        started = time.monotonic()
        response = login(client, "alice")
        elapsed = time.monotonic() - started
    finally:
        private_campus.unpause()
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)
    # Not a speed measurement: the bound proves no worker hangs on a stuck directory.
    assert elapsed < timeout + 1


def test_starttls_with_the_campus_ca_signs_in(
    make_app: Callable[..., Flask], campus: CampusDirectory
) -> None:
    app = make_app(LDAP_STARTTLS=True, LDAP_CA_CERTFILE=campus.cafile)
    assert login(app.test_client(), "alice").status_code == 302


def test_starttls_with_a_wrong_ca_is_a_503(make_app: Callable[..., Flask]) -> None:
    app = make_app(LDAP_STARTTLS=True, LDAP_CA_CERTFILE=str(DATA / "other-ca.pem"))
    response = login(app.test_client(), "alice")
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)


def test_rejected_service_account_is_a_503_and_logged(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(LDAP_BIND_PASSWORD="not the service secret")
    with caplog.at_level(logging.ERROR, logger="careercredit.auth.ldap"):
        response = login(app.test_client(), "alice")
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)
    assert "rejected the service account" in caplog.text
    assert "not the service secret" not in caplog.text


def test_bad_directory_address_is_a_503(make_app: Callable[..., Flask]) -> None:
    app = make_app(LDAP_URI="ldap://127.0.0.1:1/")
    assert login(app.test_client(), "alice").status_code == 503


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        (
            "CN=Career-Advisors, OU=Groups,DC=University , DC=Example",
            "cn=career-advisors,ou=groups,dc=university,dc=example",
        ),
        (
            "cn=career-advisors,ou=groups,dc=university,dc=example",
            "cn=career-advisors,ou=groups,dc=university,dc=example",
        ),
    ],
)
def test_group_dns_are_normalised(written: str, normal: str) -> None:
    assert normalize_dn(written) == normal


def test_roles_come_only_from_mapped_groups() -> None:
    mapping = {"faculty": "CN=Faculty,OU=Groups,DC=U", "advisor": ["cn=a,dc=u", "cn=b,dc=u"]}
    assert roles_for(["cn=faculty,ou=groups,dc=u", "cn=b,dc=u"], mapping) == {"faculty", "advisor"}
    assert roles_for(["cn=faculty-emeriti,ou=groups,dc=u"], mapping) == set()


def test_active_directory_guid_is_escaped_byte_by_byte(campus: CampusDirectory) -> None:
    directory = Directory(_settings(campus, id_attribute="objectGUID"))
    escaped = directory._escaped_id("00112233-4455-6677-8899-aabbccddeeff")
    assert escaped == r"\33\22\11\00\55\44\77\66\88\99\aa\bb\cc\dd\ee\ff"


def test_other_ca_file_is_really_a_different_ca(campus: CampusDirectory) -> None:
    assert Path(campus.cafile).read_bytes() != (DATA / "other-ca.pem").read_bytes()


def test_find_by_username_uses_the_service_account(campus: CampusDirectory) -> None:
    directory = Directory(_settings(campus))
    person = directory.find_by_username(" JNunez ")
    assert person is not None
    assert person.display_name == "José Ñúñez"
    assert directory.find_by_username("twin") is None
    assert directory.find_by_username("alice*") is None


def test_search_people_by_part_of_a_name(campus: CampusDirectory) -> None:
    directory = Directory(_settings(campus))
    assert [p.uid for p in directory.search_people("Ñúñ")] == ["jnunez"]
    assert {p.uid for p in directory.search_people("kim")} == {"fkim"}
    assert directory.search_people("*") == []  # escaped: no one is literally named "*"
    assert directory.search_people("k") == []  # too short to search
