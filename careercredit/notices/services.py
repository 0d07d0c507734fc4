"""Notices: telling people what happened, on their notices page and by e-mail.

``notify`` is the one way in. It writes a ``Notice`` per recipient in the
caller's transaction and, for people who want e-mails as things happen,
queues the e-mail in the outbox at once; the others' notices wait for
``send_digests`` (``flask notices digest``). Supervisors have no account:
their notices are kept by address and always go in the digest, so a
student correcting five entries one by one sends their supervisor one
e-mail that day, not five.

A digest is claimed by inserting the day's ``NoticeDigest`` row for the
address, which a unique constraint allows once: two runs at the same moment
(cron on two machines) cannot both send it, and a run repeated later the
same day finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from careercredit import clock
from careercredit.extensions import db
from careercredit.links import external_url
from careercredit.models import (
    CreditPlan,
    Delivery,
    Notice,
    NoticeDigest,
    NoticeKind,
    NoticePreference,
    User,
)
from careercredit.outbox.services import queue_email
from careercredit.sql import rows_changed

#: Notices on one page of the notices list.
PER_PAGE = 25


def delivery_for(user: User) -> Delivery:
    """How ``user`` wants their notices by e-mail (immediate unless they chose the digest)."""
    preference = db.session.get(NoticePreference, user.id)
    return Delivery.immediate if preference is None else preference.delivery


def set_delivery(user: User, delivery: Delivery) -> None:
    """Keep ``user``'s choice of immediate e-mails or a daily digest; the caller commits."""
    preference = db.session.get(NoticePreference, user.id)
    if preference is None:
        db.session.add(NoticePreference(user_id=user.id, delivery=delivery))
    else:
        preference.delivery = delivery


def notify(
    kind: NoticeKind,
    plan: CreditPlan | None,
    recipients: Iterable[User | str | None],
    *,
    summary: str,
    link: str,
    **context: Any,
) -> list[Notice]:
    """Tell ``recipients`` (people, or supervisors' addresses) that ``kind`` happened.

    ``summary`` is the one line the notices page and the digest show;
    ``link`` the absolute address where the person acts on it. The
    immediate e-mail is ``templates/email/<kind>.txt``, given ``plan``,
    ``link``, ``summary`` and ``context``. Nobody is told twice of one event.
    """
    notices: list[Notice] = []
    seen: set[int | str] = set()
    for recipient in recipients:
        if recipient is None:
            continue
        person = recipient if isinstance(recipient, User) else None
        address = person.email if person is not None else str(recipient).strip().lower()
        key: int | str = person.id if person is not None else address or ""
        if key in seen or (person is None and not address):
            continue
        seen.add(key)
        notice = Notice(
            kind=kind,
            user_id=person.id if person is not None else None,
            email=address,
            plan=plan,
            summary=summary[:300],
            link=link,
        )
        db.session.add(notice)
        if address and person is not None and delivery_for(person) == Delivery.immediate:
            queue_email([address], str(kind), plan=plan, link=link, summary=summary, **context)
            notice.emailed_at = clock.now()
        notices.append(notice)
    return notices


# -- the notices page ---------------------------------------------------------------


def unread_count(user: User) -> int:
    """How many of ``user``'s notices they have not marked read."""
    query = select(func.count()).where(Notice.user_id == user.id, Notice.read_at.is_(None))
    return db.session.scalar(query) or 0


def notice_page(user: User, page: int) -> Pagination:
    """One page of ``user``'s notices, newest first."""
    query = select(Notice).where(Notice.user_id == user.id).order_by(Notice.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def mark_read(user: User, *, up_to: int | None = None) -> int:
    """Mark ``user``'s unread notices read (those up to id ``up_to``, the newest they saw).

    Returns how many changed; the caller commits.
    """
    query = (
        update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if up_to is not None:
        query = query.where(Notice.id <= up_to)
    return rows_changed(query)


# -- the daily digest -------------------------------------------------------------------


@dataclass
class DigestRun:
    """What one run of ``send_digests`` did."""

    #: Addresses sent a digest, and how many notices each listed.
    sent: dict[str, int] = field(default_factory=dict)
    #: Addresses with notices waiting that already had today's digest.
    already: list[str] = field(default_factory=list)


def waiting_addresses() -> list[str]:
    """Addresses with notices not yet e-mailed."""
    query = (
        select(Notice.email)
        .where(Notice.emailed_at.is_(None), Notice.email.is_not(None))
        .distinct()
        .order_by(Notice.email)
    )
    return [address for address in db.session.scalars(query) if address]


def send_digests() -> DigestRun:
    """Send each address with waiting notices its digest, at most one per day. Commits.

    Each address is its own transaction: the day's claim, the notices marked
    e-mailed and the message in the outbox commit together, so a run that
    fails half-way leaves the rest for the next run.
    """
    run = DigestRun()
    today = clock.today()
    for address in waiting_addresses():
        count = _send_digest(address, today)
        if count is None:
            run.already.append(address)
        elif count:
            run.sent[address] = count
        db.session.commit()
    return run


def _send_digest(address: str, today: date) -> int | None:
    """Claim today's digest for ``address`` and queue it; None if it was sent already."""
    digest = NoticeDigest(email=address, day=today, notices=0)
    try:
        with db.session.begin_nested():
            db.session.add(digest)
    except IntegrityError:
        return None
    notices = list(
        db.session.scalars(
            select(Notice)
            .where(Notice.email == address, Notice.emailed_at.is_(None))
            .order_by(Notice.id)
            .with_for_update()
        )
    )
    if not notices:
        # Another run took them between our look and our claim: nothing left to say.
        db.session.delete(digest)
        return 0
    now = clock.now()
    for notice in notices:
        notice.emailed_at = now
    digest.notices = len(notices)
    person = next((n.user for n in notices if n.user is not None), None)
    queue_email(
        [address],
        "notice_digest",
        notices=notices,
        person=person,
        day=today,
        notices_url=external_url("notices.index"),
    )
    return len(notices)
