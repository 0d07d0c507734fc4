"""Credit courses and the sections terms offer; each write records an audit event (caller commits).

The database's unique constraints have the last word: a course code or a
section/class number another admin saved first is refused at commit with the
same message the form gives (``unique_course``, ``unique_section``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import (
    Course,
    CourseSection,
    CreditPlan,
    GradingScheme,
    Role,
    Scheme,
    Term,
    User,
    UserRole,
)
from careercredit.pdf.record import GradeKey
from careercredit.refusals import Refused
from careercredit.signoff.services import GRADE_NAMES, scheme_name
from careercredit.sql import conflict_refused

#: The columns a person edits, in form order.
COURSE_FIELDS = (
    "subject",
    "number",
    "title",
    "department",
    "credits_min",
    "credits_max",
    "scheme_id",
)
SECTION_FIELDS = ("course_id", "section", "class_number", "instructor_id")

DUPLICATE_COURSE = "A course with this subject and number already exists. Edit that course."
DUPLICATE_SECTION = "This course already has this section in the term. Choose another section."
DUPLICATE_CLASS_NUMBER = "Another section of this term has this class number (CRN)."


class DuplicateCourse(Refused):
    """Another course has the subject and number."""

    def __init__(self) -> None:
        super().__init__(problems={"number": DUPLICATE_COURSE})


class DuplicateSection(Refused):
    """The term already has the section, or the class number."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems=problems)


# -- queries -------------------------------------------------------------------


def schemes() -> list[Scheme]:
    """Every grading scheme, with its grades, by name."""
    return list(db.session.scalars(select(Scheme).order_by(Scheme.name)))


def courses() -> list[Course]:
    """Every course, by subject and number."""
    return list(db.session.scalars(select(Course).order_by(Course.subject, Course.number)))


def terms() -> list[Term]:
    """Every term, newest first, to reach their sections."""
    return list(db.session.scalars(select(Term).order_by(Term.starts_on.desc(), Term.id.desc())))


def sections_of(term_id: int) -> list[CourseSection]:
    """The sections a term offers, by course and section."""
    return list(
        db.session.scalars(
            select(CourseSection)
            .join(CourseSection.course)
            .where(CourseSection.term_id == term_id)
            .options(selectinload(CourseSection.instructor))
            .order_by(Course.subject, Course.number, CourseSection.section)
        )
    )


def section_counts(course_ids: list[int]) -> dict[int, int]:
    """Sections per course, over all terms (courses without sections left out)."""
    query = (
        select(CourseSection.course_id, func.count())
        .where(CourseSection.course_id.in_(course_ids))
        .group_by(CourseSection.course_id)
    )
    return {course_id: count for course_id, count in db.session.execute(query)}


def plans_in(section_id: int) -> int:
    """How many credit plans, in any state, are for the section."""
    query = select(func.count()).where(CreditPlan.section_id == section_id)
    return db.session.scalar(query) or 0


def instructors() -> list[User]:
    """People who may be a section's instructor of record: faculty, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.faculty)
            .order_by(User.display_name, User.id)
        )
    )


def course_taken(subject: str, number: str, *, except_id: int | None = None) -> bool:
    """Tell whether a course other than ``except_id`` has ``subject`` and ``number``."""
    query = select(Course.id).where(Course.subject == subject, Course.number == number)
    if except_id is not None:
        query = query.where(Course.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def section_problems(
    term_id: int, values: dict[str, Any], *, except_id: int | None = None
) -> dict[str, str]:
    """What clashes with another section of the term: its section code or class number."""
    others = select(CourseSection.id).where(CourseSection.term_id == term_id)
    if except_id is not None:
        others = others.where(CourseSection.id != except_id)
    problems = {}
    same = others.where(
        CourseSection.course_id == values["course_id"], CourseSection.section == values["section"]
    )
    if db.session.scalar(same.limit(1)) is not None:
        problems["section"] = DUPLICATE_SECTION
    if values["class_number"]:
        crn = others.where(CourseSection.class_number == values["class_number"])
        if db.session.scalar(crn.limit(1)) is not None:
            problems["class_number"] = DUPLICATE_CLASS_NUMBER
    return problems


def grade_key(scheme: Scheme | GradingScheme) -> GradeKey:
    """The key to ``scheme``'s grades, as the official record prints it."""
    if isinstance(scheme, Scheme):
        rows = [
            (r.grade, r.meaning, "" if r.points is None else f"{r.points:.2f}", r.earns_credit)
            for r in scheme.grade_rows
        ]
    else:
        rows = [(g, GRADE_NAMES.get(g, ""), "", g not in scheme.failing) for g in scheme.grades]
    return GradeKey(scheme_name(scheme), rows)


