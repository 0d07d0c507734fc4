"""Chasing supervisors: which links are overdue, reminders, and notices of expired links.

A link is *waiting* when it is open (not revoked, not expired), unanswered
and at least ``REMINDER_AFTER_DAYS`` old; it is *lapsed* when it expired
unanswered. Either way it counts only while the supervisor still has
something to do (hours in status submitted for an ``hours`` link, no
evaluation yet for a ``midterm`` or ``final`` link), while no newer link of
the same purpose replaced it, and while the plan is in a state where links
work (``links.ACTIVE_STATES``: approved or in progress). The same
conditions drive ``flask reminders send`` and the advisors' overdue list.

Each reminder and each notice is claimed with a conditional UPDATE and
committed with its e-mail, so overlapping runs (cron every hour on several
machines) never send one twice, and a failed run sends nothing it did not mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    DateTime,
    Select,
    and_,
    bindparam,
    exists,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased, joinedload

from careercredit.access import refuse_own_record
from careercredit.audit import record_event
from careercredit.clock import now
from careercredit.extensions import db
from careercredit.links import external_url
from careercredit.models import (
    CreditPlan,
    Evaluation,
    HourEntry,
    HourStatus,
    LinkPurpose,
    Placement,
    Project,
    SupervisorLink,
    User,
)
from careercredit.outbox.services import queue_email
from careercredit.plans.workflow import advisor_addresses
from careercredit.refusals import Refused
from careercredit.sql import aware, rows_changed
from careercredit.supervisors.links import ACTIVE_STATES, send_link, url_for_link

Link = SupervisorLink

#: Links on one page of the overdue list.
PER_PAGE = 25


def reminder_after() -> timedelta:
    """How long a link waits for an answer before the supervisor is reminded."""
    return timedelta(days=current_app.config.get("REMINDER_AFTER_DAYS", 7))


# -- conditions (SQL), shared by the sender and the overdue list ----------------


def _still_needed() -> ColumnElement[bool]:
    """The supervisor still has something to do for the link's purpose."""
    pending = exists().where(
        HourEntry.placement_id == Link.placement_id, HourEntry.status == HourStatus.submitted
    )
    evaluated = exists().where(
        Evaluation.placement_id == Link.placement_id, Evaluation.kind == Link.purpose
    )
    return or_(
        and_(Link.purpose == LinkPurpose.hours, pending),
        and_(Link.purpose != LinkPurpose.hours, not_(evaluated)),
    )


def _superseded() -> ColumnElement[bool]:
    """A newer link of the same purpose was made for the placement."""
    newer = aliased(SupervisorLink)
    return exists().where(
        newer.placement_id == Link.placement_id,
        newer.purpose == Link.purpose,
        newer.id > Link.id,
    )


def _plan_open() -> ColumnElement[bool]:
    """The link's plan is in a state where supervisor links work (approved, in progress).

    Asked of each link by its plan's key (a correlated lookup), not as a set
    of the open plans' placements, which the database would build in full
    (every placement of ten years) before a count capped at a hundred.
    """
    placement, plan = aliased(Placement), aliased(CreditPlan)
    state = (
        select(plan.state)
        .join(placement, placement.plan_id == plan.id)
        .where(placement.id == Link.placement_id)
        .scalar_subquery()
    )
    return state.in_(ACTIVE_STATES)


def _unanswered() -> ColumnElement[bool]:
    return and_(
        Link.revoked_at.is_(None),
        Link.answered_at.is_(None),
        _still_needed(),
        not_(_superseded()),
        _plan_open(),
    )


#: A time (``at``) and the time a link made before it has waited long enough (``since``), as
#: values of a statement built once (``overdue_count``); else they are written in.
Moment = datetime | BindParameter[datetime]


def _waited(at: Moment, since: Moment) -> ColumnElement[bool]:
    return and_(Link.expires_at > at, Link.created_at <= since)


