"""Writing and finding credit plans: drafts, sponsors, placements, queues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from careercredit import clock
from careercredit.access import is_own_record
from careercredit.audit import record_event
from careercredit.auth.ldap import DirectoryUnavailable
from careercredit.auth.services import directory, mapped_roles, sync_person
from careercredit.catalogue.browsing import not_offered_reason
from careercredit.catalogue.services import offered
from careercredit.extensions import db
from careercredit.ids import whole_number
from careercredit.models import (
    Course,
    CourseSection,
    CreditPlan,
    Employer,
    Placement,
    PlanState,
    Project,
    Role,
    Term,
    User,
)
from careercredit.models.people import UserRole
from careercredit.pagination import paginate_ids
from careercredit.plans.workflow import OWN_SPONSOR, TransitionError
from careercredit.refusals import Refused
from careercredit.reports import summaries
from careercredit.sql import contains_ignoring_case

# -- one plan -----------------------------------------------------------------


def record_view(plan: CreditPlan, by: User) -> None:
    """Record that ``by``, a member of staff, looked at the plan (a student's record)."""
    record_event("plan.view", actor=by, object_type="credit_plan", object_id=plan.id)


# -- drafts -------------------------------------------------------------------


def open_terms() -> list[Term]:
    """Terms a student can still plan for: current and upcoming, earliest first."""
    return list(
        db.session.scalars(
            select(Term).where(Term.ends_on >= clock.today()).order_by(Term.starts_on)
        )
    )


def sections_offered(term_ids: list[int]) -> list[CourseSection]:
    """The course sections ``term_ids`` offer, by term, course and section."""
    return list(
        db.session.scalars(
            select(CourseSection)
            .join(CourseSection.course)
            .where(CourseSection.term_id.in_(term_ids))
            .order_by(CourseSection.term_id, Course.subject, Course.number, CourseSection.section)
        )
    )


def section_for(term_id: int, section_id: int | None) -> int | None:
    """The section a plan in ``term_id`` is for: the one chosen, else the term's only one.

    Raises ``Refused`` (on ``section_id``) for a section the term does not offer.
    """
    offered = sections_offered([term_id])
    if section_id is None:
        return offered[0].id if len(offered) == 1 else None
    if section_id not in {section.id for section in offered}:
        raise Refused(problems={"section_id": "Choose a course section the term offers."})
    return section_id


def create_plan(
    student: User,
    *,
    term_id: int,
    credits_requested: int,
    objectives: str,
    section_id: int | None = None,
) -> CreditPlan:
    """Start a draft plan for ``student``; refuse a section its term does not offer."""
    plan = CreditPlan(
        student=student,
        term_id=term_id,
        section_id=section_for(term_id, section_id),
        credits_requested=credits_requested,
        objectives=objectives.strip(),
        state=PlanState.draft,
    )
    db.session.add(plan)
    db.session.flush()
    summaries.plan_added(plan)
    record_event(
        "plan.create",
        actor=student,
        object_type="credit_plan",
        object_id=plan.id,
        details={
            "term_id": term_id,
            "section_id": plan.section_id,
            "credits_requested": credits_requested,
        },
    )
    return plan


def update_plan(plan: CreditPlan, by: User, **values: Any) -> None:
    """Change the draft's own fields; records what changed.

    Refuses a section its term does not offer; with none chosen, the term's
    only section is taken.
    """
    _require_editable(plan, by)
    if "section_id" in values:
        term_id = values.get("term_id", plan.term_id)
        values["section_id"] = section_for(term_id, values["section_id"])
    changes: dict[str, dict[str, Any]] = {}
    with summaries.plan_changes(plan):  # the term or the section may change
        for key, value in values.items():
            if key == "objectives":
                value = value.strip()
            if getattr(plan, key) != value:
                changes[key] = {"before": getattr(plan, key), "after": value}
                setattr(plan, key, value)
    if changes:
        record_event(
            "plan.edit", actor=by, object_type="credit_plan", object_id=plan.id, details=changes
        )


def delete_draft(plan: CreditPlan, by: User) -> None:
    """Throw away a draft that was never submitted."""
    if not plan.can_delete(by):
        raise TransitionError("Only a draft that was never submitted can be deleted.")
    record_event(
        "plan.delete",
        actor=by,
        object_type="credit_plan",
        object_id=plan.id,
        details={"term_id": plan.term_id},
    )
    summaries.plan_removed(plan)
    db.session.delete(plan)


def _require_editable(plan: CreditPlan, by: User) -> None:
    if not plan.can_edit(by):
        raise TransitionError(
            f"This plan is {plan.state.label.lower()} and cannot be changed now."
            + (" Recall it first to edit it." if plan.state == PlanState.submitted else "")
        )


# -- sponsors -----------------------------------------------------------------


@dataclass(frozen=True)
class SponsorCandidate:
    """A faculty member a student may choose, known to the app or only to the directory."""

    uid: str
    display_name: str
    email: str | None


def find_sponsors(
    text: str, limit: int = 10, *, student: User | None = None
) -> list[SponsorCandidate]:
    """Faculty whose name or username matches ``text``: known users first, then the directory.

    ``student``, the plan's own student, is never offered: nobody sponsors their own plan.
    """
    text = " ".join(text.split())
    if len(text) < 2:
        return []
    known = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.faculty,
            or_(
                contains_ignoring_case(User.display_name, text),
                contains_ignoring_case(User.uid, text),
            ),
        )
        .order_by(User.display_name)
        .limit(limit)
    ).all()
    found = {u.uid: SponsorCandidate(u.uid, u.display_name, u.email) for u in known}
    if len(found) < limit:
        try:
            people = directory().search_people(text, limit=limit)
        except DirectoryUnavailable:
            people = []
        for person in people:
            if person.uid not in found and Role.faculty in mapped_roles(person):
                found[person.uid] = SponsorCandidate(person.uid, person.display_name, person.email)
    if student is not None:
        found.pop(student.uid, None)
    return sorted(found.values(), key=lambda c: c.display_name.lower())[:limit]


