"""Fill an empty database with a synthetic university, fast.

Rows are generated in Python from one seeded random generator (the same
scale gives the same university) and written in big executemany batches,
the two big tables (hour entries, audit events) with COPY on PostgreSQL.
Ids are given, not drawn, so related rows can be written without reading
anything back; PostgreSQL's sequences are moved past them at the end.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from careercredit import clock
from careercredit.bench import audit, plans, records, work
from careercredit.bench.campus import Campus
from careercredit.bench.loader import Loader
from careercredit.bench.shape import Sizes, Skewed, calendar, moment, spread
from careercredit.bench.words import (
    OBJECTIVES,
    REFLECTION,
    employer_name,
    person_name,
    project_title,
)
from careercredit.extensions import db
from careercredit.models import (
    Amendment,
    AuditEvent,
    CreditPlan,
    Employer,
    Evaluation,
    GradeExport,
    GradingScheme,
    HourEntry,
    Placement,
    PlanComment,
    Posting,
    Project,
    ProjectStatus,
    RecordDocument,
    Role,
    RubricCriterion,
    SignOff,
    Supervisor,
    SupervisorLink,
    Term,
    User,
    UserRole,
)

#: The random seed: the same scale always gives the same university.
SEED = 2026
#: Tables whose rows mean the database is in use.
IN_USE = (User, Term, Employer, CreditPlan, AuditEvent)

Progress = Callable[[str, int], None]


def is_empty() -> bool:
    """Whether the database holds no people, terms, catalogue, plans or audit events."""
    return all(db.session.scalar(select(model.id).limit(1)) is None for model in IN_USE)


def expected_rows(scale: float) -> int:
    """About how many rows a seed of ``scale`` writes (for a progress bar)."""
    sizes = Sizes.at(scale)
    people = sum(sizes[k] for k in ("students", "faculty", "advisors", "registrars", "admins"))
    catalogue = sizes["employers"] * 2.5 + sizes["projects"]
    work_rows = sizes["plans"] * 2.5 + sizes["placements"] * 2.5 + sizes["hour_entries"]
    return round(2 * people + catalogue + work_rows + sizes["records"] + sizes["audit_events"])


def seed_university(
    scale: float, *, today: date | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Write the university of ``scale`` into the empty, migrated database; return row counts."""
    now = clock.now()
    today = today or clock.today()
    rng = random.Random(SEED)  # noqa: S311  (reproducible data, not secrets)
    campus = Campus(rng, Sizes.at(scale), now, today, calendar(today))
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        loader = Loader(conn, progress or (lambda table, count: None))
        _people(loader, campus)
        letter_terms = _terms(loader, campus)
        _catalogue(loader, campus)
        campus.rubric = _rubric(conn)
        _plans_and_work(loader, campus, letter_terms)
        loader.restart_sequences(db.metadata.sorted_tables)
    # Nothing may hold an old snapshot while VACUUM marks the new rows visible to all.
    db.session.remove()
    _analyze()
    return dict(loader.counts)


def _analyze() -> None:
    """Give the query planner statistics of the new tables."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


# -- people, terms, catalogue ---------------------------------------------------------


def _people(loader: Loader, campus: Campus) -> None:
    rng, sizes = campus.rng, campus.sizes
    groups = [
        (Role.admin, "adm", sizes["admins"], campus.admins),
        (Role.registrar, "reg", sizes["registrars"], campus.registrars),
        (Role.advisor, "adv", sizes["advisors"], campus.advisors),
        (Role.faculty, "fac", sizes["faculty"], campus.faculty),
        (Role.student, "stu", sizes["students"], campus.students),
    ]
    users, roles, number = [], [], 0
    for role, prefix, count, ids in groups:
        for n in range(1, count + 1):
            number += 1
            uid = f"{prefix}{n:05d}"
            name = person_name(rng)
            seen = moment(campus.today - timedelta(days=rng.randrange(400)), rng)
            users.append(
                (
                    number, _uuid(rng), uid, name, f"{uid}@university.example",
                    f"9{number:08d}" if role == Role.student else None, seen, seen, None, 0,
                )
            )  # fmt: skip
            roles.append((number, role))
            ids.append(number)
            campus.names.append(name)
    loader.insert(
        User,
        ("id", "directory_id", "uid", "display_name", "email", "student_number",
         "created_at", "last_login_at", "roles_checked_at", "session_epoch"),
        users,
    )  # fmt: skip
    loader.insert(UserRole, ("user_id", "role"), roles)


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID from ``rng``, as slapd writes an entryUUID."""
    value = rng.getrandbits(128) & ~(0xF000 << 64) | (0x4000 << 64)
    value = value & ~(0xC000 << 48) | (0x8000 << 48)
    hexed = f"{value:032x}"
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def _terms(loader: Loader, campus: Campus) -> set[int]:
    """Write the calendar; return the indexes of the letter-graded terms."""
    letter = {t.index for t in campus.terms if t.index % 5 == 4}
    rows = []
    for term in campus.terms:
        rows.append(
            (
                term.index + 1, term.code, term.name, term.starts_on, term.ends_on,
                term.census_on, term.grading_deadline, 45, 3,
                GradingScheme.letter if term.index in letter else GradingScheme.satisfactory,
                "CAREER 2990", "001",
                moment(term.starts_on - timedelta(days=120), campus.rng),
            )
        )  # fmt: skip
        campus.term_ids.append(term.index + 1)
    loader.insert(
        Term,
        ("id", "code", "name", "starts_on", "ends_on", "census_on", "grading_deadline",
         "hours_per_credit", "max_credits", "grading_scheme", "course_code", "section",
         "created_at"),
        rows,
    )  # fmt: skip
    return letter


