"""The life of a credit plan: every transition, who may do it, what must hold, what it writes.

This module is the only place a plan's state changes. Each transition checks
the actor and the rules, writes an audit event and queues its notifications
in the caller's transaction: the view commits once, so a rolled-back action
leaves neither an audit event nor a message behind.

Checking the actor includes separation of duties: nobody decides, signs off
or posts their own plan whatever roles they hold, and an advisor who
sponsors a plan does not decide it (each ``Transition``'s ``conflict``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import select

from careercredit import clock
from careercredit.access import is_own_record, refuse_own_record
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.main.plurals import plural
from careercredit.models import (
    CommentKind,
    CourseSection,
    CreditPlan,
    PlanComment,
    PlanState,
    Role,
    User,
)
from careercredit.models.catalogue import ProjectStatus
from careercredit.models.hours import hours_text
from careercredit.models.notices import NoticeKind
from careercredit.models.people import UserRole
from careercredit.models.records import SignOff
from careercredit.models.supervision import LinkPurpose
from careercredit.notices.events import plan_event, plan_submitted
from careercredit.refusals import OwnRecord, Refused, Stale
from careercredit.reports import summaries

S = PlanState
MIN_OBJECTIVES = 50
MIN_REFLECTION = 100
#: A student who is also faculty asks another faculty member to sponsor their credit.
OWN_SPONSOR = "You can't sponsor your own plan; choose another faculty member as its sponsor."


class Action(enum.StrEnum):
    """What can be done to a plan: one name per transition of ``TRANSITIONS``.

    ``perform`` does it and ``CreditPlan.can`` asks whether a person may do it
    now; the audit event of an action is ``plan.<action>``.
    """

    submit = "submit"
    recall = "recall"
    resubmit = "resubmit"
    approve = "approve"
    request_changes = "request_changes"
    reject = "reject"
    start = "start"
    complete = "complete"
    sign_off = "sign_off"
    send_back = "send_back"
    post = "post"
    withdraw = "withdraw"


class TransitionError(Refused):
    """A change to a plan that the rules refuse; the messages say why, in words for people."""


class StalePlan(Stale):
    """Someone else changed the plan since the actor loaded it (the version they saw)."""


class SponsorDecides(Refused):
    """Conflict of interest: an advisor who sponsors a plan does not decide it."""

    status: ClassVar[int] = 403

    def __init__(self) -> None:
        super().__init__("You sponsor this plan; another advisor decides.")


def _is_student(plan: CreditPlan, user: User | None) -> bool:
    return user is not None and user.id == plan.student_id


def _is_reviewer(plan: CreditPlan, user: User | None) -> bool:
    return user is not None and user.has_role(Role.advisor)


def _is_sponsor(plan: CreditPlan, user: User | None) -> bool:
    return plan.sponsored_by(user)


def _is_registrar(plan: CreditPlan, user: User | None) -> bool:
    return user is not None and user.has_role(Role.registrar)


def _is_system(plan: CreditPlan, user: User | None) -> bool:
    return user is None


# -- separation of duties: who holds the role but may not take the arrow on this plan --


def _decision_conflict(plan: CreditPlan, user: User) -> None:
    """An advisor decides neither their own plan nor one they sponsor."""
    refuse_own_record(user, plan.student_id, another="advisor")
    if user.id == plan.sponsor_id:
        raise SponsorDecides


def _signoff_conflict(plan: CreditPlan, user: User) -> None:
    """A faculty member never signs off (or sends back) their own plan."""
    refuse_own_record(user, plan.student_id, another="faculty member")


def _posting_conflict(plan: CreditPlan, user: User) -> None:
    """A registrar never posts their own credit."""
    refuse_own_record(user, plan.student_id, another="registrar")


@dataclass(frozen=True)
class Transition:
    """One arrow of the plan's state diagram (see docs/architecture.md, the state machine)."""

    name: Action
    sources: frozenset[PlanState]
    target: PlanState
    #: Who may take the arrow, whatever the state (the person's side of ``permits``).
    allowed: Callable[[CreditPlan, User | None], bool]
    #: What the action is called in messages ("approved", "sent back", ...).
    verb: str
    rules: tuple[Callable[..., list[str]], ...] = field(default=())
    #: Separation of duties: raises (``OwnRecord``, ``SponsorDecides``) when a person
    #: ``allowed`` by their role may still not take the arrow on this plan.
    conflict: Callable[[CreditPlan, User], None] | None = None

    def conflict_for(self, plan: CreditPlan, user: User | None) -> Refused | None:
        """Why ``user`` may not take this arrow on this plan whatever their roles, or None."""
        if user is None or self.conflict is None:
            return None
        try:
            self.conflict(plan, user)
        except Refused as refused:
            return refused
        return None

    def permits(self, plan: CreditPlan, user: User | None) -> bool:
        """Whether ``user`` may take this arrow from the plan's state now (rules aside)."""
        return (
            plan.state in self.sources
            and self.allowed(plan, user)
            and self.conflict_for(plan, user) is None
        )