def choose_sponsor(plan: CreditPlan, by: User, uid: str) -> User:
    """Make the faculty member with campus username ``uid`` the plan's sponsor."""
    _require_editable(plan, by)
    person = directory().find_by_username(uid)
    sponsor = sync_person(person) if person is not None else None
    if sponsor is None or not sponsor.has_role(Role.faculty):
        raise TransitionError("Choose a sponsor from the faculty found by the search.")
    if is_own_record(sponsor, plan.student_id):
        raise TransitionError(OWN_SPONSOR)
    before = plan.sponsor_id
    plan.sponsor = sponsor
    details: dict[str, Any] = {"before": before, "after": sponsor.id}
    if plan.section_id is None and person is not None:
        with summaries.plan_changes(plan):
            section = department_section(plan.term_id, person.department)
            plan.section_id = details["section"] = section
    record_event(
        "plan.sponsor", actor=by, object_type="credit_plan", object_id=plan.id, details=details
    )
    return sponsor


def department_section(term_id: int, department: str | None) -> int | None:
    """The term's section of the course of ``department`` (as the directory names it), if one.

    The directory's name and the course's department are compared ignoring
    case and spaces around them; no section, or several, gives ``None``.
    """
    if not department or not department.strip():
        return None
    wanted = department.strip().casefold()
    matching = [
        section.id
        for section in sections_offered([term_id])
        if section.course.department.strip().casefold() == wanted
    ]
    return matching[0] if len(matching) == 1 else None


# -- placements ---------------------------------------------------------------


def project_choices(plan: CreditPlan, text: str, limit: int = 20) -> list[Project]:
    """Projects offered in the plan's term (open, not ended) matching ``text``, not in it yet."""
    query = (
        offered(select(Project), term=plan.term)
        .join(Project.employer)
        .options(joinedload(Project.employer))
        .where(Project.id.not_in([p.project_id for p in plan.placements] or [0]))
        .order_by(Project.starts_on, Project.title)
        .limit(limit)
    )
    text = " ".join(text.split())
    if text:
        query = query.where(
            or_(
                contains_ignoring_case(Project.title, text),
                contains_ignoring_case(Employer.name, text),
            )
        )
    return list(db.session.scalars(query))


def add_placement(plan: CreditPlan, by: User, project_id: int) -> Placement:
    """Bundle an open catalogue project into the plan."""
    _require_editable(plan, by)
    project = db.session.get(Project, project_id)
    if project is None:
        raise TransitionError("That project is not open for placements; choose another one.")
    if reason := not_offered_reason(project, plan.term):
        raise TransitionError(reason)
    if any(p.project_id == project_id for p in plan.placements):
        raise TransitionError("That project is already part of this plan.")
    placement = Placement(project=project)
    plan.placements.append(placement)
    db.session.flush()
    record_event(
        "plan.add_placement",
        actor=by,
        object_type="credit_plan",
        object_id=plan.id,
        details={"project_id": project_id},
    )
    return placement


