"""The demo data of ``make run``: seeded once, on the demo campus's real people."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from careercredit import clock
from careercredit.auth.services import directory
from careercredit.demo.__main__ import DEMO_PASSWORD, configure_signing, start_demo_directory
from careercredit.demo.seed import DemoSummary, demo_terms, seed_demo
from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    CommentKind,
    CreditPlan,
    Employer,
    OutboxMessage,
    PlanComment,
    PlanState,
    Project,
    ProjectStatus,
    RecordDocument,
    Role,
    Supervisor,
    Term,
    User,
)
from config import read_settings
from tests.conftest import login
from tests.records.test_signing import validate

TABLES = (Term, Employer, Supervisor, Project, CreditPlan, PlanComment, User, AuditEvent)


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, str]]:
    campus, settings = start_demo_directory()
    yield settings
    campus.stop()


@pytest.fixture
def demo_environ(demo: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The settings ``make run`` adds: the demo directory and a demo CA of this test's own."""
    environ = dict(demo)
    configure_signing(environ, tmp_path / "demo-ca")
    return environ


@pytest.fixture
def demo_app(demo_environ: dict[str, str], make_app: Callable[..., Flask]) -> Flask:
    """The app on the demo campus directory, as ``make run`` configures it."""
    settings = read_settings(demo_environ).items()
    return make_app(**{k: v for k, v in settings if k.startswith(("LDAP_", "SIGNING_"))})


@pytest.fixture
def seeded(demo_app: Flask) -> DemoSummary:
    with demo_app.app_context():
        summary = seed_demo(directory())
    assert summary is not None
    return summary


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in TABLES
        }


def test_the_demo_has_terms_a_catalogue_and_plans_in_every_state(
    demo_app: Flask, seeded: DemoSummary
) -> None:
    today = clock.today()
    with demo_app.app_context():
        terms = db.session.scalars(select(Term).order_by(Term.starts_on)).all()
        assert [t.code for t in terms] == seeded.terms
        past, current, upcoming = terms
        assert past.ends_on < today
        assert current.starts_on <= today <= current.ends_on
        assert upcoming.starts_on > today

        assert db.session.scalar(select(func.count()).select_from(Employer)) == 10
        projects = db.session.scalars(select(Project)).all()
        assert len(projects) == 30
        assert all(10 <= p.estimated_hours <= 60 for p in projects)
        assert all(p.supervisor.employer_id == p.employer_id for p in projects)
        assert 0 < sum(p.status == ProjectStatus.closed for p in projects) < 30

        plans = db.session.scalars(select(CreditPlan)).all()
        assert {plan.state for plan in plans} == set(PlanState)
        for plan in plans:
            assert plan.student.has_role(Role.student)
            assert plan.sponsor.has_role(Role.faculty)


def test_plans_carry_the_history_their_state_implies(demo_app: Flask, seeded: DemoSummary) -> None:
    with demo_app.app_context():
        plans = db.session.scalars(select(CreditPlan)).all()
        for plan in plans:
            kinds = {comment.kind for comment in plan.comments}
            if plan.state == PlanState.changes_requested:
                assert CommentKind.changes_requested in kinds
            if plan.state == PlanState.rejected:
                assert CommentKind.rejected in kinds
            assert all(c.body and c.author_id for c in plan.comments)
            actions = db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.object_type == "credit_plan")
                .where(AuditEvent.object_id == str(plan.id))
                .order_by(AuditEvent.id)
            ).all()
            if plan.state != PlanState.draft:
                assert actions[0] == "plan.submit", plan
            if plan.state == PlanState.posted:
                assert actions[-3:] == ["plan.complete", "plan.sign_off", "plan.post"]
        resubmitted = db.session.scalar(
            select(func.count()).where(AuditEvent.action == "plan.resubmit")
        )
        assert resubmitted >= 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) > 0