def submission_problems(plan: CreditPlan, **_: Any) -> list[str]:
    """Everything that keeps a plan from being submitted, in words for the student."""
    problems = []
    if len(plan.objectives.strip()) < MIN_OBJECTIVES:
        problems.append(
            f"Describe your learning objectives in at least {MIN_OBJECTIVES} characters "
            f"(now {len(plan.objectives.strip())})."
        )
    if plan.sponsor is None or not plan.sponsor.has_role(Role.faculty):
        problems.append("Choose a faculty sponsor.")
    elif is_own_record(plan.sponsor, plan.student_id):
        problems.append(OWN_SPONSOR)
    if plan.credits_requested > plan.term.max_credits:
        most = plural(plan.term.max_credits, "credit")
        problems.append(f"Request at most {most} in {plan.term.code}.")
    problems.extend(section_problems(plan))
    if not plan.placements:
        problems.append("Add at least one micro-internship project.")
    closed = [p.project.title for p in plan.placements if p.project.status != ProjectStatus.open]
    if closed:
        problems.append(f"Remove the closed projects: {', '.join(closed)}.")
    problems.extend(hours_problems(plan, plan.credits_requested))
    return problems


def section_problems(plan: CreditPlan) -> list[str]:
    """The plan is for a section its term offers, and asks for credits its course grants."""
    section = plan.section
    if section is None:
        offered = select(CourseSection.id).where(CourseSection.term_id == plan.term_id).limit(1)
        offers = db.session.scalar(offered) is not None
        return ["Choose the course and section your credit is for."] if offers else []
    if section.term_id != plan.term_id:
        return [f"Choose a course section offered in {plan.term.code}."]
    course = section.course
    if not course.credits_min <= plan.credits_requested <= course.credits_max:
        return [
            f"{course.code} grants {course.credits_min} to {course.credits_max} credits: "
            "request a number in that range."
        ]
    return []


def hours_problems(plan: CreditPlan, credits: int) -> list[str]:
    """Whether the bundled projects' hours can cover ``credits`` credits."""
    if not plan.placements:
        return []
    required = plan.term.required_hours(credits)
    if plan.estimated_hours < required:
        return [
            f"{plural(credits, 'credit')} need{'s' if credits == 1 else ''} {required} hours in "
            f"{plan.term.code}, but the projects "
            f"add up to {hours_text(plan.estimated_hours)}. Add projects or request fewer credits."
        ]
    return []


def approval_problems(plan: CreditPlan, credits: int | None = None, **_: Any) -> list[str]:
    """Whether an advisor may approve ``credits`` credits for the plan."""
    credits = credits or plan.credits_requested
    problems = []
    if credits > plan.credits_requested:
        requested = plural(plan.credits_requested, "credit")
        problems.append(f"Approve at most the {requested} requested.")
    if credits > plan.term.max_credits:
        problems.append(
            f"{plan.term.code} allows at most {plural(plan.term.max_credits, 'credit')} per plan."
        )
    return problems + hours_problems(plan, credits)


