"""The demo campus of ``make run``: enough people, every role can sign in."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from careercredit.demo.__main__ import CAMPUS_LDIF, DEMO_PASSWORD, demo_logins, start_demo_directory
from config import read_settings
from tests.conftest import login


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, str]]:
    directory, settings = start_demo_directory()
    yield settings
    directory.stop()


def test_demo_campus_has_the_people_the_demo_promises() -> None:
    logins = demo_logins(CAMPUS_LDIF.read_text(encoding="utf-8"))
    assert len(logins["students"]) >= 30
    assert len(logins["career-advisors"]) >= 3
    assert len(logins["faculty"]) >= 6
    assert len(logins["registrars"]) >= 2
    assert len(logins["careercredit-admins"]) >= 1
    assert set(logins["career-advisors"]) & set(logins["faculty"]), "someone holds two roles"
    text = CAMPUS_LDIF.read_text(encoding="utf-8")
    assert "José Ñúñez" in text
    assert "Zoë Ødegård" in text


@pytest.mark.parametrize(
    ("group", "role"),
    [
        ("students", "student"),
        ("career-advisors", "advisor"),
        ("faculty", "faculty"),
        ("registrars", "registrar"),
        ("careercredit-admins", "admin"),
    ],
)
def test_each_demo_role_signs_in(
    demo: dict[str, str], make_app: Callable[..., Flask], group: str, role: str
) -> None:
    uid = demo_logins(CAMPUS_LDIF.read_text(encoding="utf-8"))[group][0]
    app = make_app(**{k: v for k, v in read_settings(demo).items() if k.startswith("LDAP_")})
    client = app.test_client()
    assert login(client, uid, DEMO_PASSWORD).status_code == 302
    assert f'id="home-{role}"' in client.get("/").get_data(as_text=True)
