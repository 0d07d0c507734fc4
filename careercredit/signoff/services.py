"""Finding plans that wait for their sponsor's sign-off, and signing off several at once.

The rules for grades and credits are the workflow's (``plans/workflow.py``):
this module only gathers plans, explains the figures to the sponsor and runs
the workflow once per plan.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from careercredit import clock
from careercredit.catalogue.contacts import approved_addresses
from careercredit.csvexport import batches
from careercredit.extensions import db
from careercredit.ids import MAX_ID
from careercredit.models import (
    CreditPlan,
    GradingScheme,
    LinkPurpose,
    Placement,
    PlanState,
    Role,
    Scheme,
    SupervisorLink,
    Term,
    User,
)
from careercredit.models.hours import HourEntry, HourStatus, hours_text
from careercredit.plans.workflow import (
    TRANSITIONS,
    Action,
    max_awardable,
    perform,
    signoff_problems,
)
from careercredit.refusals import Refused, unit_of_work

GRADE_NAMES = {"S": "satisfactory", "U": "unsatisfactory", "F": "fail"}
#: How the review page names a term's grading scheme.
SCHEME_NAMES = {
    GradingScheme.letter: "Letter grades",
    GradingScheme.satisfactory: "Satisfactory / unsatisfactory",
}
#: The evaluations a sponsor reads on the review page: heading, and what an absent one means.
EVALUATIONS = (
    (LinkPurpose.midterm, "Midterm evaluation", "No midterm evaluation (it is optional)."),
    (LinkPurpose.final, "Final evaluation", "No final evaluation."),
)


def grade_choices(scheme: Scheme | GradingScheme) -> list[tuple[str, str]]:
    """The grades of ``scheme`` as (value, label) pairs for a select box."""
    if isinstance(scheme, Scheme):
        return scheme.choices()
    return [(g, f"{g} — {GRADE_NAMES[g]}" if g in GRADE_NAMES else g) for g in scheme.grades]


def scheme_name(scheme: Scheme | GradingScheme) -> str:
    """How the pages name a plan's grading scheme."""
    return scheme.name if isinstance(scheme, Scheme) else SCHEME_NAMES[scheme]


def grade_groups(plans: Iterable[CreditPlan]) -> dict[str, list[tuple[str, str]]]:
    """The grades of the schemes ``plans`` are graded under, by scheme, for choosing one grade.

    Only their own schemes: an S/U plan is never offered letter grades.
    """
    schemes = {scheme_name(plan.grading): plan.grading for plan in plans}
    return {name: grade_choices(schemes[name]) for name in sorted(schemes)}


def own_plan_problem(user: User, plan: CreditPlan) -> str | None:
    """Why ``user`` may never sign off ``plan`` (it is their own record), else None.

    The workflow's rule (``Transition.conflict_for``), asked by the pages
    before the sponsor tries: the queue, the confirmation, the review page.
    """
    refused = TRANSITIONS[Action.sign_off].conflict_for(plan, user)
    return str(refused) if refused is not None else None


# -- deadlines and figures ------------------------------------------------------


def is_late(plan: CreditPlan, today: date | None = None) -> bool:
    """Whether the plan's term is past its grading deadline."""
    return plan.term.grading_deadline < (today or clock.today())


def days_late(plan: CreditPlan, today: date | None = None) -> int:
    """Days since the grading deadline of the plan's term passed (0 if it has not)."""
    return max(0, ((today or clock.today()) - plan.term.grading_deadline).days)


def credits_text(credits: int) -> str:
    """``1 credit``, ``2 credits``."""
    return f"{credits} credit{'' if credits == 1 else 's'}"


def credit_note(plan: CreditPlan) -> str:
    """Why the sponsor may award what they may, in words."""
    most, approved = max_awardable(plan), plan.credits_approved or 0
    hours, per = hours_text(plan.verified_hours), plan.term.hours_per_credit
    failing = " or ".join(sorted(plan.grading.failing))
    if most == 0:
        return (
            f"No credit can be awarded: {hours} verified hours, and one credit needs {per}. "
            f"Send the plan back to the student, or give {failing} with 0 credits."
        )
    if most < approved:
        return (
            f"At most {credits_text(most)}: {hours} verified hours at {per} per credit "
            f"({approved} approved). {failing} awards 0 credits."
        )
    return f"At most {credits_text(most)}, as approved. {failing} awards 0 credits."


# -- lists ----------------------------------------------------------------------


def _awaiting() -> Select:
    return select(CreditPlan).where(CreditPlan.state == PlanState.awaiting_signoff)


