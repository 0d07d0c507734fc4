"""Posting credit: the registrar's rosters, grade exports and postings.

A term's roster is what the next export carries: plans signed off and not
yet posted (action ``post``) and posted plans with amendments no export has
carried yet (action ``amend``). Exporting only makes the file; posting is a
separate step, done once the SIS has taken the file, through the workflow's
``post`` transition (``posting.py``). Corrections of posted credit are in
``amendments.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, cast

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, CursorResult, Select, and_, case, func, or_, select, update
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import (
    Amendment,
    CreditPlan,
    GradeExport,
    HourEntry,
    HourStatus,
    Placement,
    PlanState,
    Posting,
    Term,
    User,
)
from careercredit.models.courses import Scheme, SchemeKind
from careercredit.models.records import GradingScheme
from careercredit.refusals import Refused
from careercredit.registrar.csvexport import GradeRow, RowAction, neutralise, read_csv
from careercredit.registrar.profiles import Profile, profile_named
from careercredit.sql import escape_like


class ExportRace(Refused):
    """Another export carried the same amendments while this one was being made."""

    def __init__(self) -> None:
        super().__init__(
            "Another export of this term was made at the same moment. "
            "Open the roster again and export what is left."
        )


# -- terms --------------------------------------------------------------------


def terms_page(*, page: int, per_page: int) -> Pagination:
    """One page of the terms, newest first."""
    query = select(Term).order_by(Term.starts_on.desc(), Term.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# -- rosters ------------------------------------------------------------------


def _has_pending_amendment() -> ColumnElement[bool]:
    return CreditPlan.amendments.any(Amendment.exported_in_id.is_(None))


def _on_roster(term_id: int) -> ColumnElement[bool]:
    return and_(
        CreditPlan.term_id == term_id,
        or_(
            CreditPlan.state == PlanState.signed_off,
            and_(CreditPlan.state == PlanState.posted, _has_pending_amendment()),
        ),
    )


def roster_action(plan: CreditPlan) -> RowAction:
    """What the next export asks of the SIS for a plan on the roster: post it, or amend it."""
    return RowAction.amend if plan.state == PlanState.posted else RowAction.post


def roster_query(term: Term) -> Select:
    """Plans of ``term`` the next export carries: to post first, then amended; by name."""
    to_post_first = case((CreditPlan.state == PlanState.signed_off, 0), else_=1)
    return (
        select(CreditPlan)
        .join(CreditPlan.student)
        .where(_on_roster(term.id))
        .options(
            contains_eager(CreditPlan.student),
            joinedload(CreditPlan.sponsor),
            joinedload(CreditPlan.sign_off),
            selectinload(CreditPlan.amendments),
        )
        .order_by(to_post_first, User.display_name, CreditPlan.id)
    )


@dataclass(frozen=True)
class TermCounts:
    """What waits for the registrar in one term."""

    to_post: int = 0
    amended: int = 0


def term_counts(term_ids: Collection[int]) -> dict[int, TermCounts]:
    """Plans signed off and not posted, and plans with amendments to export, per term."""
    if not term_ids:
        return {}
    to_post = _counts_by_term(
        select(CreditPlan.term_id, func.count())
        .where(CreditPlan.term_id.in_(term_ids), CreditPlan.state == PlanState.signed_off)
        .group_by(CreditPlan.term_id)
    )
    amended = _counts_by_term(
        select(CreditPlan.term_id, func.count(func.distinct(CreditPlan.id)))
        .join(Amendment, Amendment.plan_id == CreditPlan.id)
        .where(
            CreditPlan.term_id.in_(term_ids),
            CreditPlan.state == PlanState.posted,
            Amendment.exported_in_id.is_(None),
        )
        .group_by(CreditPlan.term_id)
    )
    return {
        term_id: TermCounts(to_post.get(term_id, 0), amended.get(term_id, 0))
        for term_id in term_ids
    }


def _counts_by_term(query: Select[tuple[int, int]]) -> dict[int, int]:
    return {term_id: count for term_id, count in db.session.execute(query)}


def recent_exports(term_id: int | None = None, *, limit: int) -> Sequence[GradeExport]:
    """The latest ``limit`` grade exports (of one term, if given), newest first."""
    return db.session.scalars(exports_query(term_id).limit(limit)).all()


def recent_exports_posted(
    term_id: int, *, limit: int
) -> tuple[Sequence[GradeExport], dict[int, int]]:
    """``recent_exports`` of a term and how many plans each posted (``posted_counts``), at once."""
    posted = (
        select(func.count())
        .where(Posting.export_id == GradeExport.id)
        .correlate(GradeExport)
        .scalar_subquery()
    )
    rows = db.session.execute(exports_query(term_id).add_columns(posted).limit(limit)).all()
    return [export for export, _ in rows], {export.id: count for export, count in rows if count}


def exports_query(term_id: int | None = None) -> Select:
    """Grade exports, newest first, with their term and maker loaded."""
    query = select(GradeExport).options(
        defer(GradeExport.content),
        joinedload(GradeExport.term),
        joinedload(GradeExport.created_by).lazyload(User.role_rows),
    )
    if term_id is not None:
        query = query.where(GradeExport.term_id == term_id)
    return query.order_by(GradeExport.created_at.desc(), GradeExport.id.desc())


def posted_counts(export_ids: Collection[int]) -> dict[int, int]:
    """How many plans each export posted."""
    if not export_ids:
        return {}
    rows = db.session.execute(
        select(Posting.export_id, func.count())
        .where(Posting.export_id.in_(export_ids))
        .group_by(Posting.export_id)
    ).all()
    return {export_id: count for export_id, count in rows if export_id is not None}


# -- exports ------------------------------------------------------------------


@dataclass
class ExportResult:
    """The export made, and the plans left out of it (no student id in the directory)."""

    export: GradeExport
    left_out: list[CreditPlan] = field(default_factory=list)


#: The reason code amend rows carry: a correction by the registrar's office.
AMEND_REASON_CODE = "CORR"


def sis_profile() -> Profile:
    """The institution's SIS profile (``CAREERCREDIT_SIS_PROFILE``, default ``generic``)."""
    return profile_named(current_app.config["SIS_PROFILE"])


