"""The students' catalogue: projects still offered, found by text, employer, hours and term.

A project is *offered* while it is open and has not ended (by the
institution's today); for a term, it is offered when it also runs during that
term. The students' list, the plan editor's picker and adding a project to a
plan all ask the same rule (``offered``, ``not_offered_reason``), so nothing is
shown that a plan would then refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from careercredit import clock
from careercredit.catalogue.services import (
    EMPLOYERS_LISTED,
    PER_PAGE,
    offered,
    projects_matching,
)
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Employer,
    Project,
    ProjectStatus,
    Term,
    User,
)
from careercredit.models.plans import EDITABLE_STATES
from careercredit.pagination import paginate_ids
from careercredit.sql import contains_ignoring_case

#: Terms offered in the term filter: those not over yet, soonest first.
TERMS_LISTED = 12


@dataclass(frozen=True)
class BrowseFilters:
    """What a student searches the catalogue for; empty values filter nothing."""

    q: str = ""
    employer: str = ""
    term: Term | None = None
    min_hours: Decimal | None = None
    max_hours: Decimal | None = None


def not_offered_reason(project: Project, term: Term, *, today: date | None = None) -> str:
    """Why ``project`` may not go into a plan of ``term`` now (an empty string if it may)."""
    today = today or clock.today()
    if project.status != ProjectStatus.open:
        return "That project is not open for placements; choose another one."
    if project.ends_on < today:
        return f"{project.title} ended on {project.ends_on}; choose a project still running."
    if project.starts_on > term.ends_on or project.ends_on < term.starts_on:
        return (
            f"{project.title} runs from {project.starts_on} to {project.ends_on}, outside the "
            f"term {term.code} ({term.starts_on} to {term.ends_on}); choose a project of that term."
        )
    return ""


def _employers_named(text: str, query: Select[Any]) -> Select[Any]:
    """``query`` narrowed to projects of employers whose name contains ``text``.

    The employers are found first and named in the projects' query (as the
    text search does), so the condition stays one an index answers.
    """
    matching = select(Employer.id).where(contains_ignoring_case(Employer.name, text))
    employers = db.session.scalars(matching.limit(EMPLOYERS_LISTED + 1)).all()
    if len(employers) > EMPLOYERS_LISTED:
        return query.where(Project.employer_id.in_(matching))
    return query.where(Project.employer_id.in_(employers or [0]))


def project_page(filters: BrowseFilters, page: int) -> Pagination:
    """One page of the projects offered that match ``filters``, soonest start first."""
    ids = offered(projects_matching(filters.q, select(Project.id)), term=filters.term)
    if filters.employer:
        ids = _employers_named(filters.employer, ids)
    if filters.min_hours is not None:
        ids = ids.where(Project.estimated_hours >= filters.min_hours)
    if filters.max_hours is not None:
        ids = ids.where(Project.estimated_hours <= filters.max_hours)
    ids = ids.order_by(Project.starts_on, Project.title, Project.id)
    load = select(Project).options(joinedload(Project.employer))
    searching = bool(filters.q or filters.employer)
    pagination = paginate_ids(ids, load, page=page, per_page=PER_PAGE, count_seen=searching)
    if not pagination.items and page > pagination.pages > 0:
        pagination = paginate_ids(ids, load, page=pagination.pages, per_page=PER_PAGE)
    return pagination


def terms_offered(today: date | None = None) -> list[Term]:
    """Terms a student may look for projects in: the current and coming ones."""
    today = today or clock.today()
    query = select(Term).where(Term.ends_on >= today).order_by(Term.starts_on, Term.id)
    return list(db.session.scalars(query.limit(TERMS_LISTED)))


def editable_plans(student: User) -> list[CreditPlan]:
    """The student's plans they may still change (draft, changes requested), with terms."""
    query = (
        select(CreditPlan)
        .options(joinedload(CreditPlan.term), joinedload(CreditPlan.placements))
        .where(CreditPlan.student_id == student.id, CreditPlan.state.in_(EDITABLE_STATES))
        .order_by(CreditPlan.id)
    )
    return list(db.session.scalars(query).unique())


def plans_for(project: Project, plans: list[CreditPlan]) -> list[CreditPlan]:
    """Which of ``plans`` ``project`` may be added to: offered in its term, not in it yet."""
    return [
        plan
        for plan in plans
        if not not_offered_reason(project, plan.term)
        and all(p.project_id != project.id for p in plan.placements)
    ]


def offered_project(project_id: int) -> Project | None:
    """An open project with its employer and supervisor, for its page; ``None`` otherwise."""
    project = db.session.get(
        Project,
        project_id,
        options=[joinedload(Project.employer), joinedload(Project.supervisor)],
    )
    if project is None or project.status != ProjectStatus.open:
        return None
    return project