def test_the_demo_issues_a_signed_record_of_posted_credit(
    demo_app: Flask, seeded: DemoSummary, demo_environ: dict[str, str]
) -> None:
    assert seeded.records == 1
    assert str(seeded).endswith("1 official record")
    with demo_app.app_context():
        document = db.session.scalars(select(RecordDocument)).one()
        assert (document.student.uid, document.issued_by.uid) == ("jnunez", "mlindqvist")
        assert document.signed
        assert document.total_credits >= 1
        pdf = document.content
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "José Ñúñez" in text
    assert "Margaret Lindqvist" in text
    assert "Customer churn dashboard for a regional gym chain" in text
    assert validate(pdf, Path(demo_environ["CAREERCREDIT_SIGNING_CHAIN"])).bottom_line


def test_seeding_again_changes_nothing(demo_app: Flask, seeded: DemoSummary) -> None:
    before = counts(demo_app)
    with demo_app.app_context():
        assert seed_demo(directory()) is None
    assert counts(demo_app) == before
    assert before["Term"] == 3
    assert before["Employer"] == 10
    assert before["Project"] == 30


def test_a_database_with_terms_of_its_own_is_left_alone(demo_app: Flask) -> None:
    with demo_app.app_context():
        db.session.add(
            Term(
                code="2026FA",
                name="Fall 2026",
                starts_on=date(2026, 8, 24),
                ends_on=date(2026, 12, 18),
                census_on=date(2026, 9, 14),
                grading_deadline=date(2026, 12, 28),
            )
        )
        db.session.commit()
        assert seed_demo(directory()) is None
    assert counts(demo_app)["Employer"] == 0


def test_a_seeded_student_signs_in_to_their_own_row(demo_app: Flask, seeded: DemoSummary) -> None:
    with demo_app.app_context():
        student = db.session.scalar(select(User).where(User.uid == "jnunez"))
        own = set(
            db.session.scalars(select(CreditPlan.id).where(CreditPlan.student_id == student.id))
        )
        visible = set(
            db.session.scalars(select(CreditPlan.id).where(CreditPlan.visible_to(student)))
        )
        row = (student.id, student.directory_id)
    assert len(own) >= 2
    assert visible == own
    users = counts(demo_app)["User"]

    client = demo_app.test_client()
    assert login(client, "jnunez", DEMO_PASSWORD).status_code == 302
    assert "José Ñúñez" in client.get("/").get_data(as_text=True)
    my_plans = client.get("/plans/").get_data(as_text=True)
    assert "Customer churn dashboard for a regional gym chain" in my_plans  # posted, past term
    assert "Demand forecast for a farmers&#39; market network" in my_plans  # in progress, now
    assert ">Posted<" in my_plans
    assert ">In progress<" in my_plans

    assert counts(demo_app)["User"] == users
    with demo_app.app_context():
        signed_in = db.session.scalar(select(User).where(User.uid == "jnunez"))
        assert (signed_in.id, signed_in.directory_id) == row
        assert signed_in.last_login_at is not None


def test_every_person_of_the_demo_is_one_row(demo_app: Flask, seeded: DemoSummary) -> None:
    with demo_app.app_context():
        uids = Counter(db.session.scalars(select(User.uid)))
        ids = Counter(db.session.scalars(select(User.directory_id)))
    assert max(uids.values()) == 1
    assert max(ids.values()) == 1
    assert {"dwhitfield", "mlindqvist", "jreyes", "hvasquez"} <= set(uids)


@pytest.mark.parametrize(
    "today",
    [
        date(2026, 1, 1),  # between fall and spring
        date(2026, 1, 12),
        date(2026, 5, 12),  # between spring and summer
        date(2026, 7, 4),
        date(2026, 8, 20),  # between summer and fall
        date(2026, 11, 26),
        date(2026, 12, 31),
    ],
)
def test_there_is_always_a_current_term(today: date) -> None:
    terms = demo_terms(today)
    past, current, upcoming = terms["past"], terms["current"], terms["upcoming"]
    assert past["ends_on"] < today < upcoming["starts_on"]
    assert current["starts_on"] <= today <= current["ends_on"]
    for term in terms.values():
        assert term["starts_on"] < term["ends_on"]
        assert term["starts_on"] <= term["census_on"] <= term["ends_on"]
        assert term["grading_deadline"] >= term["ends_on"]
    assert demo_terms(date(2026, 11, 26))["current"]["code"] == "2026FA"