def comment_required(plan: CreditPlan, comment: str = "", **_: Any) -> list[str]:
    """Sending a plan back or rejecting it needs a reason the student can act on."""
    return [] if comment.strip() else ["Write a comment for the student."]


def completion_problems(
    plan: CreditPlan, reflection: str = "", verified: Decimal | None = None, **_: Any
) -> list[str]:
    """What keeps an in-progress plan from going to its sponsor for sign-off.

    ``verified`` is the plan's verified hours when the page has summed them in
    SQL; otherwise they are summed from the plan's hour entries.
    """
    problems = []
    required = plan.required_hours
    hours = plan.verified_hours if verified is None else verified
    if hours < required:
        problems.append(
            f"Supervisors have verified {hours_text(hours)} of the {required} hours needed."
        )
    missing = [p.project.title for p in plan.placements if p.evaluation(LinkPurpose.final) is None]
    if missing:
        problems.append(f"A final evaluation is still missing for: {', '.join(missing)}.")
    if len(reflection.strip()) < MIN_REFLECTION:
        problems.append(
            f"Write a reflection of at least {MIN_REFLECTION} characters on what you learned."
        )
    return problems


def max_awardable(plan: CreditPlan, verified: Decimal | None = None) -> int:
    """Most credits a sponsor may award: approved, and covered by verified hours.

    ``verified`` is the plan's verified hours when a list has summed them in
    SQL; otherwise they are summed from the plan's hour entries.
    """
    hours = plan.verified_hours if verified is None else verified
    earned = int(hours // plan.term.hours_per_credit)
    return max(0, min(plan.credits_approved or 0, earned))


def signoff_problems(
    plan: CreditPlan, credits: int | None = None, grade: str | None = None, **_: Any
) -> list[str]:
    """Whether the sponsor may sign off ``grade`` and ``credits``."""
    scheme = plan.grading
    if grade not in scheme.grades:
        return [f"Choose a grade: {', '.join(scheme.grades)}."]
    if credits is None:
        return ["Enter the credits awarded."]
    if grade in scheme.failing:
        return [] if credits == 0 else [f"A grade of {grade} awards no credit; enter 0."]
    most = max_awardable(plan)
    if credits < 1:
        return (
            ["A passing grade awards at least 1 credit."]
            if most
            else [
                f"Only {hours_text(plan.verified_hours)} verified hours: not enough for one credit "
                f"({plan.term.hours_per_credit} hours). Send the plan back or give a failing grade."
            ]
        )
    if credits > most:
        why = (
            f"{plan.credits_approved} approved"
            if most == plan.credits_approved
            else f"{hours_text(plan.verified_hours)} verified hours at "
            f"{plan.term.hours_per_credit} per credit"
        )
        return [f"Award at most {most} credit{'s' if most != 1 else ''} ({why})."]
    return []


BEFORE_SIGNOFF = frozenset(
    {S.draft, S.submitted, S.changes_requested, S.approved, S.in_progress, S.awaiting_signoff}
)

TRANSITIONS: dict[Action, Transition] = {
    t.name: t
    for t in (
        Transition(
            Action.submit,
            frozenset({S.draft}),
            S.submitted,
            _is_student,
            "submitted",
            (submission_problems,),
        ),
        Transition(Action.recall, frozenset({S.submitted}), S.draft, _is_student, "recalled"),
        Transition(
            Action.resubmit,
            frozenset({S.changes_requested}),
            S.submitted,
            _is_student,
            "resubmitted",
            (submission_problems,),
        ),
        Transition(
            Action.approve,
            frozenset({S.submitted}),
            S.approved,
            _is_reviewer,
            "approved",
            (approval_problems,),
            _decision_conflict,
        ),
        Transition(
            Action.request_changes,
            frozenset({S.submitted}),
            S.changes_requested,
            _is_reviewer,
            "sent back for changes",
            (comment_required,),
            _decision_conflict,
        ),
        Transition(
            Action.reject,
            frozenset({S.submitted}),
            S.rejected,
            _is_reviewer,
            "rejected",
            (comment_required,),
            _decision_conflict,
        ),
        Transition(Action.start, frozenset({S.approved}), S.in_progress, _is_system, "started"),
        Transition(
            Action.complete,
            frozenset({S.in_progress}),
            S.awaiting_signoff,
            _is_student,
            "sent for sign-off",
            (completion_problems,),
        ),
        Transition(
            Action.sign_off,
            frozenset({S.awaiting_signoff}),
            S.signed_off,
            _is_sponsor,
            "signed off",
            (signoff_problems,),
            _signoff_conflict,
        ),
        Transition(
            Action.send_back,
            frozenset({S.awaiting_signoff}),
            S.in_progress,
            _is_sponsor,
            "sent back to the student",
            (comment_required,),
            _signoff_conflict,
        ),
        Transition(
            Action.post,
            frozenset({S.signed_off}),
            S.posted,
            _is_registrar,
            "posted",
            conflict=_posting_conflict,
        ),
        Transition(Action.withdraw, BEFORE_SIGNOFF, S.withdrawn, _is_student, "withdrawn"),
    )
}

COMMENT_KINDS = {
    Action.send_back: CommentKind.changes_requested,
    Action.approve: CommentKind.approved,
    Action.request_changes: CommentKind.changes_requested,
    Action.reject: CommentKind.rejected,
    Action.withdraw: CommentKind.withdrawn,
}
#: The advisors' decisions on a submitted plan.
DECISIONS = frozenset({Action.approve, Action.request_changes, Action.reject})


def perform(
    plan: CreditPlan,
    action: Action,
    *,
    by: User | None,
    version: int | None = None,
    comment: str = "",
    credits: int | None = None,
    reflection: str = "",
    grade: str | None = None,
) -> None:
    """Do ``action`` to ``plan``; raise ``TransitionError`` if it may not be done.

    ``version`` is the plan version the actor saw; a different current version
    means someone acted meanwhile (``StalePlan``). The caller commits, in a
    ``unit_of_work`` that turns a race lost at the very last moment (a
    ``StaleDataError`` at flush or commit) into the same refusal.
    """
    transition = TRANSITIONS[action]
    if version is not None and version != plan.version:
        raise StalePlan
    if plan.state not in transition.sources:
        raise TransitionError(
            f"This plan is {plan.state.label.lower()}; it cannot be {transition.verb} now."
        )
    if not transition.allowed(plan, by):
        raise TransitionError(f"You may not do this: the plan cannot be {transition.verb} by you.")
    conflict = transition.conflict_for(plan, by)
    if conflict is not None:
        raise conflict
    problems = [
        p
        for rule in transition.rules
        for p in rule(plan, credits=credits, comment=comment, reflection=reflection, grade=grade)
    ]
    if problems:
        raise TransitionError(*problems)

    before = plan.state
    with summaries.plan_changes(plan):
        _apply(plan, transition, credits=credits)
        if action == Action.complete:
            plan.reflection = reflection.strip()
        if action == Action.sign_off and by is not None:
            plan.sign_off = SignOff(
                grade=grade, credits_awarded=credits, comment=comment.strip(), signed_by_id=by.id
            )
    if comment.strip() and by is not None and action != Action.sign_off:
        kind = COMMENT_KINDS.get(action, CommentKind.note)
        db.session.add(PlanComment(plan=plan, author_id=by.id, kind=kind, body=comment.strip()))
    details: dict[str, Any] = {"from": before.value, "to": plan.state.value}
    if credits is not None:
        details["credits"] = credits
    if grade is not None:
        details["grade"] = grade
    if comment.strip():
        details["comment"] = comment.strip()
    record_event(
        f"plan.{action}", actor=by, object_type="credit_plan", object_id=plan.id, details=details
    )
    _notify(plan, transition, comment=comment.strip())


def _apply(plan: CreditPlan, transition: Transition, credits: int | None) -> None:
    now = clock.now()
    plan.state = transition.target
    if transition.target == S.submitted:
        plan.submitted_at = now
        plan.credits_approved = None
    elif transition.target == S.awaiting_signoff:
        plan.sent_for_signoff_at = now
    elif transition.name in DECISIONS:
        plan.decided_at = now
        if transition.name == Action.approve:
            plan.credits_approved = credits or plan.credits_requested


#: What an advisor's queue and the plan page say instead of offering a decision, by refusal.
DECISION_NOTES: dict[type[Refused], str] = {
    OwnRecord: "your own plan — another advisor decides",
    SponsorDecides: "you sponsor this plan — another advisor decides",
}


def decision_note(plan: CreditPlan, user: User) -> str | None:
    """Why ``user``, an advisor, is not offered the decision on this waiting plan, or None.

    Read from the decisions' own conflict rule, so the mark shows exactly
    when ``perform`` would refuse the advisor for separation of duties.
    """
    transition = TRANSITIONS[Action.approve]
    if plan.state not in transition.sources or not transition.allowed(plan, user):
        return None
    conflict = transition.conflict_for(plan, user)
    return None if conflict is None else DECISION_NOTES[type(conflict)]


def submit_action(plan: CreditPlan) -> Action:
    """Sending a plan to the advisors: resubmitting it after changes, else submitting it."""
    return Action.resubmit if plan.state == S.changes_requested else Action.submit


def advisor_addresses() -> list[str]:
    """E-mail addresses of the career advisors the app knows."""
    query = (
        select(User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.advisor, User.email.is_not(None))
    )
    return [email for email in db.session.scalars(query) if email is not None]


def _notify(plan: CreditPlan, transition: Transition, comment: str) -> None:
    """Tell who needs to know, as notices (their page, and e-mail as each person chose)."""
    action, student, term = transition.name, plan.student.display_name, plan.term.code
    context = {"transition": transition, "comment": comment}
    if transition.target == S.submitted:
        # The assigned advisor is asked to review it; the sponsor is told, for information.
        plan_submitted(plan, **context)
    elif action in DECISIONS:
        credits = f" for {plural(plan.credits_approved or 0, 'credit')}"
        granted = credits if action == Action.approve else ""
        summary = f"Your credit plan for {term} was {transition.verb}{granted}."
        plan_event(NoticeKind.plan_decided, plan, [plan.student], summary=summary, **context)
        if action == Action.approve:
            summary = f"{student}'s credit plan for {term}, which you sponsor, was approved."
            sponsor = [plan.sponsor]
            plan_event(NoticeKind.plan_approved_sponsor, plan, sponsor, summary=summary, **context)
    elif action == Action.withdraw and plan.submitted_at:
        summary = f"{student} withdrew the credit plan for {term} that you sponsor."
        plan_event(NoticeKind.plan_withdrawn, plan, [plan.sponsor], summary=summary, **context)
    elif action == Action.complete:
        summary = f"{student}'s credit plan for {term} is ready for your sign-off."
        plan_event(
            NoticeKind.plan_ready_for_signoff, plan, [plan.sponsor], summary=summary, **context
        )
    elif action == Action.send_back:
        summary = f"Your sponsor sent your credit plan for {term} back to you."
        plan_event(NoticeKind.plan_sent_back, plan, [plan.student], summary=summary, **context)
    elif action == Action.post:
        summary = f"Your credit for {term} is posted to your academic record."
        plan_event(NoticeKind.plan_posted, plan, [plan.student], summary=summary, **context)