def grade_keys(plans: Iterable[CreditPlan]) -> list[GradeKey]:
    """The key to grades of the schemes ``plans`` were graded under, by scheme name."""
    schemes = {scheme_name(plan.grading): plan.grading for plan in plans}
    return [grade_key(schemes[name]) for name in sorted(schemes)]


# -- writes --------------------------------------------------------------------


def _snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _audit(action: str, obj: Course | CourseSection, details: dict[str, Any], by: User) -> None:
    kind = "course" if isinstance(obj, Course) else "course_section"
    record_event(action, actor=by, object_type=kind, object_id=obj.id, details=details)


def _apply(
    obj: Course | CourseSection, values: dict[str, Any], fields: tuple[str, ...]
) -> dict[str, Any]:
    """Set ``values`` on ``obj``; the changed fields' before and after (empty if none)."""
    before = _snapshot(obj, fields)
    for name in fields:
        setattr(obj, name, values[name])
    changed = [name for name in fields if before[name] != values[name]]
    if not changed:
        return {}
    return {
        "before": {name: before[name] for name in changed},
        "after": {name: values[name] for name in changed},
    }


def create_course(values: dict[str, Any], *, by: User) -> Course:
    """Add a course; raise ``DuplicateCourse`` if its subject and number are taken."""
    if course_taken(values["subject"], values["number"]):
        raise DuplicateCourse
    course = Course(**{name: values[name] for name in COURSE_FIELDS})
    db.session.add(course)
    db.session.flush()
    _audit("course.create", course, {"after": _snapshot(course, COURSE_FIELDS)}, by)
    return course


def update_course(course: Course, values: dict[str, Any], *, by: User) -> bool:
    """Apply ``values`` to ``course``; return whether anything changed."""
    if course_taken(values["subject"], values["number"], except_id=course.id):
        raise DuplicateCourse
    details = _apply(course, values, COURSE_FIELDS)
    if details:
        _audit("course.update", course, details, by)
    return bool(details)


def create_section(term: Term, values: dict[str, Any], *, by: User) -> CourseSection:
    """Offer a section of a course in ``term``; refuse a section or CRN the term already has."""
    problems = section_problems(term.id, values)
    if problems:
        raise DuplicateSection(problems)
    section = CourseSection(term_id=term.id, **{name: values[name] for name in SECTION_FIELDS})
    db.session.add(section)
    db.session.flush()
    details = {"term": term.code, "after": _snapshot(section, SECTION_FIELDS)}
    _audit("course_section.create", section, details, by)
    return section


def update_section(section: CourseSection, values: dict[str, Any], *, by: User) -> bool:
    """Apply ``values`` to ``section``; return whether anything changed."""
    problems = section_problems(section.term_id, values, except_id=section.id)
    if problems:
        raise DuplicateSection(problems)
    details = _apply(section, values, SECTION_FIELDS)
    if details:
        _audit("course_section.update", section, details, by)
    return bool(details)


@contextmanager
def unique_course(values: dict[str, Any], *, except_id: int | None = None) -> Iterator[None]:
    """Refuse with ``DuplicateCourse`` when another admin saved the course code first."""

    def refusal() -> Refused | None:
        taken = course_taken(values["subject"], values["number"], except_id=except_id)
        return DuplicateCourse() if taken else None

    with conflict_refused(refusal):
        yield


@contextmanager
def unique_section(
    term_id: int, values: dict[str, Any], *, except_id: int | None = None
) -> Iterator[None]:
    """Refuse with ``DuplicateSection`` when another admin saved the section or CRN first."""

    def refusal() -> Refused | None:
        problems = section_problems(term_id, values, except_id=except_id)
        return DuplicateSection(problems) if problems else None

    with conflict_refused(refusal):
        yield
