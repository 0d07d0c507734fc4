"""The demo CA of ``make run``: made once, reused, and never over someone's own settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from careercredit.demo.__main__ import configure_signing
from config import read_settings

VARIABLES = ("CAREERCREDIT_SIGNING_CERT", "CAREERCREDIT_SIGNING_KEY", "CAREERCREDIT_SIGNING_CHAIN")


def test_the_demo_makes_a_ca_once_and_reuses_it(tmp_path: Path) -> None:
    first: dict[str, str] = {}
    line = configure_signing(first, tmp_path / "demo-ca")
    assert set(first) == set(VARIABLES)
    settings = read_settings(first)
    assert Path(settings["SIGNING_KEY"]).stat().st_mode & 0o077 == 0
    ca_cert = Path(settings["SIGNING_CHAIN"][0])
    assert ca_cert.parent == tmp_path / "demo-ca"
    assert "throwaway demo CA" in line
    assert str(ca_cert) in line
    pem = ca_cert.read_bytes()

    again: dict[str, str] = {}
    configure_signing(again, tmp_path / "demo-ca")
    assert again == first
    assert ca_cert.read_bytes() == pem


def test_a_demo_ca_about_to_expire_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure_signing({}, tmp_path)
    pem = (tmp_path / "demo-ca.pem").read_bytes()

    class ThreeYearsOn(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime.now(tz) + timedelta(days=3 * 365)

    monkeypatch.setattr("careercredit.demo.__main__.datetime", ThreeYearsOn)
    configure_signing({}, tmp_path)
    assert (tmp_path / "demo-ca.pem").read_bytes() != pem


def test_signing_settings_of_ones_own_are_kept(tmp_path: Path) -> None:
    own = {"CAREERCREDIT_SIGNING_CERT": "/etc/uni/cert.pem", "CAREERCREDIT_SIGNING_KEY": "k.pem"}
    environ = dict(own)
    line = configure_signing(environ, tmp_path / "demo-ca")
    assert environ == own
    assert line == "Records are signed with /etc/uni/cert.pem, as configured."

    config_file = tmp_path / "careercredit.toml"
    config_file.write_text('CAREERCREDIT_SIGNING_CERT = "/etc/uni/cert.pem"\n', encoding="utf-8")
    environ = {"CAREERCREDIT_CONFIG": str(config_file)}
    configure_signing(environ, tmp_path / "demo-ca")
    assert environ == {"CAREERCREDIT_CONFIG": str(config_file)}
    assert not (tmp_path / "demo-ca").exists()
