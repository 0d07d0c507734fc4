"""Fixtures: a real slapd with the test campus, a migrated database, the app and clients.

The database is SQLite unless ``CAREERCREDIT_TEST_DATABASE_URL`` names another
one (``.ci/run`` points it at PostgreSQL). Either way the schema comes from
the migrations, not from ``create_all``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text

from careercredit import create_app
from careercredit.demo.directory import SERVICE_DN, SUFFIX, CampusDirectory
from careercredit.extensions import db, limiter
from careercredit.models import User
from config import TestingConfig
from tests.factories import Factory

DATA = Path(__file__).parent / "data"
CAMPUS_LDIF = DATA / "campus.ldif"
PASSWORD = "correct horse"
SERVICE_PASSWORD = "service secret"


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a database of its own next to the one named."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    return base.set(database=f"{base.database}_{worker}").render_as_string(hide_password=False)


#: The database named by the environment (this worker's own copy of it under xdist).
EXTERNAL_DATABASE_URL = _worker_database(os.environ.get("CAREERCREDIT_TEST_DATABASE_URL"))

#: The test campus's groups, written with odd case and spacing on purpose:
#: the app must normalise DNs before comparing them.
ROLE_GROUPS = {
    "student": f"cn=students,ou=groups,{SUFFIX}",
    "advisor": ["CN=Career-Advisors, OU=Groups, DC=University, DC=Example"],
    "faculty": [f"cn=faculty,ou=groups,{SUFFIX}"],
    "registrar": f"cn=registrars,ou=groups,{SUFFIX}",
    "admin": f"cn=careercredit-admins,ou=groups,{SUFFIX}",
}

#: One person of the test campus per role.
PEOPLE = {
    "student": "alice",
    "advisor": "adavis",
    "faculty": "fkim",
    "registrar": "rlopez",
    "admin": "root1",
}


def start_campus() -> CampusDirectory:
    """Start a slapd with the test campus that accepts unauthenticated binds."""
    directory = CampusDirectory(CAMPUS_LDIF, allow_unauthenticated_bind=True)
    directory.start()
    return directory


@pytest.fixture(scope="session")
def campus() -> Iterator[CampusDirectory]:
    """The shared test campus directory; tests must not change it."""
    directory = start_campus()
    yield directory
    directory.stop()


@pytest.fixture
def private_campus() -> Iterator[CampusDirectory]:
    """A campus directory of this test's own, for tests that stop or change it."""
    directory = start_campus()
    yield directory
    directory.stop()


def settings_for(directory: CampusDirectory, database_url: str, **overrides: Any) -> TestingConfig:
    """Return a testing configuration that uses ``directory`` and ``database_url``."""
    config = TestingConfig(environ={})
    values = {
        "SECRET_KEY": "test secret key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LDAP_URI": directory.ldap_uri,
        "LDAP_BIND_DN": SERVICE_DN,
        "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
        "LDAP_USER_BASE": SUFFIX,
        "LDAP_GROUP_BASE": f"ou=groups,{SUFFIX}",
        "LDAP_ROLE_GROUPS": ROLE_GROUPS,
        "LDAP_TIMEOUT": 2.0,
    }
    values.update(overrides)
    for key, value in values.items():
        setattr(config, key, value)
    return config


@contextmanager
def _own_database(url: str) -> Iterator[None]:
    """Create this xdist worker's database for the session and drop it afterwards."""
    named = os.environ["CAREERCREDIT_TEST_DATABASE_URL"]
    if url == named:
        yield
        return
    admin = create_engine(named, isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(
    tmp_path_factory: pytest.TempPathFactory, campus: CampusDirectory
) -> Iterator[str]:
    """A database upgraded to the newest migration: a template file or the external one."""
    if EXTERNAL_DATABASE_URL:
        with _own_database(EXTERNAL_DATABASE_URL):
            yield _upgraded(EXTERNAL_DATABASE_URL, campus)
        return
    yield _upgraded(f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}", campus)


def _upgraded(url: str, campus: CampusDirectory) -> str:
    app = create_app(settings_for(campus, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database for this test alone."""
    if EXTERNAL_DATABASE_URL:
        _empty_tables(migrated_database)
        yield migrated_database
        return
    copy = tmp_path / "test.db"
    shutil.copy(migrated_database.removeprefix("sqlite:///"), copy)
    yield f"sqlite:///{copy}"


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
            if row[0] != "alembic_version"
        ]
        if tables:
            quoted = ", ".join(f'"{name}"' for name in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def make_app(database_url: str, campus: CampusDirectory) -> Iterator[Callable[..., Flask]]:
    """Build apps on this test's database; keyword arguments override settings."""
    apps: list[Flask] = []

    def build(directory: CampusDirectory | None = None, **overrides: Any) -> Flask:
        app = create_app(settings_for(directory or campus, database_url, **overrides))
        with app.app_context():
            limiter.reset()
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app with the shared test campus and default settings."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser without a session."""
    return app.test_client()


_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Load ``path`` and return the CSRF token of its form."""
    page = client.get(path)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(
    client: FlaskClient, username: str, password: str = PASSWORD, next_url: str = "", **kwargs: Any
) -> Any:
    """Sign in through the login form, as a browser would."""
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password, "next": next_url},
        **kwargs,
    )


@pytest.fixture
def login_as(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a signed-in client for a role of the test campus."""

    def sign_in(role: str) -> FlaskClient:
        client = app.test_client()
        response = login(client, PEOPLE[role])
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


@pytest.fixture
def make(app: Flask) -> Factory:
    """Factories bound to the test's app (see tests/factories.py)."""
    return Factory(app)


def user_id(app: Flask, uid: str) -> int:
    """The id of the local user row of ``uid`` (after they signed in)."""
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.uid == uid))
