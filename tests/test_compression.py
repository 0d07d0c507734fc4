"""Responses are compressed for browsers that ask, and files compressed already are not."""

from __future__ import annotations

import gzip
import re
import zlib

import brotli
from flask import Flask
from flask.testing import FlaskClient

from careercredit.extensions import db
from careercredit.models import CreditPlan, NoticeKind, PlanState, User
from careercredit.notices.services import notify
from tests.conftest import user_id
from tests.factories import Factory
from tests.records.test_pages import documents_of, issue_for

LINK = "http://127.0.0.1:5000/notices"
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
_CSRF = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]+')


def same_page(body: bytes) -> bytes:
    """``body`` without its CSRF tokens, which are signed anew each second."""
    return _CSRF.sub(rb"\1", body)


def test_a_big_page_is_sent_gzipped_and_is_the_same_page(
    app: Flask, login_as, make: Factory
) -> None:
    advisor: FlaskClient = login_as("advisor")
    plan_id = make.plan(make.user("stu"))
    with app.app_context():
        person = db.session.get(User, user_id(app, "adavis"))
        plan = db.session.get(CreditPlan, plan_id)
        for n in range(25):
            summary = f"Plan number {n} was submitted by a student of the Fall term. " * 3
            notify(NoticeKind.plan_assigned, plan, [person], summary=summary, link=LINK, by=person)
        db.session.commit()

    plain = advisor.get("/notices")
    packed = advisor.get("/notices", headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 4
    assert same_page(gzip.decompress(packed.data)) == same_page(plain.data)


def test_a_csv_list_still_streams_compressed(app: Flask, login_as, make: Factory) -> None:
    alice: FlaskClient = login_as("student")
    for _ in range(30):
        make.plan(user_id(app, "alice"), PlanState.draft)

    plain = alice.get("/plans/mine.csv")
    packed = alice.get("/plans/mine.csv", headers={"Accept-Encoding": "deflate"})

    assert packed.is_streamed
    assert "Content-Length" not in packed.headers  # sent as it is written
    assert packed.headers["Content-Encoding"] == "deflate"
    assert zlib.decompress(packed.data) == plain.data
    assert plain.data.count(b"\r\n") == 31


def test_style_is_sent_compressed(client: FlaskClient) -> None:
    plain = client.get("/static/css/app.css")
    packed = client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain.data
    plain.close()
    packed.close()


def test_a_signed_record_is_downloaded_byte_for_byte(app: Flask, login_as, make: Factory) -> None:
    alice: FlaskClient = login_as("student")
    alice_id = user_id(app, "alice")
    make.posted_plan(alice_id, term_id=make.term("2026SP", name="Spring 2026"), credits=1)
    document_id = issue_for(login_as("registrar"), alice_id)
    [document] = documents_of(app, alice_id)

    plain = alice.get(f"/records/documents/{document_id}/download")
    response = alice.get(f"/records/documents/{document_id}/download", headers=BROWSER)

    assert "Content-Encoding" not in response.headers
    assert response.data == plain.data == document.content
    assert response.headers.get("Content-Length") == plain.headers.get("Content-Length")
    assert response.headers.get("ETag") == plain.headers.get("ETag")
