"""The sign-in failure limit: one count per person however the name is typed, failures only,
and the owner's own browser (its device cookie) is never locked out by a stranger's guesses."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from careercredit.demo.directory import SUFFIX, CampusDirectory
from careercredit.errors import TOO_MANY
from careercredit.extensions import db
from careercredit.models import AuditEvent
from tests.conftest import csrf_token, login

LIMIT = 3
WRONG = "wrong horse"


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(LOGIN_RATE_LIMIT=f"{LIMIT} per minute")


@pytest.fixture
def addresses() -> Iterator[str]:
    """A fresh client address for every attempt, so the per-address limit stays out of the way."""
    return (f"198.51.100.{n}" for n in itertools.count(1))


def attempt(client: FlaskClient, username: str, address: str, password: str | None = None):
    """One sign-in from ``address``; the right password unless ``password`` is given."""
    kwargs = {"environ_base": {"REMOTE_ADDR": address}}
    return login(client, username, **({"password": password} if password else {}), **kwargs)


def guess(app: Flask, username: str, addresses: Iterator[str]) -> None:
    """A stranger's wrong passwords, as many as the limit, from browsers without any cookie."""
    for _ in range(LIMIT):
        assert attempt(app.test_client(), username, next(addresses), WRONG).status_code == 422


def locked(response) -> bool:
    return response.status_code == 429 and TOO_MANY in response.get_data(as_text=True)


def events(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def sign_out(client: FlaskClient) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302


def test_failures_lock_the_name_for_browsers_without_a_device_cookie(
    app: Flask, addresses: Iterator[str]
) -> None:
    guess(app, "alice", addresses)
    before = events(app)
    stranger = app.test_client()
    response = attempt(stranger, "alice", next(addresses))  # even with the right password
    assert locked(response)
    assert stranger.get("/").status_code == 302
    assert events(app) == before, "a locked attempt writes nothing"
    # Other people are not affected.
    assert attempt(app.test_client(), "jnunez", next(addresses)).status_code == 302


def fullwidth(text: str) -> str:
    """``text`` in fullwidth letters, as an East Asian keyboard may type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("guessed", "typed"),
    [
        ("jnunez", fullwidth("jnunez")),
        (fullwidth("jnunez"), " JNUNEZ "),
        ("jnunez", fullwidth("Jnunez") + "\u3000"),  # and an ideographic space
    ],
)
def test_every_way_of_writing_a_name_shares_one_count(
    app: Flask, addresses: Iterator[str], guessed: str, typed: str
) -> None:
    # The directory takes the variant for the same person...
    assert attempt(app.test_client(), typed, next(addresses)).status_code == 302
    guess(app, guessed, addresses)
    # ...so it is counted as the same name: no fresh count by changing the spelling.
    assert locked(attempt(app.test_client(), typed, next(addresses)))


def test_another_name_of_the_same_person_shares_the_persons_count(
    make_app: Callable[..., Flask], private_campus: CampusDirectory, addresses: Iterator[str]
) -> None:
    # A second uid on alice's entry: a name the failure count cannot know is hers
    # until the directory has found her entry.
    private_campus.ldapmodify(
        f"dn: uid=alice,ou=people,{SUFFIX}\nchangetype: modify\nadd: uid\nuid: astudent\n"
    )
    app = make_app(private_campus, LOGIN_RATE_LIMIT=f"{LIMIT} per minute")
    assert attempt(app.test_client(), "astudent", next(addresses)).status_code == 302
    guess(app, "alice", addresses)
    assert locked(attempt(app.test_client(), "astudent", next(addresses)))


def test_the_owners_browser_still_signs_in_after_the_lock(
    app: Flask, addresses: Iterator[str]
) -> None:
    owner = app.test_client()
    assert attempt(owner, "alice", next(addresses)).status_code == 302
    sign_out(owner)
    guess(app, "alice", addresses)
    for _ in range(5):  # the stranger keeps trying, and is kept out
        assert locked(attempt(app.test_client(), "alice", next(addresses), WRONG))
    # The owner's browser carries the device cookie of her earlier sign-in.
    response = attempt(owner, "alice", next(addresses))
    assert response.status_code == 302
    assert "Welcome, Alice Student" in owner.get("/").get_data(as_text=True)


def test_the_owners_browser_is_held_by_its_own_count(app: Flask, addresses: Iterator[str]) -> None:
    owner = app.test_client()
    assert attempt(owner, "alice", next(addresses)).status_code == 302
    sign_out(owner)
    for _ in range(LIMIT):
        assert attempt(owner, "alice", next(addresses), WRONG).status_code == 422
    assert locked(attempt(owner, "alice", next(addresses)))
    # Its mistakes were its own: browsers without a cookie are not locked by them.
    assert attempt(app.test_client(), "alice", next(addresses)).status_code == 302


def test_a_device_cookie_vouches_only_for_its_person(app: Flask, addresses: Iterator[str]) -> None:
    browser = app.test_client()
    assert attempt(browser, "alice", next(addresses)).status_code == 302
    sign_out(browser)
    guess(app, "jnunez", addresses)
    assert locked(attempt(browser, "jnunez", next(addresses)))


def test_a_forged_device_cookie_counts_for_nothing(app: Flask, addresses: Iterator[str]) -> None:
    signed_in = attempt(app.test_client(), "alice", next(addresses))
    (cookie,) = [
        header.split(";")[0]
        for header in signed_in.headers.getlist("Set-Cookie")
        if header.startswith("careercredit_device_")
    ]
    name, value = cookie.split("=", 1)
    forger = app.test_client()
    forger.set_cookie(name, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    guess(app, "alice", addresses)
    assert locked(attempt(forger, "alice", next(addresses)))


def test_successful_sign_ins_do_not_count(app: Flask, addresses: Iterator[str]) -> None:
    for _ in range(LIMIT + 3):
        assert attempt(app.test_client(), "alice", next(addresses)).status_code == 302
    for _ in range(LIMIT):
        assert attempt(app.test_client(), "alice", next(addresses), WRONG).status_code == 422
    assert locked(attempt(app.test_client(), "alice", next(addresses)))


def test_the_per_address_limit_still_counts_every_attempt(app: Flask) -> None:
    client = app.test_client()
    for _ in range(LIMIT):
        assert login(client, "alice").status_code == 302
        sign_out(client)
    assert locked(login(client, "jnunez"))