def awaiting_query(user: User) -> Select:
    """Plans ``user`` sponsors that wait for sign-off, longest waiting first.

    Loads what the queue shows in a fixed number of queries whatever the page
    size; the verified hours come from ``verified_hours_of``.
    """
    return (
        _awaiting()
        .where(CreditPlan.sponsor_id == user.id)
        .options(
            joinedload(CreditPlan.student).lazyload(User.role_rows),
            joinedload(CreditPlan.term),
            joinedload(CreditPlan.section),  # its grades, offered in the queue
        )
        # A plan waiting for sign-off changes no more, so its last change is its arrival.
        .order_by(CreditPlan.updated_at, CreditPlan.id)
    )


def awaiting_page(user: User, *, page: int, per_page: int) -> Pagination:
    """One page of the plans ``user`` sponsors that wait for sign-off (``awaiting_query``)."""
    return _page_of(awaiting_query(user), page=page, per_page=per_page)


def _page_of(query: Select, *, page: int, per_page: int) -> Pagination:
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False)


def verified_hours_of(plan_ids: Collection[int]) -> dict[int, Decimal]:
    """Verified hours of each plan of ``plan_ids``, summed in SQL (0 for a plan without any).

    A busy sponsor's queue holds plans of hundreds of hour entries each;
    loading every entry to add them up cost more than the rest of the page.
    """
    if not plan_ids:
        return {}
    sums = db.session.execute(
        select(Placement.plan_id, func.sum(HourEntry.hours))
        .join(HourEntry, HourEntry.placement_id == Placement.id)
        .where(Placement.plan_id.in_(plan_ids), HourEntry.status == HourStatus.verified)
        .group_by(Placement.plan_id)
    )
    found = {plan_id: Decimal(total) for plan_id, total in sums}
    return {plan_id: found.get(plan_id, Decimal(0)) for plan_id in plan_ids}


AWAITING_CSV_HEADER = (
    "plan_id",
    "student",
    "username",
    "term",
    "credits_approved",
    "verified_hours",
    "required_hours",
    "most_awardable",
    "waiting_since",
    "past_grading_deadline",
)


def awaiting_csv_rows(user: User) -> Iterator[Sequence[object]]:
    """The plans waiting for ``user``'s sign-off as CSV rows, longest waiting first."""
    ids = (
        select(CreditPlan.id)
        .where(CreditPlan.state == PlanState.awaiting_signoff, CreditPlan.sponsor_id == user.id)
        .order_by(CreditPlan.updated_at, CreditPlan.id)
    )
    load = select(CreditPlan).options(
        joinedload(CreditPlan.student).lazyload(User.role_rows), joinedload(CreditPlan.term)
    )
    for batch in batches(ids, load):
        verified = verified_hours_of([plan.id for plan in batch])
        for plan in batch:
            yield (
                plan.id,
                plan.student.display_name,
                plan.student.uid,
                plan.term.code,
                plan.credits_approved,
                hours_text(verified[plan.id]),
                plan.required_hours,
                max_awardable(plan, verified[plan.id]),
                clock.date_text(plan.updated_at),
                "yes" if is_late(plan) else "no",
            )


def awaiting_count(user: User) -> int:
    """How many plans wait for ``user``'s sign-off."""
    if not user.has_role(Role.faculty):
        return 0
    query = _awaiting().where(CreditPlan.sponsor_id == user.id)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _late(today: date | None = None) -> Select:
    return _awaiting().join(CreditPlan.term).where(Term.grading_deadline < (today or clock.today()))


def late_query(today: date | None = None) -> Select:
    """Plans waiting for sign-off past their term's grading deadline, most days late first."""
    return (
        _late(today)
        .options(
            joinedload(CreditPlan.student),
            joinedload(CreditPlan.sponsor),
            joinedload(CreditPlan.term),
        )
        .order_by(Term.grading_deadline, CreditPlan.updated_at, CreditPlan.id)
    )


def late_page(*, page: int, per_page: int) -> Pagination:
    """One page of the plans waiting for sign-off past their grading deadline (``late_query``)."""
    return _page_of(late_query(), page=page, per_page=per_page)


def late_count(today: date | None = None) -> int:
    """How many plans wait for sign-off past their term's grading deadline."""
    return db.session.scalar(select(func.count()).select_from(_late(today).subquery())) or 0


def sponsored(user: User, plan_ids: Iterable[int]) -> dict[int, CreditPlan] | None:
    """The plans of ``plan_ids`` that ``user`` sponsors, by id; None if any is not theirs."""
    ids = set(plan_ids)
    if not ids or not user.has_role(Role.faculty) or any(not 0 < i <= MAX_ID for i in ids):
        return None
    plans = db.session.scalars(
        select(CreditPlan)
        .where(CreditPlan.id.in_(ids), CreditPlan.sponsor_id == user.id)
        .options(
            joinedload(CreditPlan.student),
            joinedload(CreditPlan.term),
            joinedload(CreditPlan.section),
            selectinload(CreditPlan.placements).selectinload(Placement.hour_entries),
        )
    ).all()
    found = {plan.id: plan for plan in plans}
    return found if found.keys() == ids else None


