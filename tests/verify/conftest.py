"""An issued official record to verify, and a look at the disclosures it gave."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Disclosure, RecordDocument, Role, User
from careercredit.records.democa import DemoCA, make_demo_ca
from careercredit.records.services import issue_record, revoke
from careercredit.sql import aware
from tests.factories import Factory


@dataclass(frozen=True)
class Issued:
    """What a test needs of an issued record: its code, its bytes and who it is about."""

    document_id: int
    student_id: int
    registrar_id: int
    code: str
    content: bytes
    #: The day printed on the record as its issue date.
    issued_on: date


def issue(
    app: Flask, make: Factory, uid: str = "jnunez", name: str = "José Ñúñez", **plan: object
) -> Issued:
    """Issue an official record of a new student with one posted plan."""
    student_id = make.user(uid, Role.student, name=name)
    registrar_id = make.user("reg", Role.registrar, name="Rita López")
    make.posted_plan(student_id, **plan)
    with app.test_request_context():
        document = issue_record(
            db.session.get(User, student_id), by=db.session.get(User, registrar_id)
        )
        db.session.commit()
        return Issued(
            document.id,
            student_id,
            registrar_id,
            document.code,
            document.content,
            aware(document.issued_at).astimezone(UTC).date(),
        )


def revoke_issued(app: Flask, issued: Issued) -> None:
    with app.test_request_context():
        document = db.session.get(RecordDocument, issued.document_id)
        revoke(document, by=db.session.get(User, issued.registrar_id), reason="Wrong name.")
        db.session.commit()


def disclosures(app: Flask) -> list[Disclosure]:
    """Every disclosure so far, oldest first."""
    with app.app_context():
        rows = list(db.session.scalars(select(Disclosure).order_by(Disclosure.id)))
        db.session.expunge_all()
        return rows


@pytest.fixture
def issued(app: Flask, make: Factory) -> Issued:
    """A valid record of José Ñúñez with one posted credit."""
    return issue(app, make)


@pytest.fixture
def ca(tmp_path: Path) -> DemoCA:
    """A throwaway CA, and the registrar's signing certificate and key it issued."""
    return make_demo_ca(tmp_path / "ca")


@pytest.fixture
def signing_app(make_app: Callable[..., Flask], ca: DemoCA) -> Flask:
    """The app configured to certify the records it issues."""
    return make_app(
        SIGNING_CERT=str(ca.cert), SIGNING_KEY=str(ca.key), SIGNING_CHAIN=(str(ca.ca_cert),)
    )


@pytest.fixture
def signing_make(signing_app: Flask) -> Factory:
    """Factories bound to the signing app."""
    return Factory(signing_app)


@pytest.fixture
def signed(signing_app: Flask, signing_make: Factory) -> Issued:
    """A certified record of José Ñúñez with one posted credit."""
    return issue(signing_app, signing_make)
