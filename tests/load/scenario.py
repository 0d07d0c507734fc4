"""What the load needs before it starts: students in the directory, plans and hours links.

Students are real directory entries (they sign in through the login form);
their local users, plans and supervisor links are made the way the app makes
them: ``sync_person`` as sign-in does, an approved plan with the student's
consent, and ``send_link`` for each placement's hours link.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import Flask

from careercredit import clock
from careercredit.auth.services import directory, sync_person
from careercredit.demo.directory import SUFFIX, CampusDirectory
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Employer,
    LinkPurpose,
    Placement,
    PlanState,
    Project,
    ProjectStatus,
    Role,
    Supervisor,
    Term,
    User,
)
from careercredit.supervisors.links import send_link, token_for

STUDENTS_GROUP = f"cn=students,ou=groups,{SUFFIX}"
#: Days before today the term (and every project) started; hours go on the days between.
TERM_DAYS_BACK = 60
OBJECTIVES = (
    "Apply what the course taught to a client's real problem, log the work day by day "
    "and have the placement supervisor verify it."
)


@dataclass(frozen=True)
class Student:
    """A student of the load: who signs in, and where they log hours."""

    uid: str
    plan_id: int
    placement_ids: tuple[int, ...]


@dataclass(frozen=True)
class HoursLink:
    """A supervisor's hours link of one placement."""

    token: str
    link_id: int
    placement_id: int


@dataclass(frozen=True)
class Scenario:
    """The students (one password for all) and each supervisor's hours links."""

    password: str
    students: list[Student]
    supervisors: list[list[HoursLink]]


def student_uids(count: int) -> list[str]:
    """The uids of the load's students."""
    return [f"load{n:03d}" for n in range(1, count + 1)]


def add_students(campus: CampusDirectory, uids: list[str], password: str) -> None:
    """Add the students to the directory and to its students group."""
    entries = "\n".join(
        f"dn: uid={uid},ou=people,{SUFFIX}\n"
        "objectClass: inetOrgPerson\n"
        f"uid: {uid}\n"
        f"cn: Load Student {uid[4:]}\n"
        "sn: Student\n"
        f"displayName: Load Student {uid[4:]}\n"
        f"mail: {uid}@university.example\n"
        f"employeeNumber: 97{n:07d}\n"
        f"userPassword: {password}\n"
        for n, uid in enumerate(uids, start=1)
    )
    campus.ldapadd(entries)
    members = "".join(f"member: uid={uid},ou=people,{SUFFIX}\n" for uid in uids)
    campus.ldapmodify(f"dn: {STUDENTS_GROUP}\nchangetype: modify\nadd: member\n{members}")


def seed(app: Flask, uids: list[str], supervisors: int, password: str) -> Scenario:
    """Add a term, one project per supervisor, an approved plan per student and the links.

    Every fourth student's plan has a second placement with the next supervisor, so
    two supervisors may start the same plan at once.
    """
    today = clock.today()
    with app.app_context():
        term = _term(today)
        sponsor = _sponsor()
        projects = _projects(today, supervisors)
        people = _people(uids)
        now = datetime.now(UTC)
        plans = []
        for n, uid in enumerate(uids):
            chosen = [projects[n % supervisors]]
            if n % 4 == 3 and supervisors > 1:
                chosen.append(projects[(n + 1) % supervisors])
            plan = CreditPlan(
                student=people[uid],
                term=term,
                sponsor=sponsor,
                objectives=OBJECTIVES,
                credits_requested=1,
                credits_approved=1,
                state=PlanState.approved,
                submitted_at=now,
                decided_at=now,
            )
            plan.placements = [Placement(project=p, consent_at=now) for p in chosen]
            db.session.add(plan)
            plans.append(plan)
        db.session.flush()
        links: list[list[HoursLink]] = [[] for _ in range(supervisors)]
        for plan in plans:
            for placement in plan.placements:
                link = send_link(placement, LinkPurpose.hours, by=plan.student)
                owner = projects.index(placement.project)
                links[owner].append(HoursLink(token_for(link), link.id, placement.id))
        students = [
            Student(p.student.uid, p.id, tuple(pl.id for pl in p.placements)) for p in plans
        ]
        db.session.commit()
        db.session.remove()
        return Scenario(password, students, links)


def _term(today: date) -> Term:
    starts = today - timedelta(days=TERM_DAYS_BACK)
    term = Term(
        code="LOAD",
        name="Load test term",
        starts_on=starts,
        ends_on=today + timedelta(days=60),
        census_on=starts + timedelta(days=21),
        grading_deadline=today + timedelta(days=74),
        hours_per_credit=45,
        max_credits=3,
    )
    db.session.add(term)
    return term


def _sponsor() -> User:
    sponsor = User(
        directory_id=str(uuid.uuid4()),
        uid="loadsponsor",
        display_name="Load Sponsor",
        email="loadsponsor@university.example",
    )
    sponsor.set_roles({Role.faculty})
    db.session.add(sponsor)
    return sponsor


def _projects(today: date, count: int) -> list[Project]:
    employer = Employer(name="Load Test Employer")
    projects = []
    for n in range(1, count + 1):
        supervisor = Supervisor(
            employer=employer, name=f"Load Supervisor {n}", email=f"supervisor{n}@load.example"
        )
        projects.append(
            Project(
                employer=employer,
                supervisor=supervisor,
                title=f"Load project {n}",
                description="A project for the load test.",
                deliverables="Hours, verified.",
                estimated_hours=Decimal(45),
                starts_on=today - timedelta(days=TERM_DAYS_BACK),
                ends_on=today + timedelta(days=60),
                status=ProjectStatus.open,
            )
        )
    db.session.add_all(projects)
    return projects


def _people(uids: list[str]) -> dict[str, User]:
    campus = directory()
    people = {}
    for uid in uids:
        person = campus.find_by_username(uid)
        if person is None:
            raise LookupError(f"the directory has no student {uid!r}")
        people[uid] = sync_person(person)
    db.session.flush()
    return people