def grade_row(plan: CreditPlan, action: RowAction) -> GradeRow:
    """The grade-roll line of ``plan``: its final grade and credits, course and instructor.

    The course, section, class number and instructor of record come from the
    plan's course section; a plan without one (made before courses existed)
    falls back to its term's course code and section, with the sponsor as
    instructor of record.
    """
    term, section, grading = plan.term, plan.section, plan.grading
    grade = plan.final_grade or ""
    if section is not None:
        subject, number = section.course.subject, section.course.number
        course, section_code = section.course.code, section.section
        class_number = section.class_number or ""
        instructor = section.instructor or plan.sponsor
    else:
        subject, _, number = term.course_code.partition(" ")
        course, section_code, class_number = term.course_code, term.section, ""
        instructor = plan.sponsor
    row = GradeRow(
        student_id=plan.student.student_number or "",
        student_name=plan.student.display_name,
        term_code=term.code,
        course=course,
        section=section_code,
        credits=str(plan.final_credits),
        grade=grade,
        action=action,
        plan_id=str(plan.id),
        subject=subject,
        course_number=number.strip(),
        class_number=class_number,
        grading_basis=grading_basis(grading),
        instructor=instructor.uid if instructor else "",
        last_attended=_last_attended(plan) if grade in grading.failing else "",
    )
    pending = [a for a in plan.amendments if a.exported_in_id is None]
    if action != RowAction.amend or not pending:
        return row
    return replace(
        row,
        previous_grade=pending[0].grade_before,
        previous_credits=str(pending[0].credits_before),
        reason_code=AMEND_REASON_CODE,
        effective_date=pending[-1].created_at.date().isoformat(),
    )


def grading_basis(grading: Scheme | GradingScheme) -> str:
    """The grading basis a profile maps: ``letter`` for letter grades, else ``satisfactory``."""
    if isinstance(grading, GradingScheme):
        return grading.value
    letters = {SchemeKind.letter, SchemeKind.letter_plus_minus}
    return "letter" if grading.kind in letters else "satisfactory"


def _last_attended(plan: CreditPlan) -> str:
    """The day of the plan's last verified hours (ISO), or empty if it has none."""
    day = db.session.scalar(
        select(func.max(HourEntry.work_date))
        .join(Placement, Placement.id == HourEntry.placement_id)
        .where(Placement.plan_id == plan.id, HourEntry.status == HourStatus.verified)
    )
    return day.isoformat() if day else ""


