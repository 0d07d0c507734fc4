"""The SIS's answer to a grade export: confirm its rows (posting them) or record the rejected ones.

Every row of an export stays **sent** until the registrar records the SIS's
answer. Confirming a ``post`` row takes the plan through the workflow's
``post`` transition and gives it a ``Posting`` tied to the export;
confirming an ``amend`` row marks the amendments the file carried as
confirmed (only then are they done). A rejected row gets a
``SisRejection`` with the SIS's reason: the plan stays signed off (or its
amendments unexported) and is back on the roster for the next export.
Nothing counts as posted that the SIS did not take.

Both answers refuse a registrar's own plan (separation of duties), whole and
before anything changes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from careercredit import clock
from careercredit.access import is_own_record
from careercredit.audit import record_event
from careercredit.badges import services as badges
from careercredit.extensions import db
from careercredit.models import CreditPlan, GradeExport, PlanState, Posting, User
from careercredit.models.records import RowStatus, SisRejection
from careercredit.plans.workflow import Action, StalePlan, perform
from careercredit.refusals import Refused
from careercredit.registrar.csvexport import GradeRow, RowAction
from careercredit.registrar.profiles import profile_named
from careercredit.registrar.services import export_rows, plans_by_id

MAX_REASON = 2000


@dataclass
class PostingResult:
    """What posting an export did."""

    posted: list[CreditPlan] = field(default_factory=list)
    #: Posted plans whose amendments the SIS took.
    confirmed: list[CreditPlan] = field(default_factory=list)
    #: Plans not posted, with the reason in words.
    skipped: list[tuple[CreditPlan, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One message saying what was posted and what was skipped."""
        count = len(self.posted)
        text = f"Posted {count} plan{'' if count == 1 else 's'}."
        if self.confirmed:
            amended = len(self.confirmed)
            text += f" Confirmed the amendment{'' if amended == 1 else 's'} of {amended} plan"
            text += "." if amended == 1 else "s."
        if self.skipped:
            text += " Skipped: " + "; ".join(
                f"{plan.student.display_name} ({why})" for plan, why in self.skipped
            )
            text += "."
        return text


class OwnPlanInPosting(Refused):
    """Separation of duties: the posting would post the registrar's own credit."""

    status: ClassVar[int] = 403

    def __init__(self, plans: Sequence[CreditPlan], *, rejecting: bool = False) -> None:
        which = ", ".join(f"{plan.student.display_name}, {plan.term.code}" for plan in plans)
        if rejecting:
            super().__init__(
                f"This answer includes your own record ({which}); another registrar must "
                "record the SIS's answer for it. Nothing was recorded: tick the other rows."
            )
            return
        super().__init__(
            f"This posting includes your own record ({which}); another registrar must post it. "
            "Nothing was posted: tick the other rows to post them."
        )


@dataclass(frozen=True)
class Waiting:
    """Where the export's rows stand with the SIS, as one registrar sees them."""

    #: Ids of the plans whose rows the registrar may answer now: sent, not their own.
    postable: frozenset[int]
    #: Ids of the registrar's own plans among the sent rows: another registrar answers them.
    own: frozenset[int]
    #: Each row's status, by plan id; a plan posted with another file or gone has none.
    status: Mapping[int, RowStatus] = field(default_factory=dict)
    #: The SIS's reason for each rejected row, by plan id.
    reasons: Mapping[int, str] = field(default_factory=dict)


def row_status(
    export: GradeExport, row: GradeRow, plan: CreditPlan, rejection: SisRejection | None
) -> RowStatus | None:
    """Where one row of ``export`` stands: sent, confirmed, rejected, or moot (``None``)."""
    if rejection is not None:
        return RowStatus.rejected
    if row.action == RowAction.post:
        if plan.posting is not None:
            return RowStatus.confirmed if plan.posting.export_id == export.id else None
        return RowStatus.sent if plan.state == PlanState.signed_off else None
    carried = [a for a in plan.amendments if a.exported_in_id == export.id]
    if not carried:
        return None
    return RowStatus.sent if any(a.confirmed_at is None for a in carried) else RowStatus.confirmed


