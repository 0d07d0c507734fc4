"""Posting credit: marking the plans of a grade export posted, once the SIS has the file.

Each plan goes through the workflow's ``post`` transition and gets a
``Posting`` tied to the export it went out with.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy.exc import IntegrityError

from careercredit.access import is_own_record
from careercredit.extensions import db
from careercredit.models import CreditPlan, GradeExport, PlanState, Posting, User
from careercredit.plans.workflow import Action, StalePlan, perform
from careercredit.refusals import Refused
from careercredit.registrar.csvexport import GradeRow, RowAction
from careercredit.registrar.services import export_rows, plans_by_id


@dataclass
class PostingResult:
    """What posting an export did."""

    posted: list[CreditPlan] = field(default_factory=list)
    #: Plans not posted, with the reason in words.
    skipped: list[tuple[CreditPlan, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One message saying what was posted and what was skipped."""
        count = len(self.posted)
        text = f"Posted {count} plan{'' if count == 1 else 's'}."
        if self.skipped:
            text += " Skipped: " + "; ".join(
                f"{plan.student.display_name} ({why})" for plan, why in self.skipped
            )
            text += "."
        return text


class OwnPlanInPosting(Refused):
    """Separation of duties: the posting would post the registrar's own credit."""

    status: ClassVar[int] = 403

    def __init__(self, plans: Sequence[CreditPlan]) -> None:
        which = ", ".join(f"{plan.student.display_name}, {plan.term.code}" for plan in plans)
        super().__init__(
            f"This posting includes your own record ({which}); another registrar must post it. "
            "Nothing was posted: tick the other rows to post them."
        )


@dataclass(frozen=True)
class Waiting:
    """The export's plans still to post, as one registrar sees them."""

    #: Ids of the plans the registrar may post now: signed off, not yet posted.
    postable: frozenset[int]
    #: Ids of the registrar's own plans among those waiting: another registrar posts them.
    own: frozenset[int]


def waiting(rows: Sequence[GradeRow], plans: dict[int, CreditPlan], user: User) -> Waiting:
    """The plans of ``post`` rows that wait to be posted, the ``user``'s own set apart."""
    ids = {
        row.plan
        for row in rows
        if row.action == RowAction.post
        and row.plan in plans
        and plans[row.plan].state == PlanState.signed_off
    }
    own = {plan_id for plan_id in ids if is_own_record(user, plans[plan_id].student_id)}
    return Waiting(postable=frozenset(ids - own), own=frozenset(own))


def post_export(
    export: GradeExport, by: User, plan_ids: Collection[int] | None = None
) -> PostingResult:
    """Mark posted the plans of the export's ``post`` rows (or of those among ``plan_ids``).

    Each goes through the workflow's ``post`` transition (which checks the
    registrar, writes ``plan.post`` and tells the student) and gets a
    ``Posting`` tied to the export. Plans already posted are skipped; a plan
    another registrar posted at the same moment refuses the whole posting
    (``StalePlan``), and so does the registrar's own plan among those to post
    (``OwnPlanInPosting``: separation of duties).
    """
    wanted = [row.plan for row in export_rows(export) if row.action == RowAction.post and row.plan]
    if plan_ids is not None:
        wanted = [plan_id for plan_id in wanted if plan_id in plan_ids]
    plans = plans_by_id(wanted)
    # Refused whole, before anything is posted: the posting would post the registrar's own credit.
    own = [
        plan
        for plan in plans.values()
        if plan.state == PlanState.signed_off and is_own_record(by, plan.student_id)
    ]
    if own:
        raise OwnPlanInPosting(own)
    result = PostingResult()
    try:
        for plan_id in dict.fromkeys(wanted):
            plan = plans.get(plan_id)
            if plan is not None:
                _post(plan, export, by, result)
        db.session.flush()
    except IntegrityError as error:  # the plan's one posting, written by someone else
        raise StalePlan from error
    return result


def _post(plan: CreditPlan, export: GradeExport, by: User, result: PostingResult) -> None:
    if plan.state == PlanState.posted:
        result.skipped.append((plan, "already posted"))
    elif plan.state != PlanState.signed_off:
        result.skipped.append((plan, f"now {plan.state.label.lower()}"))
    else:
        perform(plan, Action.post, by=by)
        db.session.add(Posting(plan=plan, export_id=export.id, posted_by_id=by.id))
        result.posted.append(plan)
