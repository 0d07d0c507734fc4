"""Fixtures for the deliverable tests: uploads in a temporary directory, files made in memory."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from careercredit.extensions import db
from careercredit.models import CreditPlan, Deliverable, PlanState
from tests.conftest import csrf_token, user_id
from tests.factories import Factory
from tests.plans.conftest import post_form
from tests.supervisors.conftest import add_entries, last_link

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def docx() -> bytes:
    """A minimal Word document: a ZIP with [Content_Types].xml and word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "data")
    return buffer.getvalue()


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def app(make_app: Callable[..., Flask], upload_dir: Path) -> Flask:
    """The app, storing uploads in this test's own directory."""
    return make_app(UPLOAD_DIR=str(upload_dir))


@dataclass
class Case:
    """alice's approved plan with one placement, signed in as alice."""

    app: Flask
    make: Factory
    student: FlaskClient
    plan_id: int
    placement_id: int
    supervisor_email: str
    upload_dir: Path

    @property
    def plan_page(self) -> str:
        return f"/plans/{self.plan_id}"

    @property
    def new_url(self) -> str:
        return f"/plans/{self.plan_id}/placements/{self.placement_id}/deliverables/new"

    def upload(
        self,
        name: str | None = "report.pdf",
        data: bytes = PDF,
        *,
        client: FlaskClient | None = None,
        url: str | None = None,
        **fields: str,
    ) -> Any:
        """Send the deliverable form as a browser would (a file unless ``name`` is None)."""
        return upload(client or self.student, url or self.new_url, name, data, **fields)

    def stored(self) -> list[str]:
        """The names of the files in the upload directory (temporary ones too)."""
        return sorted(p.name for p in self.upload_dir.iterdir()) if self.upload_dir.exists() else []

    def rows(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count(Deliverable.id)))

    def deliverable(self, deliverable_id: int | None = None) -> Deliverable:
        """A deliverable row (the newest unless told), detached."""
        with self.app.app_context():
            query = select(Deliverable).order_by(Deliverable.id.desc())
            if deliverable_id:
                query = query.where(Deliverable.id == deliverable_id)
            row = db.session.scalars(query).first()
            db.session.expunge(row)
            return row

    def supervisor_link(self) -> str:
        """Consent and send the hours link; return its path as the supervisor reads it.

        An hours link needs hours to verify, so one entry is logged first.
        """
        add_entries(self.app, self.placement_id, "2")
        page = f"/plans/{self.plan_id}/placements/{self.placement_id}/consent?purpose=hours"
        response = post_form(self.student, page, page.split("?")[0], purpose="hours", agree="y")
        assert response.status_code == 302, response.get_data(as_text=True)
        return last_link(self.app, self.supervisor_email)


def upload(
    client: FlaskClient, url: str, name: str | None, data: bytes = PDF, **fields: str
) -> Any:
    """Post the deliverable form at ``url`` with its CSRF token."""
    form: dict[str, Any] = {"csrf_token": csrf_token(client, url), "title": "Final report"}
    form.update(fields)
    if name is not None:
        form["file"] = (io.BytesIO(data), name)
    return client.post(url, data=form, content_type="multipart/form-data")


def make_case(app: Flask, make: Factory, student: FlaskClient, uid: str, upload_dir: Path) -> Case:
    plan_id = make.plan(
        user_id(app, uid), state=PlanState.approved, sponsor_id=user_id(app, "fkim")
    )
    with app.app_context():
        placement = db.session.get(CreditPlan, plan_id).placements[0]
        email = placement.project.supervisor.email
        return Case(app, make, student, plan_id, placement.id, email, upload_dir)


@pytest.fixture
def sponsor(login_as: Callable[[str], FlaskClient]) -> FlaskClient:
    """fkim, signed in; the sponsor of the case's plan."""
    return login_as("faculty")


@pytest.fixture
def case(app: Flask, make: Factory, login_as, sponsor: FlaskClient, upload_dir: Path) -> Case:
    return make_case(app, make, login_as("student"), "alice", upload_dir)