def _expired(at: Moment) -> ColumnElement[bool]:
    return Link.expires_at <= at


def waiting(at: datetime) -> ColumnElement[bool]:
    """Open links unanswered for ``REMINDER_AFTER_DAYS`` or more at ``at``."""
    return and_(_waited(at, at - reminder_after()), _unanswered())


def lapsed(at: datetime) -> ColumnElement[bool]:
    """Links that expired unanswered before ``at``."""
    return and_(_expired(at), _unanswered())


def overdue(at: datetime | None = None) -> ColumnElement[bool]:
    """Links ``waiting`` or ``lapsed`` at ``at`` (now by default)."""
    at = at or now()
    return _overdue(at, at - reminder_after())


def _overdue(at: Moment, since: Moment) -> ColumnElement[bool]:
    """The conditions ``waiting`` and ``lapsed`` share stand outside the "or": asked once."""
    return and_(_unanswered(), or_(_waited(at, since), _expired(at)))


def overdue_count(at: datetime, cap: int) -> int:
    """How many links are overdue at ``at``, counted up to ``cap`` + 1 (the newest first).

    The newest links are the ones still open, so the cap is reached early.
    """
    values = {"at": at, "since": at - reminder_after(), "counted": cap + 1}
    return int(db.session.scalar(_overdue_count(), values) or 0)


@cache
def _overdue_count() -> Select[tuple[int]]:
    """``overdue_count``'s statement, built once per process (it costs more to build than run)."""
    at, since = (bindparam(name, type_=DateTime(timezone=True)) for name in ("at", "since"))
    newest = select(Link.id).where(_overdue(at, since)).order_by(Link.id.desc())
    return select(func.count()).select_from(newest.limit(bindparam("counted")).subquery())


def overdue_query(at: datetime | None = None) -> Select[tuple[SupervisorLink]]:
    """Overdue links, oldest first, with everything the overdue list shows loaded."""
    at = at or now()
    placement = joinedload(Link.placement)
    return (
        select(Link)
        .where(overdue(at))
        .options(
            placement.joinedload(Placement.plan).joinedload(CreditPlan.student),
            placement.joinedload(Placement.project).joinedload(Project.employer),
        )
        .order_by(Link.created_at, Link.id)
    )


def overdue_page(page: int, at: datetime) -> Pagination:
    """One page of the overdue links at ``at``; a page past the end is empty."""
    return db.paginate(
        overdue_query(at), page=page, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False
    )


@dataclass(frozen=True)
class LinkState:
    """Where an overdue link stands, in words for the overdue list."""

    expired: bool
    days: int
    since: datetime

    @property
    def label(self) -> str:
        """``waiting 9 days`` or ``expired``."""
        if self.expired:
            return "expired"
        return f"waiting {self.days} day{'' if self.days == 1 else 's'}"


def link_state(link: SupervisorLink, at: datetime | None = None) -> LinkState:
    """Whether ``link`` is still waiting (for how many days) or expired (since when)."""
    at = at or now()
    expires = aware(link.expires_at)
    if expires <= at:
        return LinkState(expired=True, days=(at - expires).days, since=expires)
    created = aware(link.created_at)
    return LinkState(expired=False, days=(at - created).days, since=created)


# -- the sender ---------------------------------------------------------------


@dataclass
class ReminderRun:
    """What one run of ``send_reminders`` did: the ids of the links it acted on."""

    reminded: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    messages: int = 0


def send_reminders(at: datetime | None = None) -> ReminderRun:
    """Remind supervisors of waiting links and tell students and advisors of lapsed ones.

    Commits once per link; safe to run at any time and any number of times at once.
    """
    at = at or now()
    run = ReminderRun()
    for link_id in _due(waiting(at), Link.reminded_at):
        if _claim(link_id, waiting(at), Link.reminded_at, at):
            run.messages += _remind(db.session.get_one(Link, link_id))
            run.reminded.append(link_id)
        db.session.commit()
    for link_id in _due(lapsed(at), Link.expiry_notified_at):
        if _claim(link_id, lapsed(at), Link.expiry_notified_at, at):
            run.messages += _tell_expired(db.session.get_one(Link, link_id))
            run.expired.append(link_id)
        db.session.commit()
    if run.reminded or run.expired:
        record_event(
            "reminders.send",
            details={"reminded": run.reminded, "expired": run.expired, "messages": run.messages},
        )
        db.session.commit()
    return run