def _catalogue(loader: Loader, campus: Campus) -> None:
    rng, sizes = campus.rng, campus.sizes
    employer_ids = list(range(1, sizes["employers"] + 1))
    employers: list[tuple[Any, ...]] = []
    supervisors: list[tuple[int, int, str, str, str]] = []
    #: (id, e-mail) of each employer's supervisors.
    by_employer: dict[int, list[tuple[int, str]]] = {}
    for employer_id in employer_ids:
        name = employer_name(employer_id - 1)
        domain = f"employer{employer_id}.example"
        employers.append(
            (employer_id, name, f"https://www.{domain}", f"{employer_id} Main Street", None,
             campus.now - timedelta(days=rng.randrange(3650)))
        )  # fmt: skip
        count = 1 + (employer_id % 3 == 0) + 2 * (employer_id <= len(employer_ids) * 0.05)
        by_employer[employer_id] = []
        for n in range(count):
            supervisor_id = len(supervisors) + 1
            email = f"supervisor{n + 1}@{domain}"
            supervisors.append((supervisor_id, employer_id, person_name(rng), "Manager", email))
            by_employer[employer_id].append((supervisor_id, email))
    loader.insert(
        Employer,
        ("id", "name", "website", "address", "notes", "created_at"),
        employers,
    )
    loader.insert(Supervisor, ("id", "employer_id", "name", "title", "email"), supervisors)
    loader.insert(Project, PROJECT_COLUMNS, _projects(campus, employer_ids, by_employer))


PROJECT_COLUMNS = (
    "id", "employer_id", "supervisor_id", "external_id", "title", "description", "deliverables",
    "estimated_hours", "starts_on", "ends_on", "status", "created_at", "updated_at",
)  # fmt: skip


def _projects(
    campus: Campus, employer_ids: list[int], by_employer: dict[int, list[tuple[int, str]]]
) -> Iterator[tuple[Any, ...]]:
    rng = campus.rng
    employers = Skewed(employer_ids, rng, head=0.02)
    weights = [max(n, 1) for n in plans.plans_per_term(campus)]
    per_term = [max(4, n) for n in spread(campus.sizes["projects"], weights)]
    number = 0
    for term, count in zip(campus.terms, per_term, strict=True):
        campus.projects_by_term.append([])
        for employer_id in employers.picks(count):
            number += 1
            supervisor_id, email = rng.choice(by_employer[employer_id])
            starts = term.starts_on + timedelta(days=rng.randrange(21))
            ends = min(term.ends_on, starts + timedelta(weeks=rng.randrange(4, 13)))
            title = project_title(rng)
            created = moment(term.starts_on - timedelta(days=rng.randrange(30, 90)), rng)
            yield (
                number, employer_id, supervisor_id,
                f"MKT-{number:07d}" if rng.random() < 0.3 else None, title,
                f"{title} for a client team: scope the question, do the work, present it.",
                "A written report and a short presentation.",
                Decimal(5 * rng.randrange(4, 17)), starts, ends,
                ProjectStatus.closed if term.kind in {"past", "last"} else ProjectStatus.open,
                min(created, campus.now), min(created, campus.now),
            )  # fmt: skip
            campus.projects_by_term[-1].append(number)
            campus.project_emails.append(email)


def _rubric(conn: Connection) -> list[tuple[str, str]]:
    rows = conn.execute(
        select(RubricCriterion.key, RubricCriterion.label)
        .where(RubricCriterion.active)
        .order_by(RubricCriterion.position)
    )
    return [(key, label) for key, label in rows]


# -- plans and what hangs off them ---------------------------------------------------------


def _plans_and_work(loader: Loader, campus: Campus, letter_terms: set[int]) -> None:
    made = plans.make_plans(campus)
    loader.insert(
        CreditPlan,
        plans.PLAN_COLUMNS,
        plans.plan_rows(made, campus, OBJECTIVES, REFLECTION),
    )
    placement_rows = list(plans.placement_rows(made))
    loader.insert(Placement, plans.PLACEMENT_COLUMNS, placement_rows)
    work.plan_entry_counts(made, campus)
    loader.bulk(HourEntry, work.HOUR_COLUMNS, work.hour_rows(made, campus))
    loader.insert(Evaluation, work.EVALUATION_COLUMNS, work.evaluation_rows(made, campus))
    export_rows, exports = work.export_rows(made, campus)
    loader.insert(
        GradeExport,
        ("id", "term_id", "created_by_id", "created_at", "filename", "content", "sha256",
         "row_count"),
        export_rows,
    )  # fmt: skip
    loader.insert(
        SignOff,
        ("id", "plan_id", "grade", "credits_awarded", "comment", "signed_by_id", "signed_at"),
        work.sign_off_rows(made, campus, letter_terms),
    )
    loader.insert(
        Posting,
        ("id", "plan_id", "export_id", "posted_by_id", "posted_at"),
        work.posting_rows(made, campus, exports),
    )
    loader.insert(
        Amendment,
        ("id", "plan_id", "created_by_id", "created_at", "reason", "grade_before", "grade_after",
         "credits_before", "credits_after", "exported_in_id"),
        work.amendment_rows(made, campus, exports, letter_terms),
    )  # fmt: skip
    projects_of = {row[0]: row[2] for row in placement_rows}
    loader.insert(SupervisorLink, work.LINK_COLUMNS, work.link_rows(made, campus, projects_of))
    loader.insert(
        PlanComment,
        ("id", "plan_id", "author_id", "kind", "body", "created_at"),
        work.comment_rows(made, campus),
    )
    issued = records.record_rows(made, campus)
    loader.insert(RecordDocument, records.RECORD_COLUMNS, issued)
    loader.bulk(AuditEvent, audit.AUDIT_COLUMNS, audit.audit_rows(made, issued, campus))
