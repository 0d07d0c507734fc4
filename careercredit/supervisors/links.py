"""Signed, expiring links for supervisors who have no account.

A link's token is signed with the app's secret key (itsdangerous) and carries
the random id of a ``SupervisorLink`` row, its purpose and its placement. The
row is the authority: a link is good only while its row exists, is not
revoked, has not expired and matches the purpose of the page it is used on.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import ClassVar

from flask import Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from careercredit import clock
from careercredit.audit import record_event
from careercredit.extensions import db, limiter
from careercredit.links import external_url
from careercredit.models import LinkPurpose, Placement, PlanState, SupervisorLink, User
from careercredit.outbox.services import queue_email
from careercredit.refusals import Refused
from careercredit.sql import aware


def _refused_link_limit() -> str:
    return current_app.config["SUPERVISOR_LINK_RATE_LIMIT"]


#: Every ``/s/<token>`` page shares one budget per client address, spent only by
#: refused answers (unknown, expired or revoked links, objects not on the link):
#: a supervisor using a good link never meets it; someone guessing tokens does.
refused_link_limit = limiter.shared_limit(
    _refused_link_limit,
    scope="supervisor-link",
    deduct_when=lambda response: isinstance(response, Response) and response.status_code == 404,
)

SALT = "careercredit.supervisor-link"
DEFAULT_LIFETIME = timedelta(days=14)
#: Plans whose supervisor links work: approved, and not yet sent for sign-off.
ACTIVE_STATES = frozenset({PlanState.approved, PlanState.in_progress})


class LinkError(Refused):
    """A link that cannot be used; ``reason`` is one of the REASONS keys.

    Every refused link gets the same page (404), whatever the reason: the
    reason goes to the log of refused links, never to the visitor.
    """

    REASONS = ("tampered", "unknown", "wrong_purpose", "revoked", "expired", "closed")
    status: ClassVar[int] = 404

    def __init__(self, reason: str, link: SupervisorLink | None = None) -> None:
        super().__init__("This link does not work.")
        self.reason = reason
        self.link = link


class NotOnThisLink(Refused):
    """Something a good link does not reach (another placement's), or can no longer change.

    ``details`` name the object asked for (``entry_id=...``,
    ``deliverable_id=...``) for the log of refused links.
    """

    status: ClassVar[int] = 404

    def __init__(self, message: str, **details: int | None) -> None:
        super().__init__(message)
        self.details = details


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(link: SupervisorLink) -> str:
    """The signed token of ``link``."""
    return _serializer().dumps([link.token_id, link.purpose.value, link.placement_id])


def url_for_link(link: SupervisorLink) -> str:
    """The absolute address a supervisor opens."""
    return external_url("supervisors.open_link", token=token_for(link))


def now() -> datetime:
    """The current time, aware, in UTC (``clock.now``; reminders still ask it here)."""
    return clock.now()


def create_link(placement: Placement, purpose: LinkPurpose, by: User) -> SupervisorLink:
    """Make a new link row for the placement's supervisor (the caller commits)."""
    supervisor = placement.project.supervisor
    if supervisor is None:
        raise LinkError("unknown")
    lifetime = timedelta(days=current_app.config.get("SUPERVISOR_LINK_DAYS", 14))
    link = SupervisorLink(
        token_id=secrets.token_urlsafe(24),
        placement=placement,
        purpose=purpose,
        recipient_email=supervisor.email,
        created_by_id=by.id,
        expires_at=clock.now() + lifetime,
    )
    db.session.add(link)
    db.session.flush()
    return link


def send_link(placement: Placement, purpose: LinkPurpose, by: User) -> SupervisorLink:
    """Create a link, revoke older open links of the same purpose, and e-mail it."""
    for old in open_links(placement, purpose):
        old.revoked_at = clock.now()
    link = create_link(placement, purpose, by)
    queue_email(
        [link.recipient_email],
        f"supervisor_{purpose.value}",
        link=link,
        url=url_for_link(link),
        placement=placement,
        student=placement.plan.student,
        project=placement.project,
    )
    record_event(
        "supervisor_link.send",
        actor=by,
        object_type="placement",
        object_id=placement.id,
        details={"purpose": purpose.value, "link_id": link.id, "to": link.recipient_email},
    )
    return link


def revoke_link(link: SupervisorLink, by: User) -> None:
    """Make the link unusable from now on."""
    if link.revoked_at is None:
        link.revoked_at = clock.now()
        record_event(
            "supervisor_link.revoke",
            actor=by,
            object_type="placement",
            object_id=link.placement_id,
            details={"link_id": link.id, "purpose": link.purpose.value},
        )


def open_links(placement: Placement, purpose: LinkPurpose) -> list[SupervisorLink]:
    """The placement's links of ``purpose`` that can still be used."""
    return [
        link
        for link in placement.links
        if link.purpose == purpose
        and link.revoked_at is None
        and aware(link.expires_at) > clock.now()
    ]


def resolve(token: str, purposes: set[LinkPurpose]) -> SupervisorLink:
    """Return the link behind ``token`` if it may be used for one of ``purposes``.

    Raises ``LinkError`` with the reason otherwise; the caller logs the attempt.
    """
    try:
        token_id, purpose, placement_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkError("tampered") from None
    link = db.session.scalar(select(SupervisorLink).where(SupervisorLink.token_id == str(token_id)))
    if link is None or link.placement_id != placement_id or link.purpose.value != purpose:
        raise LinkError("unknown", link)
    if link.purpose not in purposes:
        raise LinkError("wrong_purpose", link)
    if link.revoked_at is not None:
        raise LinkError("revoked", link)
    if aware(link.expires_at) <= clock.now():
        raise LinkError("expired", link)
    if link.placement.plan.state not in ACTIVE_STATES:
        # Withdrawn, or finished: nothing is left for the supervisor to do.
        raise LinkError("closed", link)
    return link