#: The column a run stamps when it has acted on a link (reminded, told of its expiry).
Mark = InstrumentedAttribute[datetime | None]


def _due(condition: ColumnElement[bool], mark: Mark) -> list[int]:
    query = select(Link.id).where(condition, mark.is_(None)).order_by(Link.id)
    return list(db.session.scalars(query))


def _claim(link_id: int, condition: ColumnElement[bool], mark: Mark, at: datetime) -> bool:
    """Mark the link if it is still due; tell whether this run won it."""
    claimed = rows_changed(
        update(Link)
        .where(Link.id == link_id, mark.is_(None), condition)
        .values({mark: at})
        .execution_options(synchronize_session=False)
    )
    return claimed == 1


def _context(link: SupervisorLink) -> dict[str, object]:
    placement = link.placement
    return {
        "link": link,
        "placement": placement,
        "plan": placement.plan,
        "student": placement.plan.student,
        "project": placement.project,
    }


def _remind(link: SupervisorLink) -> int:
    """Queue the reminder with the link the supervisor already has."""
    return queue_email(
        [link.recipient_email], "reminder_supervisor", url=url_for_link(link), **_context(link)
    )


def _tell_expired(link: SupervisorLink) -> int:
    """Tell the student and the advisors that the link expired unanswered."""
    context = _context(link)
    queued = queue_email(
        [link.placement.plan.student.email],
        "reminder_expired_student",
        plan_url=external_url("plans.show", plan_id=link.placement.plan_id),
        **context,
    )
    return queued + queue_email(
        advisor_addresses(),
        "reminder_expired_advisor",
        plan_url=external_url("plans.show", plan_id=link.placement.plan_id),
        overdue_url=external_url("reminders.overdue"),
        **context,
    )


# -- sending a link again -------------------------------------------------------


class ResendRefused(Refused):
    """A link that cannot be sent again; the message says what to do instead."""


def resend(link: SupervisorLink, *, by: User) -> SupervisorLink:
    """Replace an overdue link with a new one e-mailed to the placement's supervisor.

    The old link stops working. Raises ``OwnRecord`` when the link belongs to
    ``by``'s own plan (another advisor re-sends it; as the plan's student they
    send links from the plan page), and ``ResendRefused`` when the link is no
    longer overdue (answered, or already sent again), when the student has
    not given consent, or when the project has no supervisor. The caller commits.
    """
    refuse_own_record(by, link.placement.plan.student_id, another="advisor")
    if db.session.scalar(select(Link.id).where(Link.id == link.id, overdue())) is None:
        raise ResendRefused(
            "This link is no longer overdue: it was answered or sent again in the meantime."
        )
    placement = link.placement
    student = placement.plan.student
    if placement.consent_at is None:
        raise ResendRefused(
            f"{student.display_name} has not yet agreed that the supervisor may see their name "
            "and hours. Ask them to give consent on their plan page, then send the link again."
        )
    if placement.project.supervisor is None:
        raise ResendRefused(
            f"The project “{placement.project.title}” has no supervisor. Add one to the "
            "project in the catalogue, then send the link again."
        )
    revoked = rows_changed(
        update(Link)
        .where(Link.id == link.id, Link.revoked_at.is_(None), Link.answered_at.is_(None))
        .values(revoked_at=now())
    )
    if revoked != 1:
        raise ResendRefused("Someone sent this link again a moment ago; the list is up to date.")
    return send_link(placement, link.purpose, by=by)
