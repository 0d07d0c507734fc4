"""Bulk export of a term's official records: the jobs, its page, its CLI, failures and retries."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    ExportStatus,
    ItemState,
    PlanState,
    RecordDocument,
    RecordExport,
    RecordExportItem,
    Role,
    Term,
    User,
)
from careercredit.records.democa import make_demo_ca
from careercredit.records.export import MAX_ATTEMPTS, create_export, run_export
from careercredit.records.signing import FIELD_NAME
from tests.access import LOGIN, assert_answer, uncovered_routes
from tests.conftest import PEOPLE as CAMPUS_PEOPLE
from tests.conftest import csrf_token, login, user_id
from tests.factories import Factory
from tests.jobs.running import drain
from tests.plans.conftest import post_form
from tests.records.test_services import text_of

TERM = "2026FA"
EARLIER = "2025FA"
#: How long a test waits for an export before giving up.
WAIT_SECONDS = 180


def cohort(app: Flask, make: Factory) -> dict[str, object]:
    """Three students with posted credit in TERM (one also in EARLIER) and two without."""
    term = make.term(TERM, name="Fall 2026")
    earlier = make.term(EARLIER, name="Fall 2025", starts_on=clock.today() - timedelta(days=400))
    students = [make.user(f"stu{i}", Role.student, name=f"Student {i}") for i in range(3)]
    for student in students:
        make.posted_plan(student, term_id=term)
    make.posted_plan(students[0], term_id=earlier)
    only_earlier = make.user("old1", Role.student)
    make.posted_plan(only_earlier, term_id=earlier)
    not_posted = make.user("new1", Role.student)
    make.plan(not_posted, PlanState.in_progress, term_id=term)
    with app.app_context():
        db.session.get(User, students[1]).student_number = "S1001"
        db.session.commit()
    return {"term": term, "students": students, "without": [only_earlier, not_posted]}


def new_export(app: Flask, term_id: int, registrar_id: int) -> int:
    with app.app_context():
        term, registrar = db.session.get(Term, term_id), db.session.get(User, registrar_id)
        export = create_export(term, by=registrar)
        db.session.commit()
        return export.id


def documents(app: Flask, export_id: int) -> list[RecordDocument]:
    """The export's documents with their content, oldest first (detached)."""
    with app.app_context():
        rows = db.session.scalars(
            select(RecordDocument)
            .where(RecordDocument.export_id == export_id)
            .order_by(RecordDocument.id)
        ).all()
        for row in rows:
            assert row.content  # load it before the session ends
        db.session.expunge_all()
        return list(rows)


def job(app: Flask, export_id: int) -> RecordExport:
    with app.app_context():
        export = db.session.get(RecordExport, export_id)
        db.session.expunge(export)
        return export


def assert_whole_and_unique(app: Flask, docs: list[RecordDocument]) -> None:
    """Every document is stored whole (its hash matches) with its audit event; none twice."""
    assert len({doc.student_id for doc in docs}) == len(docs)
    assert len({doc.code for doc in docs}) == len(docs)
    for doc in docs:
        assert doc.sha256 == hashlib.sha256(doc.content).hexdigest()
        assert doc.size_bytes == len(doc.content)
    with app.app_context():
        issued = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "record.issue")
        )
    assert issued == len(docs)


def wait_for(client: FlaskClient, export_id: int, status: str = "done") -> dict:
    """Run the queued jobs here, then poll the page's progress JSON until ``status``."""
    assert client.application.extensions  # the test app, whose memory queue holds the jobs
    drain(client.application)
    deadline = time.monotonic() + WAIT_SECONDS
    seen: dict = {}
    while time.monotonic() < deadline:
        response = client.get(f"/records/exports/{export_id}/progress")
        assert response.status_code == 200
        seen = response.get_json()
        assert seen["done"] <= seen["total"] or seen["status"] == "queued"
        if seen["status"] == status:
            break
        assert seen["status"] in {"queued", "running"}, seen
        time.sleep(0.2)
    assert seen.get("status") == status, seen
    return seen


