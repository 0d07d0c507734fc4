"""What a supervisor does through a link: see the placement, verify hours, evaluate.

A link reaches one placement and nothing else: every entry it acts on is
looked up within that placement. Each opening is recorded as a
``Disclosure`` (FERPA §99.32) and each answer as an audit event without an
actor. Functions here add to the session and raise ``NotOnThisLink`` (a
``Refused``) to say no; the view commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request
from sqlalchemy import update

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db
from careercredit.models import (
    Disclosure,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    PlanState,
    RubricCriterion,
    SupervisorLink,
)
from careercredit.notices.events import evaluation_received, hours_disputed
from careercredit.plans.workflow import Action, perform
from careercredit.reports import summaries
from careercredit.sql import rows_changed
from careercredit.supervisors.links import NotOnThisLink

#: Entries a supervisor sees: everything the student has logged (drafts do not exist).
SHOWN_STATUSES = frozenset({HourStatus.submitted, HourStatus.disputed, HourStatus.verified})

#: How each status reads on the supervisor's page.
STATUS_LABELS = {
    HourStatus.submitted: "waiting for you",
    HourStatus.verified: "verified",
    HourStatus.disputed: "disputed",
}

#: Why the record leaves the institution, per kind of link.
DISCLOSURE_PURPOSES = {
    LinkPurpose.hours: "The placement supervisor verifies the student's hours for credit.",
    LinkPurpose.midterm: "The placement supervisor gives a midterm evaluation for credit.",
    LinkPurpose.final: "The placement supervisor gives the final evaluation for credit.",
}


def record_refusal(
    reason: str, link: SupervisorLink | None, page: str | None, **details: Any
) -> None:
    """Log a link that could not be used: the reason and link id, never the token."""
    link_id = link.id if link is not None else None
    record_event(
        "supervisor_link.refused",
        object_type="supervisor_link" if link_id else None,
        object_id=link_id,
        details={"reason": reason, "link_id": link_id, "page": page, **details},
    )


def record_opening(link: SupervisorLink, disclosed: str) -> Disclosure:
    """Record that the link's recipient was shown ``disclosed`` just now."""
    link.last_opened_at = clock.now()
    disclosure = Disclosure(
        student_id=link.placement.plan.student_id,
        placement_id=link.placement_id,
        link_id=link.id,
        recipient=link.recipient_email,
        purpose=DISCLOSURE_PURPOSES[link.purpose],
        disclosed=disclosed,
        client_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(disclosure)
    return disclosure


# -- hours ------------------------------------------------------------------------


def entries_for(link: SupervisorLink) -> list[HourEntry]:
    """The hour entries the link shows, by date."""
    return [e for e in link.placement.hour_entries if e.status in SHOWN_STATUSES]


def describe_hours(entries: list[HourEntry]) -> str:
    """What an hours page shows, in words for the disclosure record."""
    count = len(entries)
    return (
        f"student name, project title and employer, {count} hour "
        f"entr{'y' if count == 1 else 'ies'} (date, hours, description, status)"
    )


def _entry(link: SupervisorLink, entry_id: int | None) -> HourEntry:
    """The entry ``entry_id`` of the link's own placement, or ``NotOnThisLink``."""
    entry = db.session.get(HourEntry, entry_id) if entry_id else None
    if (
        entry is None
        or entry.placement_id != link.placement_id
        or entry.status not in SHOWN_STATUSES
    ):
        raise NotOnThisLink("That hour entry is not on this page.", entry_id=entry_id)
    if entry.is_locked:
        raise NotOnThisLink(
            "That entry is already verified; it cannot be changed.", entry_id=entry_id
        )
    return entry


def verify_entry(link: SupervisorLink, entry_id: int | None) -> HourEntry:
    """Verify one entry of the link's placement."""
    entry = _entry(link, entry_id)
    _decide(link, entry, HourStatus.verified, comment=None)
    _after_verification(link)
    return entry


def verify_all(link: SupervisorLink) -> int:
    """Verify every entry still waiting (submitted, not disputed); return how many."""
    waiting = [e for e in entries_for(link) if e.is_waiting]
    # An entry answered meanwhile (another tab, a colleague) is left as that answer made it.
    decided = [e for e in waiting if _decide(link, e, HourStatus.verified, None, quiet=True)]
    if decided:
        _after_verification(link)
    return len(decided)


def dispute_entry(link: SupervisorLink, entry_id: int | None, comment: str) -> HourEntry:
    """Dispute one entry with the supervisor's reason."""
    entry = _entry(link, entry_id)
    _decide(link, entry, HourStatus.disputed, comment=comment.strip())
    hours_disputed(entry)
    return entry


def _decide(
    link: SupervisorLink,
    entry: HourEntry,
    status: HourStatus,
    comment: str | None,
    *,
    quiet: bool = False,
) -> bool:
    """Record the answer if the entry still stands as it was read; else refuse (or, quietly, skip).

    Two answers to one entry at the same moment (verify twice, verify and
    dispute) both read it as waiting; the update only applies where the
    status is still the one read, so exactly one of them wins.
    """
    before = entry.status
    decided_at = clock.now()
    changed = rows_changed(
        update(HourEntry)
        .where(HourEntry.id == entry.id, HourEntry.status == before)
        .values(
            status=status, dispute_comment=comment, decided_at=decided_at, decided_via_id=link.id
        )
        .execution_options(synchronize_session=False)
    )
    if changed != 1:
        db.session.expire(entry)
        if quiet:
            return False
        raise NotOnThisLink(
            "That entry was answered a moment ago; see its status below.", entry_id=entry.id
        )
    db.session.expire(entry, ["status", "dispute_comment", "decided_at", "decided_via_id"])
    summaries.hours_answered(entry, before, status)
    summaries.answer_link(link, decided_at)
    details = {
        "link_id": link.id,
        "entry_id": entry.id,
        "placement_id": link.placement_id,
        "from": before.value,
        "to": status.value,
        "hours": str(entry.hours),
    }
    if comment:
        details["comment"] = comment
    action = "verify" if status == HourStatus.verified else "dispute"
    record_event(
        f"hour_entry.{action}", object_type="hour_entry", object_id=entry.id, details=details
    )
    return True


def _after_verification(link: SupervisorLink) -> None:
    """The first verified hours start an approved plan."""
    plan = link.placement.plan
    if plan.state == PlanState.approved:
        perform(plan, Action.start, by=None)


# -- evaluations -------------------------------------------------------------------


def evaluation_for(link: SupervisorLink) -> Evaluation | None:
    """The placement's evaluation of the link's kind, if one was submitted."""
    return link.placement.evaluation(link.purpose)


def describe_evaluation_page(link: SupervisorLink, submitted: bool) -> str:
    """What an evaluation page shows, in words for the disclosure record."""
    shown = "student name, project title and employer"
    return f"{shown}, the {link.purpose.label} as submitted" if submitted else shown


def submit_evaluation(
    link: SupervisorLink,
    criteria: list[RubricCriterion],
    scores: Mapping[int, int],
    comments: str,
) -> Evaluation:
    """Store the supervisor's evaluation; a placement has one of each kind.

    ``scores`` maps criterion ids to scores 1-5. If an evaluation of this kind
    exists already it is returned unchanged.
    """
    existing = evaluation_for(link)
    if existing is not None:
        return existing
    evaluation = Evaluation(
        placement=link.placement,
        kind=link.purpose,
        scores={c.key: {"label": c.label, "score": scores[c.id]} for c in criteria},
        comments=comments.strip(),
        link_id=link.id,
    )
    db.session.add(evaluation)
    summaries.answer_link(link, clock.now())
    db.session.flush()
    record_event(
        "evaluation.submit",
        object_type="placement",
        object_id=link.placement_id,
        details={"link_id": link.id, "evaluation_id": evaluation.id, "kind": link.purpose.value},
    )
    evaluation_received(evaluation)
    return evaluation