# -- signing off several plans -------------------------------------------------


@dataclass
class Proposal:
    """What one selected plan would get, or why it cannot be signed off."""

    plan: CreditPlan
    credits: int
    problems: list[str] = field(default_factory=list)
    #: The HTTP status of its refusal, when refused.
    status: int = 422
    #: The grade it gets; the grade chosen for all, unless the sponsor chose another for it.
    grade: str = ""
    #: The credits it gets with a passing grade (a failing one gives 0, whatever is sent).
    passing_credits: int = 0

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The grades this plan's own scheme offers."""
        return grade_choices(self.plan.grading)


def propose(
    plans: Iterable[CreditPlan], grade: str, *, award_max: bool, by: User
) -> list[Proposal]:
    """What each plan would get with ``grade``: the most it allows, or its approved credits."""
    proposals = []
    for plan in plans:
        passing = max_awardable(plan) if award_max else plan.credits_approved or 0
        credits = 0 if grade in plan.grading.failing else passing
        own = own_plan_problem(by, plan)
        if own:
            problems = [own]
        elif plan.state not in TRANSITIONS[Action.sign_off].sources:
            problems = [f"This plan is {plan.state.label.lower()}; it cannot be signed off now."]
        else:
            problems = signoff_problems(plan, credits=credits, grade=grade)
        proposals.append(Proposal(plan, credits, problems, grade=grade, passing_credits=passing))
    return proposals


@dataclass
class Outcome:
    """What signing off several plans did."""

    signed: list[Proposal] = field(default_factory=list)
    refused: list[Proposal] = field(default_factory=list)

    @property
    def status(self) -> int:
        """200 if any plan was signed off; else the refusals' status (422 if they differ)."""
        statuses = {proposal.status for proposal in self.refused}
        if self.signed or not statuses:
            return 200
        return statuses.pop() if len(statuses) == 1 else 422


def sign_off_each(
    rows: Iterable[tuple[CreditPlan, int, int, str]], grade: str, *, by: User
) -> Outcome:
    """Sign off each (plan, version seen, credits, its own grade or "" for ``grade``).

    Every plan is its own transaction: a plan refused by the rules, or changed
    by someone else since the sponsor confirmed (its version), is rolled back
    and reported; the others are signed off and committed. The credits sent
    are those of a passing grade: a failing grade gets none, as the
    confirmation page says.
    """
    outcome = Outcome()
    for plan, version, passing, own_grade in rows:
        given = own_grade or grade
        credits = 0 if given in plan.grading.failing else passing
        try:
            with unit_of_work():
                perform(plan, Action.sign_off, by=by, version=version, grade=given, credits=credits)
        except Refused as refused:
            proposal = Proposal(plan, credits, refused.messages, refused.status, grade=given)
            outcome.refused.append(proposal)
        else:
            outcome.signed.append(Proposal(plan, credits, grade=given))
    return outcome


# -- who answered for each placement ----------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One address that answered for a placement, and what it answered."""

    what: str
    #: The address the link was sent to; None for answers recorded without a link.
    email: str | None
    #: Not the address the supervisor had when the plan was approved.
    differs: bool


@dataclass(frozen=True)
class Contacts:
    """A placement's supervisor address at approval, and the addresses that answered."""

    approved: str | None
    answers: list[Answer]


def contacts_of(plan: CreditPlan) -> dict[int, Contacts]:
    """For each placement of ``plan`` (by id): who verified its hours and who evaluated.

    An answer is flagged when its link went to another address than the one
    the supervisor had when the plan was approved (``catalogue/contacts.py``).
    """
    approved = approved_addresses(plan.placements)
    return {p.id: _contacts(p, approved[p.id]) for p in plan.placements}


def _address(link: SupervisorLink | None) -> str | None:
    return link.recipient_email if link is not None else None


def _contacts(placement: Placement, approved: str | None) -> Contacts:
    def answer(what: str, email: str | None) -> Answer:
        return Answer(what, email, email is not None and email != approved)

    verified: dict[str | None, Decimal] = {}
    for entry in placement.hour_entries:
        if entry.is_verified:
            email = _address(entry.decided_via)
            verified[email] = verified.get(email, Decimal(0)) + entry.hours
    answers = [
        answer(f"Verified {hours_text(hours)} hours", email) for email, hours in verified.items()
    ]
    for kind, title, _ in EVALUATIONS:
        evaluation = placement.evaluation(kind)
        if evaluation is not None:
            answers.append(answer(title, _address(evaluation.link)))
    return Contacts(approved, answers)