def remove_placement(plan: CreditPlan, by: User, placement_id: int) -> None:
    """Take a project out of the plan."""
    _require_editable(plan, by)
    placement = next((p for p in plan.placements if p.id == placement_id), None)
    if placement is None:
        raise TransitionError("That project is not part of this plan.")
    plan.placements.remove(placement)
    record_event(
        "plan.remove_placement",
        actor=by,
        object_type="credit_plan",
        object_id=plan.id,
        details={"project_id": placement.project_id},
    )


# -- lists --------------------------------------------------------------------


def _with_list_columns(query: Select) -> Select:
    """Load what list pages show in a fixed number of queries, whatever the page size."""
    return query.options(
        # Names only: the people's roles are not needed (the selectin load would query them).
        joinedload(CreditPlan.student).lazyload(User.role_rows),
        joinedload(CreditPlan.sponsor).lazyload(User.role_rows),
        joinedload(CreditPlan.term),
        selectinload(CreditPlan.placements)
        .joinedload(Placement.project)
        .joinedload(Project.employer),
    )


@dataclass(frozen=True)
class PlanFilters:
    """What a list of plans is narrowed to; empty values filter nothing.

    ``sponsor`` is a sponsor's username or part of their name, ``employer``
    part of an employer's name; either may also be an id (links use ids).
    """

    state: PlanState | None = None
    term_id: int | None = None
    sponsor: str = ""
    employer: str = ""


def plans_page(
    user: User, filters: PlanFilters, *, page: int, per_page: int, own: bool = False
) -> Pagination:
    """One page of the plans ``user`` may see (``own``: only their own), newest activity first."""
    ids = list_ids(user, filters, own=own)
    return paginate_ids(ids, _with_list_columns(select(CreditPlan)), page=page, per_page=per_page)


def list_ids(user: User, filters: PlanFilters, *, own: bool = False) -> Select:
    """Ids of the plans ``user`` may see (``own``: their own), as the plan lists order them."""
    ids = select(CreditPlan.id).where(CreditPlan.visible_to(user))
    if own:
        ids = ids.where(CreditPlan.student_id == user.id)
    if filters.state is not None:
        ids = ids.where(CreditPlan.state == filters.state)
    return apply_filters(ids, filters).order_by(CreditPlan.updated_at.desc(), CreditPlan.id.desc())


def filter_terms() -> list[Term]:
    """The terms plan lists can be filtered by, newest first.

    Sponsors and employers are typed, not chosen from a list: a university has
    thousands of each.
    """
    return list(db.session.scalars(select(Term).order_by(Term.starts_on.desc())))


def queue_count() -> int:
    """How many plans wait for an advisor."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(CreditPlan)
            .where(CreditPlan.state == PlanState.submitted)
        )
        or 0
    )


def apply_filters(query: Select, filters: PlanFilters) -> Select:
    if filters.term_id:
        query = query.where(CreditPlan.term_id == filters.term_id)
    if filters.sponsor.strip():
        query = query.where(CreditPlan.sponsor_id.in_(_people_named(filters.sponsor)))
    if filters.employer.strip():
        employers = _employers_named(filters.employer)
        placed = select(Placement.plan_id).join(Placement.project)
        query = query.where(CreditPlan.id.in_(placed.where(Project.employer_id.in_(employers))))
    return query


def _people_named(text: str) -> Select:
    """Ids of the people with username ``text``, or ``text`` in their name (or id ``text``)."""
    text = " ".join(text.split())
    if (number := whole_number(text)) is not None:
        return select(User.id).where(User.id == number)
    return select(User.id).where(
        or_(User.uid == text.lower(), contains_ignoring_case(User.display_name, text))
    )


def _employers_named(text: str) -> Select:
    """Ids of the employers with ``text`` in their name (or id ``text``)."""
    text = " ".join(text.split())
    if (number := whole_number(text)) is not None:
        return select(Employer.id).where(Employer.id == number)
    return select(Employer.id).where(contains_ignoring_case(Employer.name, text))