def test_every_student_with_posted_credit_gets_one_record(app: Flask, make: Factory) -> None:
    people = cohort(app, make)
    registrar = make.user("registrar1", Role.registrar, name="Rita López")
    export_id = new_export(app, people["term"], registrar)
    reports: list[tuple[int, int]] = []
    with app.app_context():
        run_export(export_id, progress=lambda done, total: reports.append((done, total)))
    assert reports == [(0, 3), (1, 3), (2, 3), (3, 3)]
    export = job(app, export_id)
    assert (export.status, export.done, export.total) == (ExportStatus.done, 3, 3)
    assert export.finished_at is not None
    assert export.error is None
    docs = documents(app, export_id)
    assert sorted(doc.student_id for doc in docs) == sorted(people["students"])
    assert_whole_and_unique(app, docs)
    first = next(doc for doc in docs if doc.student_id == people["students"][0])
    text = text_of(first.content)
    assert TERM in text
    assert EARLIER in text
    assert first.code in text
    assert "Rita López" in text


def test_registrar_exports_a_term_from_the_page_and_downloads_the_zip(
    app: Flask, make: Factory, login_as
) -> None:
    client = login_as("registrar")
    people = cohort(app, make)
    page = client.get("/records/exports/").get_data(as_text=True)
    assert f"{TERM} · Fall 2026" in page
    assert f"{EARLIER} · Fall 2025" in page
    response = post_form(client, "/records/exports/", "/records/exports/", term=people["term"])
    assert response.status_code == 302
    show = response.headers["Location"]
    export_id = int(show.rsplit("/", 1)[1])
    page = client.get(show).get_data(as_text=True)
    assert "<progress" in page
    assert "/static/js/export-progress.js" in page
    assert "<script>" not in page  # the CSP allows only script files
    assert "Waiting to start." in page  # queued for a worker, not run by the web request
    assert job(app, export_id).done == 0
    assert wait_for(client, export_id) == {"status": "done", "done": 3, "total": 3, "error": None}

    with client.get(f"/records/exports/{export_id}/download") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        disposition = response.headers["Content-Disposition"]
        assert disposition == f"attachment; filename=official-records-{TERM}-{export_id}.zip"
        data = response.data
    docs = documents(app, export_id)
    assert sorted(doc.student_id for doc in docs) == sorted(people["students"])
    assert_whole_and_unique(app, docs)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist()) - {"manifest.csv", "manifest.json"}
        entries = {name: archive.read(name) for name in names}
    uids = {people["students"][0]: "stu0", people["students"][1]: "S1001"}
    uids[people["students"][2]] = "stu2"
    assert {f"{uids[doc.student_id]}-{doc.code}.pdf": doc.sha256 for doc in docs} == {
        name: hashlib.sha256(content).hexdigest() for name, content in entries.items()
    }
    with app.app_context():
        registrar = user_id(app, "rlopez")
        downloads = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.export.download")
        ).all()
        assert [event.actor_id for event in downloads] == [registrar]
        # The records are issued in the name of the registrar who started the export.
        assert {doc.issued_by_id for doc in docs} == {registrar}


def test_a_term_without_posted_credit_cannot_be_exported(
    app: Flask, make: Factory, login_as
) -> None:
    client = login_as("registrar")
    empty = make.term("2027SP")
    page = client.get("/records/exports/").get_data(as_text=True)
    assert "No term has posted credit yet" in page
    response = post_form(client, "/records/exports/", "/records/exports/", term=empty)
    assert response.status_code == 422
    assert "No student has posted credit in 2027SP" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(RecordExport.id))) == 0


