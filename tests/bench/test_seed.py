"""``flask bench seed``: a university of the promised shape, seeded only into an empty database."""

from __future__ import annotations

import hashlib
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from careercredit import clock
from careercredit.bench.directory import (
    GROUPS,
    PASSWORD,
    BenchDirectory,
    BenchPerson,
    bench_ldif,
    bench_people,
)
from careercredit.bench.pages import ENV as FLOORS
from careercredit.bench.pages import LAYOUT_PATH
from careercredit.bench.plans import ROSTER, SIGN_OFF_QUEUE
from careercredit.bench.seed import seed_university
from careercredit.bench.shape import Sizes, calendar
from careercredit.bench.targets import bench_pages
from careercredit.demo.directory import SERVICE_DN, SUFFIX
from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    CreditPlan,
    HourEntry,
    Placement,
    PlanState,
    Posting,
    Project,
    RecordDocument,
    SignOff,
    Term,
    User,
)
from tests.conftest import login

SCALE = 0.001


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """The test's database holding the university at ``SCALE``."""
    with app.app_context():
        seed_university(SCALE)
    return app


def _counts(column) -> list[int]:
    """How many plans (or projects) each value of ``column`` has, most first."""
    model = column.class_
    rows = db.session.execute(select(column, func.count()).select_from(model).group_by(column))
    return sorted((count for value, count in rows if value is not None), reverse=True)


def test_every_plan_state_is_present(seeded: Flask) -> None:
    with seeded.app_context():
        states = set(db.session.scalars(select(CreditPlan.state).distinct()))
    assert states == set(PlanState)


def test_counts_are_in_proportion_to_the_scale(seeded: Flask) -> None:
    sizes = Sizes.at(SCALE)
    with seeded.app_context():

        def count(model: type) -> int:
            return db.session.scalar(select(func.count()).select_from(model)) or 0

        assert count(CreditPlan) == sizes["plans"]
        assert count(Project) == pytest.approx(sizes["projects"], rel=0.25)
        assert count(Placement) == pytest.approx(sizes["placements"], rel=0.15)
        assert count(HourEntry) == pytest.approx(sizes["hour_entries"], rel=0.15)
        assert count(RecordDocument) == sizes["records"]
        assert count(AuditEvent) == sizes["audit_events"]
        students = db.session.scalar(select(func.count()).where(User.uid.like("stu%")))
        assert students == sizes["students"]


def test_some_students_sponsors_and_employers_have_far_more(seeded: Flask) -> None:
    with seeded.app_context():
        for counts in (
            _counts(CreditPlan.student_id),
            _counts(CreditPlan.sponsor_id),
            _counts(Project.employer_id),
        ):
            assert counts[0] >= 4 * statistics.median(counts)


def test_finished_plans_carry_their_sign_off_posting_and_hours(seeded: Flask) -> None:
    with seeded.app_context():
        posted = db.session.scalars(
            select(CreditPlan).where(CreditPlan.state == PlanState.posted)
        ).all()
        signed = {p for (p,) in db.session.execute(select(SignOff.plan_id))}
        postings = {p for (p,) in db.session.execute(select(Posting.plan_id))}
        assert posted
        assert {p.id for p in posted} <= signed & postings
        for plan in posted[:10]:
            assert plan.sign_off.credits_awarded * 45 <= plan.verified_hours


def test_issued_records_hold_a_pdf_with_its_sha256(seeded: Flask) -> None:
    with seeded.app_context():
        record = db.session.scalars(select(RecordDocument).limit(1)).one()
        assert record.content.startswith(b"%PDF-")
        assert hashlib.sha256(record.content).hexdigest() == record.sha256
        assert record.size_bytes == len(record.content)
        codes = db.session.scalars(select(RecordDocument.code)).all()
        assert len(set(codes)) == len(codes)


def test_the_busiest_student_has_a_plan_with_200_hour_entries(seeded: Flask) -> None:
    with seeded.app_context():
        student = bench_people()[0]
        entries = Counter(
            db.session.scalars(
                select(Placement.plan_id)
                .join(HourEntry, HourEntry.placement_id == Placement.id)
                .join(CreditPlan, CreditPlan.id == Placement.plan_id)
                .join(User, User.id == CreditPlan.student_id)
                .where(User.uid == student.uid)
            )
        )
    assert max(entries.values()) == 200


