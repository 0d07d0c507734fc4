"""Configuration from the environment and from a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from careercredit import create_app
from config import ConfigError, load_config


def test_production_refuses_to_start_without_secret_and_directory() -> None:
    with pytest.raises(ConfigError, match="CAREERCREDIT_SECRET_KEY and CAREERCREDIT_LDAP_URI"):
        load_config({}).check()
    with pytest.raises(ConfigError, match="CAREERCREDIT_LDAP_URI"):
        load_config({"CAREERCREDIT_SECRET_KEY": "s"}).check()


def test_create_app_refuses_unsafe_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CAREERCREDIT_SECRET_KEY", "CAREERCREDIT_LDAP_URI", "CAREERCREDIT_ENV"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_production_defaults_are_strict() -> None:
    config = load_config({"CAREERCREDIT_SECRET_KEY": "s", "CAREERCREDIT_LDAP_URI": "ldaps://dir"})
    config.check()
    assert config.SESSION_COOKIE_SECURE
    assert config.HSTS
    assert config.LDAP_USER_FILTER == "(&(objectClass=inetOrgPerson)(uid=%s))"
    assert config.LDAP_GROUP_FILTER == "(&(objectClass=groupOfNames)(member=%s))"
    assert config.LDAP_ID_ATTRIBUTE == "entryUUID"
    assert config.LDAP_TIMEOUT == 5.0
    assert config.LOGIN_RATE_LIMIT == "10 per minute"
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("instance/careercredit.db")


def test_development_allows_plain_http_cookies() -> None:
    config = load_config({"CAREERCREDIT_ENV": "development", "CAREERCREDIT_SECRET_KEY": "s"})
    config.check()
    assert not config.SESSION_COOKIE_SECURE
    assert not config.HSTS


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigError, match="CAREERCREDIT_ENV"):
        load_config({"CAREERCREDIT_ENV": "staging"})


def test_role_groups_accept_one_dn_or_a_list() -> None:
    config = load_config(
        {
            "CAREERCREDIT_LDAP_ROLE_GROUPS": '{"student": "cn=s,dc=u", '
            '"faculty": ["cn=f,dc=u", "cn=g,dc=u"]}'
        }
    )
    assert config.LDAP_ROLE_GROUPS == {
        "student": ["cn=s,dc=u"],
        "faculty": ["cn=f,dc=u", "cn=g,dc=u"],
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"dean": "cn=d"}', "unknown role"),
        ('["cn=s"]', "JSON object"),
    ],
)
def test_bad_role_groups_stop_the_start(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config({"CAREERCREDIT_LDAP_ROLE_GROUPS": value})


def test_bad_booleans_and_numbers_stop_the_start() -> None:
    with pytest.raises(ConfigError, match="CAREERCREDIT_LDAP_STARTTLS"):
        load_config({"CAREERCREDIT_LDAP_STARTTLS": "maybe"})
    with pytest.raises(ConfigError, match="CAREERCREDIT_LDAP_TIMEOUT"):
        load_config({"CAREERCREDIT_LDAP_TIMEOUT": "soon"})


def test_settings_from_a_file_with_the_environment_winning(tmp_path: Path) -> None:
    path = tmp_path / "careercredit.toml"
    path.write_text(
        'CAREERCREDIT_SECRET_KEY = "from file"\n'
        'CAREERCREDIT_LDAP_URI = "ldaps://file.example"\n'
        "CAREERCREDIT_LDAP_STARTTLS = true\n"
        "CAREERCREDIT_LDAP_TIMEOUT = 3\n"
        'CAREERCREDIT_LDAP_ROLE_GROUPS = { student = "cn=s,dc=u" }\n'
    )
    config = load_config(
        {"CAREERCREDIT_CONFIG": str(path), "CAREERCREDIT_LDAP_URI": "ldaps://env.example"}
    )
    config.check()
    assert config.SECRET_KEY == "from file"
    assert config.LDAP_URI == "ldaps://env.example"
    assert config.LDAP_STARTTLS is True
    assert config.LDAP_TIMEOUT == 3.0
    assert config.LDAP_ROLE_GROUPS == {"student": ["cn=s,dc=u"]}


def test_unreadable_config_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    with pytest.raises(ConfigError, match=r"absent\.toml"):
        load_config({"CAREERCREDIT_CONFIG": str(missing)})
