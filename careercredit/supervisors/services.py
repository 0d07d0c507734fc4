"""Supervisor links from the signed-in side: consent, sending, revoking, and who saw what.

The student agrees once per placement that its supervisor may see their
name, the project and their hours (and give feedback that goes into their
record); then the student or an advisor sends links. Functions here add to
the session; the view commits once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import select

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Disclosure,
    Evaluation,
    LinkPurpose,
    Placement,
    Role,
    Supervisor,
    SupervisorLink,
    User,
)
from careercredit.models.plans import STAFF_ROLES
from careercredit.refusals import Refused
from careercredit.sql import aware
from careercredit.supervisors.links import ACTIVE_STATES, revoke_link, send_link

#: What each kind of link asks the supervisor for, as people say it.
REQUEST_NAMES = {
    LinkPurpose.hours: "hour verification request",
    LinkPurpose.midterm: "midterm evaluation request",
    LinkPurpose.final: "final evaluation request",
}


class SendError(Refused):
    """A link that may not be sent now; the message says why, for people."""


# -- who may do what ------------------------------------------------------------


def may_manage_links(plan: CreditPlan, user: User) -> bool:
    """The student and advisors send and revoke a plan's supervisor links."""
    return user.id == plan.student_id or user.has_role(Role.advisor)


def may_see_disclosures(plan: CreditPlan, user: User) -> bool:
    """The student and staff (advisors, registrars, admins) see a placement's disclosures."""
    return user.id == plan.student_id or bool(user.roles & STAFF_ROLES)


def send_problem(
    placement: Placement, purpose: LinkPurpose, user: User, *, waiting: bool | None = None
) -> str | None:
    """Why ``user`` may not send a ``purpose`` link for ``placement`` now, or None.

    ``waiting``: whether entries of the placement wait for verification, when
    the page knows it from its hour log; otherwise its entries are read.
    """
    plan, project = placement.plan, placement.project
    if plan.state not in ACTIVE_STATES:
        return (
            f"This plan is {plan.state.label.lower()}. Supervisor links can be sent "
            "once the plan is approved, until it is sent for sign-off."
        )
    if project.supervisor is None:
        return (
            f"“{project.title}” has no supervisor in the catalogue. Ask career services "
            "to add the supervisor to the project, then send the link."
        )
    if purpose != LinkPurpose.hours and placement.evaluation(purpose) is not None:
        return f"The {purpose.label} of “{project.title}” has already been received."
    if purpose == LinkPurpose.midterm and placement.evaluation(LinkPurpose.final) is not None:
        return (
            f"The final evaluation of “{project.title}” has been received; a midterm "
            "evaluation is no longer asked for."
        )
    if placement.consent_at is None and user.id != plan.student_id:
        return (
            f"{plan.student.display_name} has not yet agreed that the supervisor of "
            f"“{project.title}” may see their name and hours. Ask the student to send "
            "the first request from their plan page; links can be sent after that."
        )
    if waiting is None and purpose == LinkPurpose.hours:
        waiting = any(e.is_waiting for e in placement.hour_entries)
    if purpose == LinkPurpose.hours and not waiting:
        # The supervisor would read "has logged these hours" above an empty list.
        return (
            f"No hours on “{project.title}” wait for verification. Log hours first; "
            "the request can be sent once there are hours to verify."
        )
    return None


# -- consent, sending, revoking ------------------------------------------------


def give_consent(placement: Placement, by: User) -> None:
    """Record the student's agreement to share with the placement's supervisor (once)."""
    if placement.consent_at is not None:
        return
    placement.consent_at = clock.now()
    supervisor = placement.project.supervisor
    record_event(
        "placement.consent",
        actor=by,
        object_type="placement",
        object_id=placement.id,
        details={
            "plan_id": placement.plan_id,
            "recipient": supervisor.email if supervisor else None,
            "shared": "student name, project, hour entries, supervisor feedback",
        },
    )


def send_request(placement: Placement, purpose: LinkPurpose, by: User) -> SupervisorLink:
    """Send the supervisor a new link of ``purpose``, revoking older open ones."""
    problem = send_problem(placement, purpose, by)
    if problem is None and placement.consent_at is None:
        problem = "Agree to share your name and hours with the supervisor first."
    if problem:
        raise SendError(problem)
    return send_link(placement, purpose, by)