def rejections_of(export: GradeExport) -> dict[int, SisRejection]:
    """The export's rejected rows, by plan id."""
    found = db.session.scalars(select(SisRejection).where(SisRejection.export_id == export.id))
    return {rejection.plan_id: rejection for rejection in found}


def statuses(
    export: GradeExport,
    rows: Sequence[GradeRow],
    plans: dict[int, CreditPlan],
    rejected: Mapping[int, SisRejection],
) -> dict[int, RowStatus]:
    """Each row's status, by plan id; rows of plans gone or posted with another file left out."""
    return {
        row.plan: found
        for row in rows
        if row.plan in plans
        and (found := row_status(export, row, plans[row.plan], rejected.get(row.plan)))
    }


def waiting(
    export: GradeExport, rows: Sequence[GradeRow], plans: dict[int, CreditPlan], user: User
) -> Waiting:
    """The export's rows with their status; those still sent, the ``user``'s own set apart."""
    rejected = rejections_of(export)
    status = statuses(export, rows, plans, rejected)
    sent = {plan_id for plan_id, found in status.items() if found == RowStatus.sent}
    own = {plan_id for plan_id in sent if is_own_record(user, plans[plan_id].student_id)}
    return Waiting(
        postable=frozenset(sent - own),
        own=frozenset(own),
        status=status,
        reasons={plan_id: r.reason for plan_id, r in rejected.items()},
    )


def _rows_by_plan(
    export: GradeExport, wanted: Collection[int] | None = None
) -> dict[int, GradeRow]:
    """The export's rows by plan id (of the ``wanted`` plans, if given), in file order."""
    rows: dict[int, GradeRow] = {}
    for row in export_rows(export):
        plan_id = row.plan
        if plan_id is not None and (wanted is None or plan_id in wanted):
            rows.setdefault(plan_id, row)
    return rows


def post_export(
    export: GradeExport,
    by: User,
    plan_ids: Collection[int] | None = None,
    *,
    sis_took: bool = False,
) -> PostingResult:
    """Confirm the export's rows (or those among ``plan_ids``): the SIS took them.

    ``post`` rows go through the workflow's ``post`` transition (which checks
    the registrar, writes ``plan.post`` and tells the student) and get a
    ``Posting`` tied to the export; ``amend`` rows mark the amendments the
    file carried confirmed. Rejected rows are left alone; plans already
    posted are skipped. Refused whole, before anything changes, if a row is
    the registrar's own plan (``OwnPlanInPosting``: separation of duties) or
    the registrar has not said the SIS took the file (``sis_took``); a plan
    another registrar posted at the same moment refuses it too (``StalePlan``).
    """
    rows = _rows_by_plan(export, plan_ids)
    plans = plans_by_id(list(rows))
    rejected = rejections_of(export)
    status = {
        plan_id: row_status(export, row, plans[plan_id], None)
        for plan_id, row in rows.items()
        if plan_id in plans and plan_id not in rejected
    }
    own = [
        plans[plan_id]
        for plan_id, found in status.items()
        if found == RowStatus.sent and is_own_record(by, plans[plan_id].student_id)
    ]
    if own:
        raise OwnPlanInPosting(own)
    if not sis_took:
        raise Refused(
            problems={"sis_took": "Tick that the SIS imported these rows before confirming them."}
        )
    result = PostingResult()
    try:
        for plan_id, found in status.items():
            if rows[plan_id].action == RowAction.post:
                _post(plans[plan_id], export, by, result)
            elif found == RowStatus.sent:
                _confirm_amendments(plans[plan_id], export, by, result)
        db.session.flush()
    except IntegrityError as error:  # the plan's one posting, written by someone else
        raise StalePlan from error
    return result


def _confirm_amendments(
    plan: CreditPlan, export: GradeExport, by: User, result: PostingResult
) -> None:
    carried = [a for a in plan.amendments if a.exported_in_id == export.id and not a.confirmed_at]
    for amendment in carried:
        amendment.confirmed_at = clock.now()
    # Touching the plan bumps its version: a rejection recorded at once cannot also win.
    plan.updated_at = clock.now()
    _record_answer("plan.amend_confirm", plan, export, by, grade=plan.final_grade)
    result.confirmed.append(plan)


