"""Demo data for ``make run``: terms, a catalogue and credit plans of the demo campus.

People are the real entries of the demo directory, stored the way sign-in
stores them (keyed by ``entryUUID``), so a demo student who signs in finds
their plans. Plans move through ``careercredit.plans.workflow``, leaving
the audit events and outbox messages real use would leave. One student's
posted credit is issued as an official record, signed when ``make run``
configured its demo CA.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from careercredit import clock
from careercredit.auth.ldap import Directory
from careercredit.auth.services import sync_person
from careercredit.badges.services import issue_for_plan
from careercredit.demo.catalogue import COURSES, EMPLOYERS, LETTER_GRADES
from careercredit.demo.plans import PLANS, SPONSOR, STUDENT, DemoPlan
from careercredit.demo.work import REFLECTION, evaluate, log_hours
from careercredit.extensions import db
from careercredit.models import (
    Course,
    CourseSection,
    CreditPlan,
    Employer,
    Placement,
    PlanState,
    Posting,
    Project,
    ProjectStatus,
    Scheme,
    SchemeGrade,
    SchemeKind,
    Supervisor,
    Term,
    User,
)
from careercredit.plans.workflow import Action, max_awardable, perform
from careercredit.records.services import issue_record
from careercredit.reports import summaries

#: Staff who sign in to the demo and should exist before anyone does.
STAFF = ("dwhitfield", "mbell", "tguzman", "mlindqvist", "soduya", "jreyes")

#: The student whose official record the seed issues, and the registrar who issues it.
RECORD = ("jnunez", "mlindqvist")

#: (code suffix, name, first day, last day) of each term of a year, as (month, day).
CALENDAR = (
    ("SP", "Spring", (1, 12), (5, 8)),
    ("SU", "Summer", (5, 18), (8, 7)),
    ("FA", "Fall", (8, 24), (12, 18)),
)


@dataclass(frozen=True)
class DemoSummary:
    """What the seed added."""

    terms: list[str]
    employers: int
    projects: int
    plans: int
    people: int
    records: int

    def __str__(self) -> str:
        return (
            f"terms {', '.join(self.terms)}; {self.employers} employers, "
            f"{self.projects} projects, {self.plans} credit plans, {self.people} people, "
            f"{self.records} official record{'s' if self.records != 1 else ''}"
        )


def seed_demo(directory: Directory, today: date | None = None) -> DemoSummary | None:
    """Fill an empty database with the demo data and commit; return what was added.

    The official record is signed when the app is configured to sign.

    A database that already holds terms or employers (the demo data of an
    earlier start, or real data) is left as it is: the answer is ``None``.
    Raises ``DirectoryUnavailable`` if the demo directory does not answer.
    """
    if db.session.scalar(select(Term.id).limit(1)) or db.session.scalar(
        select(Employer.id).limit(1)
    ):
        return None
    people = sync_people(directory, _uids())
    terms = {key: _add_term(values) for key, values in demo_terms(today or clock.today()).items()}
    projects = _add_catalogue(terms)
    sections = _add_courses(terms)
    for n, spec in enumerate(PLANS):
        plan = _add_plan(spec, people, terms, projects, sections[spec.term][n % len(COURSES)])
        _backdate(plan, n)
    for employer in EMPLOYERS:  # closed once the plans that used them were made
        for p in employer.projects:
            if p.closed:
                projects[p.key].status = ProjectStatus.closed
    student, registrar = RECORD
    issue_record(people[student], by=people[registrar])
    summaries.rebuild()  # the plans were made and backdated past the services
    db.session.commit()
    return DemoSummary(
        terms=[term.code for term in terms.values()],
        employers=len(EMPLOYERS),
        projects=len(projects),
        plans=len(PLANS),
        people=len(people),
        records=1,
    )


def demo_terms(today: date) -> dict[str, dict[str, Any]]:
    """The past, current and upcoming terms around ``today``; the current one contains it.

    Between two terms (a holiday), the term just ended is stretched to
    ``today`` so that the demo always has a term under way.
    """
    terms = [
        _term(year, suffix, name, date(year, *first), date(year, *last))
        for year in (today.year - 1, today.year, today.year + 1)
        for suffix, name, first, last in CALENDAR
    ]
    now = max(i for i, term in enumerate(terms) if term["starts_on"] <= today)
    current = terms[now]
    if current["ends_on"] < today:
        current["ends_on"] = today
        current["grading_deadline"] = today + timedelta(days=10)
    return {"past": terms[now - 1], "current": current, "upcoming": terms[now + 1]}


def _term(year: int, suffix: str, name: str, first: date, last: date) -> dict[str, Any]:
    return {
        "code": f"{year}{suffix}",
        "name": f"{name} {year}",
        "starts_on": first,
        "ends_on": last,
        "census_on": first + timedelta(days=21),
        "grading_deadline": last + timedelta(days=10),
        "hours_per_credit": 45,
        "max_credits": 3,
    }


def sync_people(directory: Directory, uids: list[str]) -> dict[str, User]:
    """Create or update the local users of the demo people, as signing in would."""
    people = {}
    for uid in uids:
        person = directory.find_by_username(uid)
        if person is None:
            raise LookupError(f"the demo directory has no person {uid!r}")
        people[uid] = sync_person(person)
    db.session.flush()
    return people


def _uids() -> list[str]:
    named = [uid for spec in PLANS for uid in (spec.student, spec.sponsor)]
    actors = [step.by for spec in PLANS for step in spec.steps]
    uids = [*named, *actors, *STAFF]
    return list(dict.fromkeys(u for u in uids if u and u not in {STUDENT, SPONSOR}))


def _add_term(values: dict[str, Any]) -> Term:
    term = Term(**values)
    db.session.add(term)
    return term


def _add_catalogue(terms: dict[str, Term]) -> dict[str, Project]:
    projects = {}
    for spec in EMPLOYERS:
        employer = Employer(name=spec.name, website=spec.website, address=spec.address)
        supervisors = [
            Supervisor(employer=employer, name=name, title=title, email=email.lower())
            for name, title, email in spec.supervisors
        ]
        db.session.add(employer)
        for n, p in enumerate(spec.projects):
            term = terms[p.term]
            starts = term.starts_on + timedelta(weeks=n % 3)
            ends = min(starts + timedelta(weeks=max(3, p.hours // 5)), term.ends_on)
            projects[p.key] = Project(
                employer=employer,
                supervisor=supervisors[p.supervisor],
                title=p.title,
                description=p.description,
                deliverables=p.deliverables,
                estimated_hours=Decimal(p.hours),
                starts_on=starts,
                ends_on=ends,
                status=ProjectStatus.open,
            )
            db.session.add(projects[p.key])
    db.session.flush()
    return projects


def _scheme(kind: SchemeKind) -> Scheme:
    """The scheme of ``kind``: the migration's S/U one, or the demo's letter grades."""
    found = db.session.scalar(select(Scheme).where(Scheme.kind == kind).limit(1))
    if found is not None:
        return found
    grades: list[tuple[str, str, Decimal | None, bool]]
    if kind == SchemeKind.satisfactory:
        grades = [("S", "satisfactory", None, True), ("U", "unsatisfactory", None, False)]
    else:
        grades = [(g, m, Decimal(p), earns) for g, m, p, earns in LETTER_GRADES]
    scheme = Scheme(name=kind.label, kind=kind)
    scheme.grade_rows = [
        SchemeGrade(position=i, grade=g, meaning=m, points=p, earns_credit=earns)
        for i, (g, m, p, earns) in enumerate(grades)
    ]
    db.session.add(scheme)
    return scheme


def _add_courses(terms: dict[str, Term]) -> dict[str, list[CourseSection]]:
    """The demo courses, and a section of each in every term (by term key, in course order)."""
    courses = [
        Course(
            subject=c.subject,
            number=c.number,
            title=c.title,
            department=c.department,
            credits_min=1,
            credits_max=3,
            scheme=_scheme(SchemeKind(c.scheme)),
        )
        for c in COURSES
    ]
    db.session.add_all(courses)
    sections = {
        key: [
            CourseSection(
                term=term, course=course, section="001", class_number=str(c.first_crn + i)
            )
            for course, c in zip(courses, COURSES, strict=True)
        ]
        for i, (key, term) in enumerate(terms.items())
    }
    db.session.add_all([s for offered in sections.values() for s in offered])
    db.session.flush()
    return sections


def _add_plan(
    spec: DemoPlan,
    people: dict[str, User],
    terms: dict[str, Term],
    projects: dict[str, Project],
    section: CourseSection,
) -> CreditPlan:
    plan = CreditPlan(
        student=people[spec.student],
        term=terms[spec.term],
        section=section,
        sponsor=people[spec.sponsor],
        objectives=spec.objectives,
        credits_requested=spec.credits,
    )
    plan.placements = [Placement(project=projects[key]) for key in spec.projects]
    db.session.add(plan)
    db.session.flush()
    for step in spec.steps:
        if step.objectives is not None:
            plan.objectives = step.objectives
        actor = {STUDENT: plan.student, SPONSOR: plan.sponsor, None: None}.get(step.by)
        if step.by not in {STUDENT, SPONSOR, None}:
            actor = people[step.by]
        if step.name == Action.start:
            log_hours(plan, 1.0 if any(s.name == Action.complete for s in spec.steps) else 0.6)
        if step.name == Action.complete:
            evaluate(plan)
        perform(
            plan,
            step.name,
            by=actor,
            comment=step.comment,
            credits=max_awardable(plan) if step.name == Action.sign_off else step.credits,
            # The best grade of the plan's own scheme: S, or A in the letter-graded course.
            grade=plan.grading.grades[0] if step.name == Action.sign_off else None,
            reflection=REFLECTION if step.name == Action.complete else "",
        )
        if step.name == Action.post:
            assert actor is not None  # the registrar the step names
            plan.posting = Posting(posted_by_id=actor.id)
            issue_for_plan(plan)  # as the registrar's posting does (when a badge key is set)
    return plan


def _backdate(plan: CreditPlan, n: int) -> None:
    """Date the submission and decision as they would have been, not all at seed time.

    The audit events keep the seed's own time: they record what happened.
    """
    if plan.submitted_at is None:
        return
    latest = clock.now() - timedelta(days=len(PLANS) - n)
    start = datetime.combine(plan.term.starts_on, time(10, 30), tzinfo=UTC)
    if plan.state in {PlanState.submitted, PlanState.changes_requested}:  # still in the works
        plan.submitted_at = latest - timedelta(days=4)
    else:
        plan.submitted_at = min(start - timedelta(days=21 - n % 7), latest)
    if plan.decided_at is not None:
        plan.decided_at = min(plan.submitted_at + timedelta(days=2, hours=3), latest)