def create_export(term: Term, by: User) -> ExportResult:
    """Make and store the grade roll of ``term``'s roster; nothing is posted by it.

    Amendments carried by the file are marked as exported, so the next
    export does not carry them again. Refuses (``Refused``) when there is
    nothing to export.
    """
    plans = db.session.scalars(roster_query(term)).unique().all()
    rows: list[GradeRow] = []
    left_out: list[CreditPlan] = []
    amendment_ids: list[int] = []
    for plan in plans:
        if not plan.student.student_number:
            left_out.append(plan)
            continue
        action = roster_action(plan)
        rows.append(grade_row(plan, action))
        if action == RowAction.amend:
            amendment_ids += [a.id for a in plan.amendments if a.exported_in_id is None]
    if not rows:
        problem = f"Nothing to export for {term.code}: no credit waits to be posted or amended."
        if left_out:
            problem += " " + missing_ids_text(left_out)
        raise Refused(problem)
    profile = sis_profile()
    content = profile.build(rows)
    export = GradeExport(
        term=term,
        created_by=by,
        filename=_filename(term, profile),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=len(rows),
        profile=profile.name,
        # As the file holds them: what the export page shows is what the SIS received.
        rows=[{name: neutralise(value) for name, value in asdict(row).items()} for row in rows],
    )
    db.session.add(export)
    db.session.flush()
    _mark_exported(amendment_ids, export.id)
    record_event(
        "grades.export",
        actor=by,
        object_type="grade_export",
        object_id=export.id,
        details={
            "term": term.code,
            "filename": export.filename,
            "profile": profile.name,
            "sha256": export.sha256,
            "rows": len(rows),
            "post": [int(r.plan_id) for r in rows if r.action == RowAction.post],
            "amend": [int(r.plan_id) for r in rows if r.action == RowAction.amend],
            "left_out": [p.id for p in left_out],
        },
    )
    return ExportResult(export, left_out)


def _mark_exported(amendment_ids: list[int], export_id: int) -> None:
    """Claim the amendments for this export; fail if another export claimed one first."""
    if not amendment_ids:
        return
    # Session.execute is typed as returning a Result whatever the statement; an UPDATE
    # without RETURNING gives a CursorResult, the one kind that counts the rows it matched.
    result = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Amendment)
            .where(Amendment.id.in_(amendment_ids), Amendment.exported_in_id.is_(None))
            .values(exported_in_id=export_id)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != len(amendment_ids):
        raise ExportRace


def _filename(term: Term, profile: Profile) -> str:
    """``<prefix>-<term>-<yyyymmdd>-<n>.csv``, ``n`` counting the term's exports of the day."""
    prefix = profile.filename_prefix(term.code, clock.today())
    pattern = escape_like(prefix) + "%"
    made = db.session.scalar(
        select(func.count())
        .select_from(GradeExport)
        .where(GradeExport.filename.like(pattern, escape="\\"))
    )
    return f"{prefix}{(made or 0) + 1}.csv"


def missing_ids_text(plans: list[CreditPlan]) -> str:
    """Say which students were left out for want of a student id."""
    names = ", ".join(p.student.display_name for p in plans)
    return (
        f"Left out, with no student id in the campus directory: {names}. "
        "They stay on the roster until the directory has their id."
    )


def record_download(export: GradeExport, by: User) -> None:
    """Record that ``by`` downloaded the export's file."""
    record_event(
        "grades.download",
        actor=by,
        object_type="grade_export",
        object_id=export.id,
        details={"filename": export.filename, "sha256": export.sha256},
    )


def export_rows(export: GradeExport) -> list[GradeRow]:
    """The rows of a stored export: as stored with it, else read back from its (generic) bytes."""
    if export.rows is not None:
        return [GradeRow(**row) for row in export.rows]
    return read_csv(export.content)


def plans_by_id(plan_ids: Collection[int]) -> dict[int, CreditPlan]:
    """Plans with their student and posting, in one query."""
    if not plan_ids:
        return {}
    plans = db.session.scalars(
        select(CreditPlan)
        .where(CreditPlan.id.in_(plan_ids))
        .options(
            joinedload(CreditPlan.student),
            selectinload(CreditPlan.amendments),
            joinedload(CreditPlan.posting)
            .joinedload(Posting.export)
            .load_only(GradeExport.id, GradeExport.filename),
        )
    ).unique()
    return {plan.id: plan for plan in plans}
