"""One app, one database and one browser per person, shared by a whole test module.

The route-wide checks (tests/test_routes_access.py, tests/test_csrf.py) send
about a thousand requests; building a database and signing in for each of
them would take minutes. ``open_site`` builds everything once per module:

* the people: Alice (the student who owns everything below), José (another
  student), Farid Kim (Alice's sponsor), Olivia Chen (another faculty member,
  José's sponsor), an advisor, a registrar and an admin, each signed in once
  in a browser of their own, plus a browser nobody signed in to;
* Alice's objects, one of each kind a URL can name: a plan in progress with a
  placement, a verified hour entry, supervisor links (hours, final, and a
  spare one to revoke), a final evaluation, a deliverable file; a draft plan;
  a posted plan with sign-off; a grade export, a record document and a
  pending record request, a record export; the term, employer, supervisor and
  project; a failed outbox message and a rubric criterion;
* José's plan in progress with its own hours and final links ("another
  placement's link").

``Site.ids`` names them; URL arguments are filled from it by name.
"""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule as UrlRule

from careercredit import create_app
from careercredit.badges.keys import make_demo_key
from careercredit.badges.services import issue_for_plan
from careercredit.deliverables.storage import upload_storage
from careercredit.demo.directory import CampusDirectory
from careercredit.extensions import db, limiter
from careercredit.models import (
    CreditPlan,
    Deliverable,
    DeliverableStatus,
    Evaluation,
    ExportStatus,
    GradeExport,
    HourEntry,
    HourStatus,
    LinkPurpose,
    MessageStatus,
    OutboxMessage,
    PlanState,
    RecordExport,
    RubricCriterion,
    User,
)
from careercredit.records.services import issue_record, request_record
from careercredit.registrar.csvexport import build_csv
from careercredit.supervisors.links import create_link, token_for
from config import TestingConfig
from tests.conftest import (
    EXTERNAL_DATABASE_URL,
    _empty_tables,
    csrf_token,
    login,
    settings_for,
)
from tests.courses.schemes import course, section
from tests.factories import Factory

# -- who ------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
STUDENT = "student"  #: Alice: owns the plans, records and requests
OTHER_STUDENT = "other_student"  #: José: a student with no link to Alice's things
ADVISOR = "advisor"
SPONSOR = "faculty"  #: Farid Kim: sponsors Alice's plans
OTHER_FACULTY = "other_faculty"  #: Olivia Chen: sponsors José, not Alice
REGISTRAR = "registrar"
ADMIN = "admin"
#: An anonymous browser holding the supervisor link of another placement (José's).
OTHER_LINK = "other_link"

UIDS = {
    STUDENT: "alice",
    OTHER_STUDENT: "jnunez",
    ADVISOR: "adavis",
    SPONSOR: "fkim",
    OTHER_FACULTY: "ochen",
    REGISTRAR: "rlopez",
    ADMIN: "root1",
}
SIGNED_IN = tuple(UIDS)
OWNER_NAME = "Alice Student"
OTHER_NAME = "José Ñúñez"

#: URL argument → the object of ``Site.ids`` it names unless a rule says otherwise.
DEFAULT_ARGS = {
    "plan_id": "plan",
    "placement_id": "placement",
    "entry_id": "entry",
    "link_id": "hours_link",
    "deliverable_id": "deliverable",
    "export_id": "grade_export",
    "term_id": "term",
    "employer_id": "employer",
    "supervisor_id": "supervisor",
    "project_id": "project",
    "criterion_id": "criterion",
    "course_id": "course",
    "section_id": "section",
    "message_id": "message",
    "request_id": "request",
    "document_id": "document",
    "user_id": "alice",
    "code": "code",
    "token": "hours_token",
    "credential_id": "credential",
    "public_id": "public_id",
    "student_id": "alice",
}

#: Limits the shared browsers would otherwise hit (they all come from one address).
GENEROUS_LIMITS = {
    "LOGIN_RATE_LIMIT": "10000 per minute",
    "SUPERVISOR_LINK_RATE_LIMIT": "10000 per minute",
    "VERIFY_RATE_LIMIT": "10000 per minute",
}
CSRF_PAGE = "Form expired"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


# -- the URL map, known at collection time ----------------------------------------------


