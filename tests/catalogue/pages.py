"""Driving the catalogue's pages as a browser would: read a form's token, post it, read the page."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from careercredit.extensions import db
from careercredit.models import AuditEvent, Employer, Project, Supervisor
from tests.conftest import csrf_token, login

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_PAYLOAD = re.compile(r'name="payload"[^>]*value="([^"]+)"')


def sign_in(app: Flask, uid: str) -> FlaskClient:
    """A browser signed in as ``uid`` of the test campus (through the real slapd)."""
    client = app.test_client()
    assert login(client, uid).status_code == 302
    return client


def text(response: Any) -> str:
    """The page's HTML as text."""
    return response.get_data(as_text=True)


def submit(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Load the form at ``path`` and post ``data`` to it with the form's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data}, **kwargs)


def upload(client: FlaskClient, content: bytes, filename: str = "projects.csv") -> Any:
    """Upload ``content`` on the import page; answers the preview (or the refusal).

    The body is encoded in memory: the test client would spool a large one to a
    temporary file that it never closes.
    """
    fields = {
        "csrf_token": csrf_token(client, "/catalogue/import"),
        "file": FileStorage(io.BytesIO(content), filename=filename, content_type="text/csv"),
    }
    boundary, body = encode_multipart(fields)
    return client.post(
        "/catalogue/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def confirm(client: FlaskClient, preview: Any, payload: str | None = None) -> Any:
    """Press "Import" on a preview page, optionally with another ``payload``."""
    page = text(preview)
    token = _TOKEN.search(page)
    assert token, "no form on the preview page"
    signed = payload if payload is not None else payload_of(preview)
    return client.post(
        "/catalogue/import/confirm", data={"csrf_token": token.group(1), "payload": signed}
    )


def payload_of(preview: Any) -> str:
    """The signed rows carried by a preview page's confirmation form."""
    match = _PAYLOAD.search(text(preview))
    assert match, "the preview offers no import"
    return match.group(1)


def counts(app: Flask) -> dict[str, int]:
    """How many employers, supervisors, projects and audit events exist."""
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Employer, Supervisor, Project, AuditEvent)
        }


def events(app: Flask, action: str) -> list[AuditEvent]:
    """The audit events of ``action``, oldest first (detached, but loaded)."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