def test_the_busiest_sponsor_has_a_full_sign_off_queue(seeded: Flask) -> None:
    with seeded.app_context():
        sponsor = next(p for p in bench_people() if p.why == "busiest sponsor")
        waiting = db.session.execute(
            select(User.uid, func.count())
            .join(CreditPlan, CreditPlan.sponsor_id == User.id)
            .where(CreditPlan.state == PlanState.awaiting_signoff)
            .group_by(User.uid)
        ).all()
    counts = dict(waiting)
    assert counts[sponsor.uid] == min(SIGN_OFF_QUEUE, sum(counts.values()))


def test_the_last_term_has_a_roster_waiting_to_be_posted(seeded: Flask) -> None:
    last = next(term.code for term in calendar(clock.today()) if term.kind == "last")
    with seeded.app_context():
        by_state = dict(
            db.session.execute(
                select(CreditPlan.state, func.count())
                .join(CreditPlan.term)
                .where(Term.code == last)
                .group_by(CreditPlan.state)
            ).all()
        )
    finished = by_state.get(PlanState.signed_off, 0) + by_state.get(PlanState.posted, 0)
    assert by_state.get(PlanState.signed_off, 0) >= min(ROSTER, finished)


@pytest.fixture
def bench_app(
    seeded: Flask,
    make_app: Callable[..., Flask],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Flask, list[BenchPerson]]]:
    """An app signing in against a slapd that holds the seeded bench people, and the people.

    It has the floor hooks, as ``make bench`` serves it (the layout page is measured).
    """
    monkeypatch.setenv(FLOORS, str(tmp_path / "captures"))
    with seeded.app_context():
        people = bench_people()
    ldif = tmp_path / "bench.ldif"
    ldif.write_text(bench_ldif(people, "service secret"), encoding="utf-8")
    directory = BenchDirectory(ldif)
    directory.start()
    try:
        app = make_app(
            directory,
            LDAP_USER_BASE=f"ou=people,{SUFFIX}",
            LDAP_BIND_DN=SERVICE_DN,
            LDAP_ROLE_GROUPS={r.value: f"cn={cn},ou=groups,{SUFFIX}" for r, cn in GROUPS.items()},
        )
        yield app, people
    finally:
        directory.stop()


def test_bench_people_sign_in_to_their_seeded_rows(
    bench_app: tuple[Flask, list[BenchPerson]],
) -> None:
    app, people = bench_app
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
    whys = [person.why for person in people]
    assert whys[0] == "student with the most plans (#1)"
    assert {"busiest sponsor", "busiest advisor", "a registrar"} <= set(whys)
    response = login(app.test_client(), people[0].uid, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        # Signed in to the seeded row (same entryUUID), not to a new one.
        assert db.session.scalar(select(func.count()).select_from(User)) == users
        user = db.session.scalar(select(User).where(User.uid == people[0].uid))
        assert user.last_login_at is not None
        assert user.directory_id == people[0].directory_id


def test_every_measured_page_answers_the_person_it_is_measured_as(
    bench_app: tuple[Flask, list[BenchPerson]],
) -> None:
    app, people = bench_app
    with app.app_context():
        pages = bench_pages(people)
    clients = {}
    for person in people:
        clients[person.uid] = app.test_client()
        assert login(clients[person.uid], person.uid, PASSWORD).status_code == 302
    names = [page.name for page in pages]
    assert "advisor queue, deep page" in names
    assert "verification page" in names
    # Every page's floor counts the layout page of the same person, which is measured too.
    layouts = {page.name: page for page in pages if page.path == LAYOUT_PATH}
    for page in pages:
        if page.layout:
            assert layouts[page.layout].who == page.who, page.name
    for page in pages:
        if page.method != "GET":
            continue
        client = clients[page.who] if page.who else app.test_client()
        response = client.get(page.path)
        assert response.status_code == 200, (page.name, response.status_code)
        if page.name in {"advisor queue, deep page", "advisor queue, student search"}:
            # The deep page is one that exists: it lists plans, not "no plans".
            assert re.search(r'href="/plans/\d+"', response.get_data(as_text=True))


def test_seed_command_refuses_a_database_in_use(app: Flask, make) -> None:
    make.user("someone")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["bench", "seed", "--scale", str(SCALE)])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output
    assert "--force" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CreditPlan)) == 0


def test_seed_command_with_force_replaces_what_was_there(app: Flask, make) -> None:
    make.user("someone")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bench", "seed", "--scale", str(SCALE), "--force"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.uid == "someone")) is None
        plans = db.session.scalar(select(func.count()).select_from(CreditPlan))
    assert plans == Sizes.at(SCALE)["plans"]