@functools.cache
def url_rules() -> tuple[UrlRule, ...]:
    """Every rule of the app's URL map but ``static``, in a stable order."""
    config = TestingConfig(environ={})
    config.SECRET_KEY = "collection only"
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    config.LDAP_URI = "ldap://127.0.0.1:1"
    app = create_app(config)
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    return tuple(sorted(rules, key=lambda rule: (rule.endpoint, rule.rule)))


def methods_of(rule: UrlRule) -> list[str]:
    """The methods a rule answers, HEAD and OPTIONS aside."""
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


# -- browsers and the site ------------------------------------------------------------


@dataclass
class Browser:
    """A test client, signed in as ``uid`` (or nobody), that knows its form token."""

    client: FlaskClient
    uid: str | None = None
    _token: str | None = None

    def sign_in(self) -> None:
        """Sign in (again) with a fresh session."""
        assert self.uid is not None
        response = login(self.client, self.uid)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self._token = None

    @property
    def token(self) -> str:
        """The CSRF token of this browser's session (loaded once per session)."""
        if self._token is None:
            self._token = csrf_token(self.client, "/" if self.uid else "/login")
        return self._token


@dataclass
class Site:
    """The module's app, its objects by name, and a browser per person."""

    app: Flask
    ids: dict[str, Any]
    browsers: dict[str, Browser] = field(default_factory=dict)

    def browser(self, person: str) -> Browser:
        """The browser ``person`` uses; strangers with a link use the anonymous one."""
        return self.browsers[ANONYMOUS if person == OTHER_LINK else person]

    def url(self, rule: UrlRule, person: str, args: Mapping[str, str]) -> str:
        """``rule`` with its arguments filled from ``ids`` (``args`` overrides the defaults)."""
        values = {}
        for name in rule.arguments:
            key = args.get(name, DEFAULT_ARGS[name])
            if name == "token" and person == OTHER_LINK:
                key = f"other_{key}"
            values[name] = self.ids[key]
        built = rule.build(values, append_unknown=False)
        assert built is not None, rule.rule
        return built[1]


def open_site(
    migrated_database: str, campus: CampusDirectory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """Build the module's site; a generator for a module-scoped fixture."""
    folder = tmp_path_factory.mktemp("routes")
    if EXTERNAL_DATABASE_URL:
        _empty_tables(migrated_database)
        url = migrated_database
    else:
        shutil.copy(migrated_database.removeprefix("sqlite:///"), folder / "routes.db")
        url = f"sqlite:///{folder / 'routes.db'}"
    badge_key = str(make_demo_key(folder / "badge.key"))
    settings = settings_for(
        campus, url, UPLOAD_DIR=str(folder / "uploads"), BADGE_KEY=badge_key, **GENEROUS_LIMITS
    )
    app = create_app(settings)
    with app.app_context():
        limiter.reset()
    site = Site(app, {})
    site.browsers[ANONYMOUS] = Browser(app.test_client())
    for person, uid in UIDS.items():
        site.browsers[person] = Browser(app.test_client(), uid)
        site.browsers[person].sign_in()
    site.ids = build_objects(app, Factory(app))
    yield site
    with app.app_context():
        db.engine.dispose()


# -- the objects ------------------------------------------------------------------------


def build_objects(app: Flask, make: Factory) -> dict[str, Any]:
    """Make one object of every kind a URL names; return their ids (and tokens) by name."""
    with app.app_context():
        people = {
            uid: db.session.scalar(select(User.id).where(User.uid == uid)) for uid in UIDS.values()
        }
    alice, fkim, rlopez = people["alice"], people["fkim"], people["rlopez"]
    ids: dict[str, Any] = {"alice": alice, "term": make.term("ROUTES")}
    ids["employer"] = make.employer("Routes & Co")
    ids["supervisor"] = make.supervisor(ids["employer"])
    ids["project"] = make.project(ids["employer"], supervisor_id=ids["supervisor"])
    ids["course"] = course(app)
    ids["section"] = section(app, ids["term"], ids["course"])
    ids["plan"] = make.plan(
        alice,
        PlanState.in_progress,
        term_id=ids["term"],
        sponsor_id=fkim,
        project_ids=[ids["project"]],
    )
    ids["draft_plan"] = make.plan(alice, term_id=ids["term"], sponsor_id=fkim)
    ids["posted_plan"] = make.posted_plan(
        alice, term_id=ids["term"], sponsor_id=fkim, registrar_id=rlopez
    )
    other_plan = make.plan(
        people["jnunez"], PlanState.in_progress, term_id=ids["term"], sponsor_id=people["ochen"]
    )
    with app.test_request_context():
        ids.update(_supervision(ids["plan"], by=alice))
        ids.update(
            {f"other_{k}": v for k, v in _supervision(other_plan, by=people["jnunez"]).items()}
        )
        ids.update(_records(app, ids["term"], alice, rlopez))
        ids.update(shared_credential(ids["posted_plan"]))
        db.session.commit()
    return ids


def shared_credential(plan_id: int) -> dict[str, Any]:
    """The digital credential of a posted plan, shared by its student."""
    plan = db.session.get(CreditPlan, plan_id)
    assert plan is not None
    (credential,) = issue_for_plan(plan)
    credential.shareable = True
    return {"credential": credential.id, "public_id": credential.uuid}


def _supervision(plan_id: int, *, by: int) -> dict[str, Any]:
    """Consent, a verified hour entry, links, a final evaluation and a deliverable file."""
    plan = db.session.get(CreditPlan, plan_id)
    assert plan is not None
    placement = plan.placements[0]
    placement.consent_at = datetime.now(UTC)
    student = db.session.get(User, by)
    assert student is not None
    entry = HourEntry(
        placement=placement,
        work_date=plan.term.starts_on + timedelta(days=1),
        hours=Decimal(2),
        description="Interviews with the client's team.",
        status=HourStatus.verified,
    )
    db.session.add(entry)
    hours, final, spare = (
        create_link(placement, purpose, student)
        for purpose in (LinkPurpose.hours, LinkPurpose.final, LinkPurpose.hours)
    )
    evaluation = Evaluation(
        placement=placement, kind=LinkPurpose.final, scores={}, comments="Good.", link_id=final.id
    )
    deliverable = Deliverable(
        placement=placement,
        title="Final report",
        storage_key=upload_storage().save(io.BytesIO(PDF)),
        original_name="report.pdf",
        size_bytes=len(PDF),
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF).hexdigest(),
        status=DeliverableStatus.submitted,
        created_by_id=by,
    )
    db.session.add_all([evaluation, deliverable])
    db.session.flush()
    return {
        "placement": placement.id,
        "entry": entry.id,
        "hours_link": hours.id,
        "spare_link": spare.id,
        "hours_token": token_for(hours),
        "final_token": token_for(final),
        "deliverable": deliverable.id,
    }


