"""Importing projects from a marketplace CSV: preview, confirm, import again."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from careercredit.catalogue import csvfile, importer
from careercredit.extensions import db
from careercredit.models import Employer, Project, ProjectStatus, Supervisor
from tests.catalogue.pages import confirm, counts, events, payload_of, text, upload
from tests.conftest import PEOPLE, user_id
from tests.factories import Factory

SAMPLE = (Path(__file__).parent.parent / "data" / "marketplace_projects.csv").read_bytes()
HEADER = ",".join(csvfile.COLUMNS)


def _csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def _row(external_id: str = "X-1", **values: str) -> str:
    """One CSV line; ``values`` override the defaults by column name."""
    row = {
        "external_id": external_id,
        "title": "Survey analysis",
        "employer": "Northwind",
        "supervisor_name": "Ann Lee",
        "supervisor_email": "ann@northwind.example",
        "estimated_hours": "20",
        "start_date": "2027-02-01",
        "end_date": "2027-03-01",
        "status": "open",
        **values,
    }
    return ",".join(row.get(name, "") for name in csvfile.COLUMNS)


def test_preview_shows_the_sample_and_changes_nothing(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    advisor = login_as("advisor")
    before = counts(app)
    preview = upload(advisor, SAMPLE, "marketplace_projects.csv")
    page = text(preview)
    assert preview.status_code == 200
    assert "marketplace_projects.csv: 4 row(s). Nothing has been saved yet." in page
    assert "Import 4 project(s)" in page
    assert page.count('<span class="badge import-new">New</span></td>') == 4
    assert "Café Ñandú GmbH" in page
    assert "Müller &amp; Søn Logistics" in page
    assert counts(app) == before


def test_confirm_imports_the_sample_with_employers_and_supervisors(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    advisor = login_as("advisor")
    done = confirm(advisor, upload(advisor, SAMPLE, "marketplace_projects.csv"))
    assert done.status_code == 302
    listing = text(advisor.get(done.headers["Location"]))
    assert "Import done: 4 new, 0 updated and 0 unchanged project(s)." in listing
    assert "Menu translation to Japanese" in listing
    with app.app_context():
        projects = {p.external_id: p for p in db.session.scalars(select(Project))}
        assert set(projects) == {"MP-1001", "MP-1002", "MP-1003", "MP-1004"}
        survey = projects["MP-1001"]
        assert survey.employer.name == "Café Ñandú GmbH"
        assert survey.employer.website == "https://cafe-nandu.example"
        assert survey.supervisor.name == "Zoë Ødegård"
        assert survey.supervisor.email == "zoe.odegard@cafe-nandu.example"
        assert projects["MP-1002"].supervisor_id == survey.supervisor_id
        assert projects["MP-1002"].estimated_hours == Decimal("12.5")
        assert "日本語" in projects["MP-1002"].description
        assert projects["MP-1003"].description.startswith("Build a dashboard of stock levels\n")
        assert projects["MP-1003"].employer.website == "https://muller-son.example"
        assert projects["MP-1004"].supervisor is None
        assert projects["MP-1004"].status is ProjectStatus.closed
        assert db.session.query(Employer).count() == 3
        assert db.session.query(Supervisor).count() == 2
    [event] = events(app, "project.import")
    assert event.actor_id == user_id(app, PEOPLE["advisor"])
    assert event.details["file"] == "marketplace_projects.csv"
    assert event.details["sha256"] == csvfile.file_digest(SAMPLE)
    assert {k: event.details[k] for k in ("created", "updated", "unchanged", "rows")} == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rows": 4,
    }
    assert event.details["employers_created"] == 3
    assert event.details["supervisors_created"] == 2


def test_importing_the_same_file_twice_adds_nothing(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    advisor = login_as("advisor")
    confirm(advisor, upload(advisor, SAMPLE))
    before = counts(app)
    again = text(upload(advisor, SAMPLE))
    assert again.count('<span class="badge import-unchanged">Unchanged</span></td>') == 4
    assert "There is nothing to import: every row is unchanged." in again
    assert 'name="payload"' not in again
    assert counts(app) == before


def test_a_changed_file_updates_and_shows_what_changes(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    advisor = login_as("advisor")
    confirm(advisor, upload(advisor, SAMPLE))
    changed = (
        SAMPLE.decode()
        .replace(",30,2027-01-18,2027-03-12,open", ",35,2027-01-18,2027-03-12,closed")
        .replace("Northwind Traders,,,,", "northwind traders,,Ann Lee,ann@northwind.example,")
        .encode("utf-8-sig")
    )
    preview = upload(advisor, changed)
    page = text(preview)
    assert page.count('<span class="badge import-updated">Updated</span></td>') == 2
    assert page.count('<span class="badge import-unchanged">Unchanged</span></td>') == 2
    assert "<strong>estimated_hours</strong>: 30 → 35" in page
    assert "<strong>status</strong>: open → closed" in page
    assert "<strong>supervisor</strong>: none → ann@northwind.example" in page
    assert "<strong>employer</strong>" not in page
    assert "Import 2 project(s)" in page
    done = confirm(advisor, preview)
    assert "2 updated and 0 unchanged" in text(advisor.get(done.headers["Location"]))
    with app.app_context():
        survey = db.session.scalar(select(Project).where(Project.external_id == "MP-1001"))
        assert survey.estimated_hours == Decimal("35")
        assert survey.status is ProjectStatus.closed
        assert db.session.query(Project).count() == 4
        assert db.session.query(Employer).count() == 3


def test_rows_are_rejected_with_their_reasons(app: Flask, login_as: Callable[..., FlaskClient]):
    rejected = {
        "A-1": (_row("A-1", title=""), "title is missing."),
        "A-2": (_row("A-2", start_date="31/01/2027"), "start_date “31/01/2027” is not a date"),
        "A-3": (_row("A-3", end_date="2027-01-01"), "end_date is before start_date."),
        "A-4": (_row("A-4", estimated_hours="lots"), "Enter the hours as a number"),
        "A-5": (_row("A-5", estimated_hours="0"), "must be more than 0 and at most 2000"),
        "A-6": (_row("A-6", estimated_hours="2001"), "must be more than 0 and at most 2000"),
        "A-7": (_row("A-7", status="pending"), "status “pending” is unknown: use open or closed."),
        "A-8": (_row("A-8", supervisor_email="ann(at)nw"), "“ann(at)nw” is not an e-mail address."),
        "A-9": (_row("A-9", title="x" * 201), "title is longer than 200 characters."),
        "": (_row(""), "external_id is missing."),
    }
    twice = [_row("D-1"), _row("D-1", title="Other")]
    content = _csv(*(line for line, _ in rejected.values()), *twice, _row("OK-1"), "a,b")
    advisor = login_as("advisor")
    preview = upload(advisor, content)
    page = text(preview)
    for _, reason in rejected.values():
        assert reason in page
    assert "external_id “D-1” appears more than once in the file (rows 12, 13)" in page
    assert "The row has 2 cells but the header names 13 columns" in page
    assert page.count('<span class="badge import-rejected">Rejected</span></td>') == 13
    assert "Import 1 project(s)" in page
    assert "Rejected rows are left out" in page
    confirm(advisor, preview)
    with app.app_context():
        assert list(db.session.scalars(select(Project.external_id))) == ["OK-1"]
    assert events(app, "project.import")[0].details["rejected"] == 13


def test_a_file_with_only_rejected_rows_offers_no_import(login_as: Callable[..., FlaskClient]):
    page = text(upload(login_as("advisor"), _csv(_row(title=""))))
    assert "There is nothing to import: every row is rejected or unchanged." in page
    assert 'name="payload"' not in page


def test_the_catalogue_changing_between_preview_and_confirm_makes_no_duplicates(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    advisor, admin = login_as("advisor"), login_as("admin")
    first = upload(advisor, SAMPLE)
    confirm(admin, upload(admin, SAMPLE))
    done = confirm(advisor, first)
    assert "0 new, 0 updated and 4 unchanged" in text(advisor.get(done.headers["Location"]))
    with app.app_context():
        assert db.session.query(Project).count() == 4
        assert db.session.query(Employer).count() == 3


def test_employers_and_supervisors_are_matched_not_duplicated(
    app: Flask, login_as: Callable[..., FlaskClient], make: Factory
):
    northwind = make.employer("NORTHWIND", website="https://northwind.example")
    make.supervisor(northwind, name="Ann Lee", email="ann@northwind.example")
    advisor = login_as("advisor")
    content = _csv(
        _row("N-1", supervisor_email="ANN@Northwind.example", employer_website="nw.example"),
        _row("N-2", employer="Northwind", supervisor_email="bo@northwind.example"),
    )
    confirm(advisor, upload(advisor, content))
    with app.app_context():
        [employer] = db.session.scalars(select(Employer))
        assert employer.name == "NORTHWIND"
        assert employer.website == "https://northwind.example"
        assert sorted(s.email for s in employer.supervisors) == [
            "ann@northwind.example",
            "bo@northwind.example",
        ]


def test_a_tampered_preview_is_refused(app: Flask, login_as: Callable[..., FlaskClient]):
    advisor = login_as("advisor")
    preview = upload(advisor, SAMPLE)
    signed = payload_of(preview)
    before = counts(app)
    for forged in (signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"), "x" + signed, ""):
        response = confirm(advisor, preview, forged)
        assert response.status_code == 400
        assert "The preview could not be verified. Upload the file again" in text(response)
    assert counts(app) == before


def test_a_preview_signed_for_someone_else_is_refused(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    signed = payload_of(upload(login_as("advisor"), SAMPLE))
    admin = login_as("admin")
    response = confirm(admin, upload(admin, _csv(_row())), signed)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Project).count() == 0


def test_an_old_preview_is_refused(app: Flask, login_as: Callable[..., FlaskClient]):
    advisor = login_as("advisor")
    preview = upload(advisor, SAMPLE)

    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 2 * 3600

    serializer = URLSafeTimedSerializer(app.secret_key, salt=importer.SALT, signer=TwoHoursAgo)
    with app.app_context():
        old = serializer.dumps({"user": user_id(app, PEOPLE["advisor"]), "source": {}, "rows": []})
    response = confirm(advisor, preview, old)
    assert response.status_code == 400
    assert "The preview is more than an hour old." in text(response)
