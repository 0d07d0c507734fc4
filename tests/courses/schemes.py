"""Grading schemes, courses and sections for tests: made here, as PostgreSQL tests start empty."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import Course, CourseSection, Scheme, SchemeGrade, SchemeKind

#: name -> (kind, [(grade, meaning, points, earns credit)]).
SCHEMES = {
    "Satisfactory / unsatisfactory": (
        SchemeKind.satisfactory,
        [("S", "satisfactory", None, True), ("U", "unsatisfactory", None, False)],
    ),
    "Pass / fail": (SchemeKind.pass_fail, [("P", "pass", None, True), ("F", "fail", None, False)]),
    "Letter grades A to F": (
        SchemeKind.letter,
        [
            ("A", "excellent", "4", True),
            ("B", "good", "3", True),
            ("C", "satisfactory", "2", True),
            ("D", "poor", "1", True),
            ("F", "fail", "0", False),
        ],
    ),
}


def scheme(app: Flask, name: str = "Satisfactory / unsatisfactory") -> int:
    """The id of the scheme ``name`` of ``SCHEMES``, made if the database lacks it."""
    with app.app_context():
        found = db.session.scalar(select(Scheme.id).where(Scheme.name == name))
        if found is not None:
            return found
        kind, grades = SCHEMES[name]
        row = Scheme(name=name, kind=kind)
        row.grade_rows = [
            SchemeGrade(
                position=i,
                grade=g,
                meaning=m,
                points=Decimal(p) if p is not None else None,
                earns_credit=earns,
            )
            for i, (g, m, p, earns) in enumerate(grades)
        ]
        db.session.add(row)
        db.session.commit()
        return row.id


def course(app: Flask, code: str = "BUS 3990", scheme_name: str = "Letter grades A to F") -> int:
    """A course ``code`` graded under ``scheme_name``."""
    scheme_id = scheme(app, scheme_name)
    subject, number = code.split()
    with app.app_context():
        row = Course(
            subject=subject,
            number=number,
            title=f"Internship in {subject.lower()}",
            department=f"Department of {subject}",
            credits_min=1,
            credits_max=3,
            scheme_id=scheme_id,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def section(app: Flask, term_id: int, course_id: int, code: str = "001", **values: object) -> int:
    """A section of ``course_id`` offered in ``term_id``."""
    with app.app_context():
        row = CourseSection(term_id=term_id, course_id=course_id, section=code, **values)
        db.session.add(row)
        db.session.commit()
        return row.id
