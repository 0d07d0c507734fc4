"""Configuration from the environment and from a file."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import config
from careercredit import create_app
from config import ConfigError, load_config

#: The least a production start needs (the refusals are tested at the end of this file).
SAFE_PRODUCTION = {
    "CAREERCREDIT_SECRET_KEY": "s" * 32,
    "CAREERCREDIT_LDAP_URI": "ldaps://dir",
    "CAREERCREDIT_BASE_URL": "https://careercredit.university.example",
}


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
    config = load_config(SAFE_PRODUCTION)
    config.check()
    assert config.SESSION_COOKIE_SECURE
    assert config.HSTS
    assert config.LDAP_USER_FILTER == "(&(objectClass=inetOrgPerson)(uid=%s))"
    assert config.LDAP_GROUP_FILTER == "(&(objectClass=groupOfNames)(member=%s))"
    assert config.LDAP_ID_ATTRIBUTE == "entryUUID"
    assert config.LDAP_TIMEOUT == 5.0
    assert config.LOGIN_RATE_LIMIT == "10 per minute"
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert config.LDAP_ALLOW_PLAINTEXT is False
    assert config.DEVICE_COOKIE_DAYS == 90
    assert config.HEALTHZ_RATE_LIMIT == "60 per minute"
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("instance/careercredit.db")


def test_development_allows_plain_http_cookies() -> None:
    config = load_config({"CAREERCREDIT_ENV": "development", "CAREERCREDIT_SECRET_KEY": "s"})
    config.check()
    assert not config.SESSION_COOKIE_SECURE
    assert not config.HSTS
    assert config.BASE_URL == "http://127.0.0.1:5000"


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
        'CAREERCREDIT_SECRET_KEY = "from file, and long enough for production"\n'
        'CAREERCREDIT_BASE_URL = "https://careercredit.university.example"\n'
        'CAREERCREDIT_LDAP_URI = "ldaps://file.example"\n'
        "CAREERCREDIT_LDAP_STARTTLS = true\n"
        "CAREERCREDIT_LDAP_TIMEOUT = 3\n"
        'CAREERCREDIT_LDAP_ROLE_GROUPS = { student = "cn=s,dc=u" }\n'
    )
    config = load_config(
        {"CAREERCREDIT_CONFIG": str(path), "CAREERCREDIT_LDAP_URI": "ldaps://env.example"}
    )
    config.check()
    assert config.SECRET_KEY == "from file, and long enough for production"
    assert config.LDAP_URI == "ldaps://env.example"
    assert config.LDAP_STARTTLS is True
    assert config.LDAP_TIMEOUT == 3.0
    assert config.LDAP_ROLE_GROUPS == {"student": ["cn=s,dc=u"]}


def test_unreadable_config_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    with pytest.raises(ConfigError, match=r"absent\.toml"):
        load_config({"CAREERCREDIT_CONFIG": str(missing)})


# -- production refuses unsafe settings at start-up -------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _production(**changes: str | None) -> dict[str, str]:
    environ = {**SAFE_PRODUCTION, **changes}
    return {key: value for key, value in environ.items() if value is not None}


UNSAFE = {
    "short secret key": (
        _production(CAREERCREDIT_SECRET_KEY="x" * 31),
        "CAREERCREDIT_SECRET_KEY must be at least 32 bytes",
    ),
    "short secret key in bytes": (
        _production(CAREERCREDIT_SECRET_KEY="é" * 15),  # 15 characters, 30 bytes
        "CAREERCREDIT_SECRET_KEY must be at least 32 bytes",
    ),
    "plain ldap": (
        _production(CAREERCREDIT_LDAP_URI="ldap://dir.university.example"),
        "CAREERCREDIT_LDAP_URI ldap://dir.university.example would send passwords unencrypted",
    ),
    "plain ldap among several": (
        _production(CAREERCREDIT_LDAP_URI="ldaps://dir1 LDAP://dir2"),
        "CAREERCREDIT_LDAP_URI LDAP://dir2 would send",
    ),
    "no base url": (_production(CAREERCREDIT_BASE_URL=None), "needs CAREERCREDIT_BASE_URL"),
    "http base url": (
        _production(CAREERCREDIT_BASE_URL="http://careercredit.university.example"),
        "CAREERCREDIT_BASE_URL must start with https://",
    ),
}


@pytest.mark.parametrize(("environ", "message"), UNSAFE.values(), ids=UNSAFE.keys())
def test_production_refuses_unsafe_settings(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(environ).check()


@pytest.mark.parametrize(
    "changes",
    [
        {"CAREERCREDIT_LDAP_URI": "ldap://dir", "CAREERCREDIT_LDAP_STARTTLS": "true"},
        {"CAREERCREDIT_LDAP_URI": "ldap://dir", "CAREERCREDIT_LDAP_ALLOW_PLAINTEXT": "true"},
        {"CAREERCREDIT_LDAP_URI": "ldapi://%2Frun%2Fslapd%2Fldapi"},
        {"CAREERCREDIT_LDAP_URI": "ldaps://dir1 ldaps://dir2"},
        {"CAREERCREDIT_SECRET_KEY": "k" * 32},
    ],
)
def test_production_accepts_safe_settings(changes: dict[str, str]) -> None:
    load_config(_production(**changes)).check()


def test_development_accepts_what_production_refuses() -> None:
    config = load_config(
        {
            "CAREERCREDIT_ENV": "development",
            "CAREERCREDIT_SECRET_KEY": "short",
            "CAREERCREDIT_LDAP_URI": "ldap://127.0.0.1:3890",
        }
    )
    config.check()
    assert config.warnings() == []


@pytest.mark.parametrize(
    ("changes", "warned"),
    [
        ({}, ["CAREERCREDIT_RATELIMIT_STORAGE_URI is memory://"]),
        ({"CAREERCREDIT_RATELIMIT_STORAGE_URI": "redis://cache:6379"}, []),
        (
            {
                "CAREERCREDIT_RATELIMIT_STORAGE_URI": "redis://cache:6379",
                "CAREERCREDIT_SMTP_HOST": "smtp.university.example",
            },
            ["CAREERCREDIT_SMTP_HOST smtp.university.example is not this machine"],
        ),
        (
            {
                "CAREERCREDIT_RATELIMIT_STORAGE_URI": "redis://cache:6379",
                "CAREERCREDIT_SMTP_HOST": "smtp.university.example",
                "CAREERCREDIT_SMTP_STARTTLS": "true",
            },
            [],
        ),
        (
            {
                "CAREERCREDIT_RATELIMIT_STORAGE_URI": "redis://cache:6379",
                "CAREERCREDIT_SMTP_HOST": "smtp.university.example",
                "CAREERCREDIT_SMTP_SSL": "true",
            },
            [],
        ),
    ],
)
def test_production_warns_about_risky_settings(changes: dict[str, str], warned: list[str]) -> None:
    warnings = load_config(_production(**changes)).warnings()
    assert len(warnings) == len(warned)
    for warning, start in zip(warnings, warned, strict=True):
        assert warning.startswith(start)


def test_warnings_are_logged_at_start_up(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    config = load_config(
        _production(
            CAREERCREDIT_SMTP_HOST="smtp.university.example",
            CAREERCREDIT_DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}",
        )
    )
    create_app(config)
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("CAREERCREDIT_RATELIMIT_STORAGE_URI is memory://") for m in logged)
    assert any(m.startswith("CAREERCREDIT_SMTP_HOST smtp.university.example") for m in logged)


def _start(environ: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` from the repository as an operator would, with only ``environ`` set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERCREDIT_", "FLASK_"))}
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env={**clean, **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _refused_cleanly(done: subprocess.CompletedProcess[str], variable: str) -> None:
    assert done.returncode == 4, done.stderr  # gunicorn's "App failed to load"
    assert "CareerCredit will not start:" in done.stderr
    assert variable in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({}, "CAREERCREDIT_SECRET_KEY"),
        (UNSAFE["short secret key"][0], "CAREERCREDIT_SECRET_KEY"),
        (UNSAFE["plain ldap"][0], "CAREERCREDIT_LDAP_URI"),
        (UNSAFE["http base url"][0], "CAREERCREDIT_BASE_URL"),
        ({**SAFE_PRODUCTION, "CAREERCREDIT_LDAP_TIMEOUT": "soon"}, "CAREERCREDIT_LDAP_TIMEOUT"),
    ],
)
def test_flask_commands_print_the_refusal_without_a_traceback(
    environ: dict[str, str], variable: str
) -> None:
    _refused_cleanly(_start(environ, "flask", "--app", "wsgi", "db", "upgrade"), variable)


def test_gunicorn_stops_with_the_refusal_instead_of_restarting_workers() -> None:
    environ = UNSAFE["short secret key"][0]
    done = _start(environ, "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1", "wsgi:app")
    _refused_cleanly(done, "CAREERCREDIT_SECRET_KEY")
    assert done.stderr.count("CareerCredit will not start:") == 1


def test_the_sis_profile_setting_knows_every_profile_the_export_writes() -> None:
    from careercredit.registrar.profiles import PROFILES

    assert set(config.SIS_PROFILES) == set(PROFILES)
    with pytest.raises(ConfigError, match="CAREERCREDIT_SIS_PROFILE"):
        config.read_settings({"CAREERCREDIT_SIS_PROFILE": "banner9"})