def _records(app: Flask, term_id: int, alice_id: int, registrar_id: int) -> dict[str, Any]:
    """A grade export, an issued record, a pending request, a finished record export, mail."""
    alice, registrar = db.session.get(User, alice_id), db.session.get(User, registrar_id)
    assert alice is not None
    assert registrar is not None
    csv = build_csv([])
    grade_export = GradeExport(
        term_id=term_id,
        created_by_id=registrar_id,
        filename="grades.csv",
        content=csv,
        sha256=hashlib.sha256(csv).hexdigest(),
        row_count=0,
    )
    record_export = RecordExport(
        term_id=term_id,
        created_by_id=registrar_id,
        status=ExportStatus.done,
        finished_at=datetime.now(UTC),
    )
    message = OutboxMessage(
        to_addr="someone@university.example",
        subject="A message that could not be sent",
        body="Hello.",
        status=MessageStatus.failed,
        attempts=5,
        last_error="connection refused",
    )
    db.session.add_all([grade_export, record_export, message])
    document = issue_record(alice, by=registrar)
    record_request = request_record(alice, "Graduate school")
    db.session.flush()
    criterion = db.session.scalar(select(RubricCriterion).order_by(RubricCriterion.id))
    if criterion is None:  # PostgreSQL's tables were emptied, the seeded rubric too
        criterion = RubricCriterion(
            key="quality", label="Quality of work", descriptors=["1", "2", "3", "4", "5"]
        )
        db.session.add(criterion)
        db.session.flush()
    return {
        "grade_export": grade_export.id,
        "record_export": record_export.id,
        "message": message.id,
        "document": document.id,
        "code": document.code,
        "request": record_request.id,
        "criterion": criterion.id,
    }


# -- what a refused write must leave alone -------------------------------------------------


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with app.app_context():
        connection = db.session.connection()
        rows = {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).all()
            ]
            for table in db.metadata.sorted_tables
        }
        db.session.rollback()
    return rows


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    """The names of the tables whose rows differ."""
    return sorted(name for name in before if before[name] != after[name])