def _record_answer(
    action: str, plan: CreditPlan, export: GradeExport, by: User, **details: object
) -> None:
    """Audit the SIS's answer about one plan's row, in the plan's history."""
    record_event(
        action,
        actor=by,
        object_type="credit_plan",
        object_id=plan.id,
        details={"export": export.id, "filename": export.filename, **details},
    )


def reject_rows(export: GradeExport, by: User, reasons: Mapping[int, str]) -> list[CreditPlan]:
    """Record that the SIS refused the rows of the plans in ``reasons`` (plan id → reason).

    Each plan's row must still be sent. The plan goes back on the roster: a
    ``post`` row's plan is still signed off; an ``amend`` row's amendments
    are unexported again. Refused whole if a plan is the registrar's own or a
    row is not waiting for an answer.
    """
    rows = _rows_by_plan(export, reasons)
    plans = plans_by_id(list(rows))
    rejected = rejections_of(export)
    problems = [
        str(plan_id)
        for plan_id in reasons
        if plan_id not in plans
        or row_status(export, rows[plan_id], plans[plan_id], rejected.get(plan_id))
        != RowStatus.sent
    ]
    own = [plans[i] for i in reasons if i in plans and is_own_record(by, plans[i].student_id)]
    if own:
        raise OwnPlanInPosting(own, rejecting=True)
    if problems:
        raise Refused("Only rows still waiting for the SIS's answer can be rejected.")
    done = []
    for plan_id, reason in reasons.items():
        plan, text = plans[plan_id], reason.strip()[:MAX_REASON] or "No reason given."
        db.session.add(
            SisRejection(export_id=export.id, plan_id=plan.id, reason=text, rejected_by_id=by.id)
        )
        for amendment in plan.amendments:
            if amendment.exported_in_id == export.id:
                amendment.exported_in_id = None
        plan.updated_at = clock.now()
        _record_answer("plan.sis_reject", plan, export, by, reason=text)
        done.append(plan)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same row rejected by someone else at once
        raise StalePlan from error
    return done


def reasons_from_report(export: GradeExport, content: bytes) -> dict[int, str]:
    """The SIS's error report read against the export: plan id → reason, for rows still sent.

    The report's columns are the export's profile's (``Profile.read_errors``).
    Refused, keyed ``report``, if it cannot be read or names a student id the
    export's rows waiting for an answer do not hold.
    """
    profile = profile_named(export.profile)
    try:
        lines = profile.read_errors(content)
    except ValueError as error:
        raise Refused(problems={"report": str(error)}) from None
    if not lines:
        raise Refused(problems={"report": "The error report names no student id."})
    rows = export_rows(export)
    plans = plans_by_id([row.plan for row in rows if row.plan])
    status = statuses(export, rows, plans, rejections_of(export))
    by_student: dict[str, list[int]] = {}
    for row in rows:
        if row.plan and status.get(row.plan) == RowStatus.sent:
            by_student.setdefault(row.student_id, []).append(row.plan)
    unknown = sorted({student for student, _ in lines if student not in by_student})
    if unknown:
        raise Refused(
            problems={
                "report": "Not among this file's rows waiting for an answer: "
                + ", ".join(unknown)
                + ". Check it is the error report of this file; nothing was recorded."
            }
        )
    reasons: dict[int, str] = {}
    for student, reason in lines:
        for plan_id in by_student[student]:
            reasons[plan_id] = "; ".join(filter(None, (reasons.get(plan_id), reason)))
    return reasons


def _post(plan: CreditPlan, export: GradeExport, by: User, result: PostingResult) -> None:
    if plan.state == PlanState.posted:
        result.skipped.append((plan, "already posted"))
    elif plan.state != PlanState.signed_off:
        result.skipped.append((plan, f"now {plan.state.label.lower()}"))
    else:
        perform(plan, Action.post, by=by)
        db.session.add(Posting(plan=plan, export_id=export.id, posted_by_id=by.id))
        badges.issue_for_plan(plan)
        result.posted.append(plan)