def revoke(link: SupervisorLink, by: User) -> None:
    """Make ``link`` unusable from now on (revoking twice changes nothing)."""
    revoke_link(link, by)


# -- what the plan page shows ----------------------------------------------------


class LinkStatus(enum.StrEnum):
    """Where a sent link stands, in one word (shown as is)."""

    open = "open"
    answered = "answered"
    expired = "expired"
    revoked = "revoked"

    @property
    def revocable(self) -> bool:
        """A link that still works can be revoked."""
        return self in {LinkStatus.open, LinkStatus.answered}


def link_status(link: SupervisorLink) -> LinkStatus:
    """The link's state: revoked, expired, answered or open."""
    if link.revoked_at is not None:
        return LinkStatus.revoked
    if aware(link.expires_at) <= clock.now():
        return LinkStatus.expired
    return LinkStatus.answered if link.answered_at is not None else LinkStatus.open


@dataclass
class SendAction:
    """A button that sends (or re-sends) one kind of link."""

    purpose: LinkPurpose
    resend: bool

    @property
    def label(self) -> str:
        """The button's text."""
        return f"{'Re-send' if self.resend else 'Send'} {REQUEST_NAMES[self.purpose]}"

    @property
    def primary(self) -> bool:
        """Verifying hours is the request sent most: its button stands out."""
        return self.purpose == LinkPurpose.hours


@dataclass
class PlacementPanel:
    """Everything the plan page shows about one placement's supervisor links."""

    placement: Placement
    supervisor: Supervisor | None
    links: list[tuple[SupervisorLink, LinkStatus]]
    evaluations: list[Evaluation]
    can_manage: bool
    can_see_disclosures: bool
    actions: list[SendAction] = field(default_factory=list)
    #: Why nothing can be sent now (shown to people who may send).
    blocked: str | None = None


def panels(plan: CreditPlan, user: User, waiting: set[int] | None = None) -> list[PlacementPanel]:
    """One panel per placement of ``plan``, as ``user`` may see and use it.

    ``waiting``: the placements with entries waiting for verification, when
    the page knows them (see ``send_problem``).
    """
    result = []
    can_manage = may_manage_links(plan, user)
    for placement in plan.placements:
        panel = PlacementPanel(
            placement=placement,
            supervisor=placement.project.supervisor,
            links=[(link, link_status(link)) for link in reversed(placement.links)],
            evaluations=list(placement.evaluations),
            can_manage=can_manage,
            can_see_disclosures=may_see_disclosures(plan, user),
        )
        if can_manage:
            _add_actions(panel, user, None if waiting is None else placement.id in waiting)
        result.append(panel)
    return result


def _add_actions(panel: PlacementPanel, user: User, waiting: bool | None) -> None:
    placement = panel.placement
    if placement.plan.state not in ACTIVE_STATES:
        return  # a finished or withdrawn plan: nothing to send, nothing to explain
    for purpose in LinkPurpose:
        problem = send_problem(placement, purpose, user, waiting=waiting)
        if problem is None:
            sent = any(link.purpose == purpose for link, _ in panel.links)
            panel.actions.append(SendAction(purpose, resend=sent))
        elif purpose == LinkPurpose.hours:
            panel.blocked = problem


def shows_panels(plan: CreditPlan) -> bool:
    """Whether the plan page has anything to show about supervisor links."""
    return plan.state in ACTIVE_STATES or any(
        p.links or p.evaluations or p.consent_at for p in plan.placements
    )


# -- disclosure history ------------------------------------------------------------


def disclosures_of(placement: Placement) -> list[Disclosure]:
    """The placement's disclosures, newest first."""
    query = (
        select(Disclosure)
        .where(Disclosure.placement_id == placement.id)
        .order_by(Disclosure.created_at.desc(), Disclosure.id.desc())
    )
    return list(db.session.scalars(query))


def links_by_id(placement: Placement) -> dict[int, SupervisorLink]:
    """The placement's links keyed by id (to name a disclosure's link)."""
    return {link.id: link for link in placement.links}