def test_cli_shows_a_progress_bar_and_issues_the_same_records(app: Flask, make: Factory) -> None:
    people = cohort(app, make)
    make.user("rlopez", Role.registrar)
    runner = app.test_cli_runner()
    args = ["records", "export", "--term", TERM, "--by", "rlopez"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"Issuing records of {TERM}" in result.output  # the bar, as printed off a terminal
    with app.app_context():
        export_id = db.session.scalar(select(RecordExport.id))
    assert f"issued 3 of 3 record(s) of {TERM}; export {export_id} is done" in result.output
    docs = documents(app, export_id)
    assert sorted(doc.student_id for doc in docs) == sorted(people["students"])
    assert_whole_and_unique(app, docs)

    again = runner.invoke(args=["records", "export", "--resume", str(export_id)])
    assert again.exit_code == 0, again.output
    assert "issued 3 of 3" in again.output
    assert [doc.id for doc in documents(app, export_id)] == [doc.id for doc in docs]


def test_records_are_signed(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    ca = make_demo_ca(tmp_path / "ca")
    app = make_app(SIGNING_CERT=str(ca.cert), SIGNING_KEY=str(ca.key))
    make = Factory(app)
    people = cohort(app, make)
    make.user("rlopez", Role.registrar)
    args = ["records", "export", "--term", TERM, "--by", "rlopez"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        export_id = db.session.scalar(select(RecordExport.id))
    docs = documents(app, export_id)
    assert sorted(doc.student_id for doc in docs) == sorted(people["students"])
    assert all(doc.signed and FIELD_NAME.encode() in doc.content for doc in docs)
    assert_whole_and_unique(app, docs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--term", TERM], "--by UID of a registrar"),
        (["--term", TERM, "--by", "stu0"], "stu0 is not a registrar"),
        (["--term", "1999XX", "--by", "rlopez"], "There is no term 1999XX"),
        (["--resume", "99"], "There is no export 99"),
        (["--by", "rlopez"], "Give either --term CODE"),
    ],
)
def test_cli_says_what_is_wrong(app: Flask, make: Factory, args: list[str], message: str) -> None:
    make.term(TERM)
    make.user("stu0", Role.student)
    make.user("rlopez", Role.registrar)
    result = app.test_cli_runner().invoke(args=["records", "export", *args])
    assert result.exit_code != 0
    assert message in result.output


def signed_in(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, CAMPUS_PEOPLE[role]).status_code == 302
    return client


class Killed(Exception):
    """Stands for the end of the process half-way through an export."""


def stop_after_two(done: int, total: int) -> None:
    if done == 2:
        raise Killed


def interrupted_export(app: Flask, make: Factory) -> tuple[dict[str, object], int]:
    """An export of the cohort whose command-line run stopped after two records."""
    people = cohort(app, make)
    export_id = new_export(app, people["term"], make.user("rlopez", Role.registrar))
    with app.app_context(), pytest.raises(Killed):
        run_export(export_id, progress=stop_after_two)
    return people, export_id


def test_an_interrupted_run_leaves_whole_records_and_the_cli_finishes_it(
    app: Flask, make: Factory
) -> None:
    people, export_id = interrupted_export(app, make)
    export = job(app, export_id)
    assert (export.status, export.done, export.total) == (ExportStatus.running, 2, 3)
    before = documents(app, export_id)
    assert len(before) == 2
    assert_whole_and_unique(app, before)
    result = app.test_cli_runner().invoke(args=["records", "export", "--resume", str(export_id)])
    assert result.exit_code == 0, result.output
    assert "issued 3 of 3" in result.output
    after = documents(app, export_id)
    assert sorted(doc.student_id for doc in after) == sorted(people["students"])
    assert [(d.id, d.sha256) for d in after[:2]] == [(d.id, d.sha256) for d in before]
    assert_whole_and_unique(app, after)


def test_a_record_whose_message_was_lost_is_queued_again_by_the_sweep(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(JOBS_WORKER_LOST_SECONDS=0)
    make = Factory(app)
    people, export_id = interrupted_export(app, make)
    with app.app_context():  # a worker took the third record, then was killed
        item = db.session.scalar(
            select(RecordExportItem).where(RecordExportItem.state == ItemState.waiting)
        )
        item.state, item.claimed_by = ItemState.claimed, "gone.example.edu:4242"
        item.claimed_at = clock.now() - timedelta(minutes=5)
        db.session.commit()
    from careercredit.jobs.tasks import sweep

    with app.app_context():
        lost = sweep()
    assert len(lost.items) == 1
    client = signed_in(app, "registrar")
    assert wait_for(client, export_id)["done"] == 3
    docs = documents(app, export_id)
    assert sorted(doc.student_id for doc in docs) == sorted(people["students"])
    assert_whole_and_unique(app, docs)


def test_an_export_left_running_by_the_old_web_thread_is_finished_by_the_workers(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(JOBS_WORKER_LOST_SECONDS=0)
    make = Factory(app)
    people = cohort(app, make)
    export_id = new_export(app, people["term"], make.user("rlopez", Role.registrar))
    with app.app_context():  # as the thread of a recycled web worker left it: no items
        db.session.get(RecordExport, export_id).status = ExportStatus.running
        db.session.commit()
    from careercredit.jobs.tasks import sweep

    with app.app_context():
        assert sweep().exports == [export_id]
    client = signed_in(app, "registrar")
    assert wait_for(client, export_id) == {"status": "done", "done": 3, "total": 3, "error": None}
    assert_whole_and_unique(app, documents(app, export_id))


def test_a_failing_record_shows_its_error_and_a_retry(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    ca = make_demo_ca(tmp_path / "ca")
    app = make_app(SIGNING_CERT=str(ca.cert), SIGNING_KEY=str(ca.key))
    make = Factory(app)
    people = cohort(app, make)
    client = signed_in(app, "registrar")
    key = ca.key.read_bytes()
    ca.key.write_text("not a key\n")  # the key file broken after the app started
    response = post_form(client, "/records/exports/", "/records/exports/", term=people["term"])
    show = response.headers["Location"]
    export_id = int(show.rsplit("/", 1)[1])
    with app.app_context():  # the workers' retries, without their waits
        run_export(export_id)
    seen = client.get(f"{show}/progress").get_json()
    assert (seen["status"], seen["done"], seen["total"]) == ("failed", 0, 3)
    assert seen["error"].startswith("3 of 3 records could not be issued")
    page = client.get(show).get_data(as_text=True)
    assert "Records not issued" in page
    assert "Student 0" in page
    assert f"<td>{MAX_ATTEMPTS}</td>" in page
    assert ">Retry</button>" in page
    assert documents(app, export_id) == []

    ca.key.write_bytes(key)  # the cause fixed
    response = post_form(client, show, f"{show}/resume")
    assert response.status_code == 302
    assert wait_for(client, export_id) == {"status": "done", "done": 3, "total": 3, "error": None}
    docs = documents(app, export_id)
    assert sorted(doc.student_id for doc in docs) == sorted(people["students"])
    assert all(doc.signed for doc in docs)
    assert_whole_and_unique(app, docs)
    assert "Records not issued" not in client.get(show).get_data(as_text=True)


# -- who may reach the pages ---------------------------------------------------

PEOPLE = {
    "student": "alice",
    "advisor": "adavis",
    "faculty": "fkim",
    "registrar": "rlopez",
    "admin": "root1",
}


def _answers(registrar: object) -> dict[str, object]:
    return {"anonymous": LOGIN, **dict.fromkeys(PEOPLE, 404), "registrar": registrar}


MATRIX: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/records/exports/", _answers(200)),
    ("POST", "/records/exports/", _answers(422)),  # a term without posted credit
    ("GET", "/records/exports/{export}", _answers(200)),
    ("GET", "/records/exports/{export}/progress", _answers(200)),
    ("GET", "/records/exports/{export}/download", _answers(200)),
    ("POST", "/records/exports/{export}/resume", _answers(302)),  # done: nothing to retry
]


@pytest.mark.parametrize(
    ("method", "path", "person", "expected"),
    [
        pytest.param(method, path, person, answers[person], id=f"{method} {path} {person}")
        for method, path, answers in MATRIX
        for person in ("anonymous", *PEOPLE)
    ],
)
def test_only_registrars_reach_the_exports(
    app: Flask, make: Factory, method: str, path: str, person: str, expected: object
) -> None:
    client = app.test_client()
    if person != "anonymous":
        assert login(client, PEOPLE[person]).status_code == 302
    term = make.term(TERM)
    registrar = make.user("registrar9", Role.registrar)
    with app.app_context():
        export = RecordExport(term_id=term, created_by_id=registrar, status=ExportStatus.done)
        db.session.add(export)
        db.session.commit()
        url = path.format(export=export.id)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/login" if person == "anonymous" else "/")
        response = client.post(url, data={"csrf_token": token, "term": str(term)})
    response.close()  # the download's ZIP file
    assert_answer(response, expected)


def test_every_export_route_is_in_the_matrix(app: Flask) -> None:
    assert uncovered_routes(app, "record_exports.", MATRIX) == set()
