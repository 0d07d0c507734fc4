"""The home page's parts for the registrar's office and the administrator.

Same contract as ``main/worklist.py``: a few bounded queries per part, every
item a link to where the work is done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import func, not_, select

from careercredit import clock
from careercredit.extensions import db
from careercredit.jobs.health import health as jobs_health
from careercredit.main.plurals import days_text, plural
from careercredit.main.worklist import SHOWN, Item, Part, days_since
from careercredit.models import (
    CourseSection,
    CreditPlan,
    MessageStatus,
    OutboxMessage,
    PlanState,
    Role,
    Term,
    User,
)
from careercredit.records.queries import waiting_count, waiting_requests
from careercredit.sql import aware

#: Sign-offs still missing this close to a term's grading deadline are shown to the registrar.
DEADLINE_DAYS = 7
#: Messages waiting while nothing was sent for this long mean the sender is not running.
SILENT_OUTBOX = timedelta(hours=1)


def _plans_by_term(state: PlanState, *conditions: object) -> list[tuple[Term, int]]:
    """Terms with plans in ``state`` (and ``conditions``), with how many, earliest term first."""
    rows = db.session.execute(
        select(Term, func.count(CreditPlan.id))
        .join(CreditPlan, CreditPlan.term_id == Term.id)
        .where(CreditPlan.state == state, *conditions)  # type: ignore[arg-type]
        .group_by(Term.id)
        .order_by(Term.starts_on, Term.id)
    )
    return [(term, count) for term, count in rows.tuples()]


def registrar_part(registrar: User) -> Part:
    """Plans ready to post per term, record requests, sign-offs late near the deadline."""
    part = Part(
        Role.registrar,
        "Registrar's office",
        empty="Nothing waits for the registrar. Signed-off plans appear here, by term, when "
        "they are ready to post.",
    )
    part.links = [
        ("Posting by term", url_for("registrar.index")),
        ("Record requests", url_for("records.index")),
    ]
    for term, count in _plans_by_term(PlanState.signed_off):
        left = term.days_to_grading_deadline
        part.items.append(
            Item(
                f"{term.code}: {plural(count, 'plan')} ready to post",
                url_for("registrar.roster", term_id=term.id),
                f"Open the roster of {term.code}",
                detail="Export the grade roll and record what the SIS took.",
                rank=left,
            )
        )
    _request_items(part)
    near = clock.today() + timedelta(days=DEADLINE_DAYS)
    for term, count in _plans_by_term(PlanState.awaiting_signoff, Term.grading_deadline <= near):
        left = term.days_to_grading_deadline
        late = "past" if left < 0 else "near"
        part.items.append(
            Item(
                f"{term.code}: {plural(count, 'plan')} not signed off, {late} the grading deadline",
                url_for("registrar.roster", term_id=term.id),
                f"See {term.code}",
                detail="Their sponsors have been asked to sign off; the credit cannot be posted "
                "before.",
                when=f"grading deadline {term.grading_deadline} "
                + (f"({days_text(left)} ago)" if left < 0 else f"(in {days_text(left)})"),
                urgent=True,
                rank=left,
            )
        )
    return part


def _request_items(part: Part) -> None:
    total = waiting_count()
    if not total:
        return
    part.figures.append(f"{plural(total, 'record request')} waiting")
    if total > SHOWN:
        part.more = (f"See all {plural(total, 'record request')}", url_for("records.index"))
    for request in waiting_requests(SHOWN):
        days = days_since(clock.local(request.created_at).date())
        part.items.append(
            Item(
                f"{request.student.display_name} asks for an official record",
                url_for("records.index"),
                "Decide the request",
                detail=request.purpose or "",
                when=f"waiting {days_text(days)}" if days else "asked today",
                urgent=days >= 3,
                rank=-days,
            )
        )


# -- admin ------------------------------------------------------------------------


def outbox_health() -> tuple[datetime | None, int, int, datetime | None]:
    """The oldest waiting message's time, how many wait, how many failed, the last sending."""
    pending = OutboxMessage.status == MessageStatus.pending
    row = db.session.execute(
        select(
            func.min(OutboxMessage.created_at).filter(pending),
            func.count(OutboxMessage.id).filter(pending),
            func.count(OutboxMessage.id).filter(OutboxMessage.status == MessageStatus.failed),
            func.max(OutboxMessage.sent_at),
        )
    ).one()
    oldest, waiting, failed, last_sent = row
    return (
        aware(oldest) if oldest else None,
        waiting or 0,
        failed or 0,
        aware(last_sent) if last_sent else None,
    )


def _terms_without_courses() -> list[Term]:
    """Terms not yet over that offer no course section (plans in them cannot name a course)."""
    return list(
        db.session.scalars(
            select(Term)
            .where(
                Term.ends_on >= clock.today(),
                not_(select(CourseSection.id).where(CourseSection.term_id == Term.id).exists()),
            )
            .order_by(Term.starts_on, Term.id)
            .limit(SHOWN)
        )
    )


def _jobs_health(part: Part) -> None:
    """One line on the background work, and a warning when work waits with no worker."""
    jobs = jobs_health()
    queued = "queue unavailable" if jobs.queued is None else f"{plural(jobs.queued, 'job')} queued"
    oldest = f", oldest since {clock.datetime_text(jobs.oldest)}" if jobs.oldest else ""
    part.figures.append(
        f"Background work: {plural(jobs.workers, 'worker')} seen, {queued}, "
        f"{plural(jobs.waiting, 'record')} waiting{oldest}, {jobs.failed} failed"
    )
    if jobs.workers == 0 and (jobs.waiting or jobs.queued):
        part.warnings.append(
            "Background work waits and no worker is running: start “flask --app wsgi worker” "
            "(systemd, or make run)."
        )
    if jobs.queued is None:
        part.warnings.append("The job queue does not answer: check CAREERCREDIT_JOBS_URL.")


def admin_part(admin: User) -> Part:
    """The outbox's health and the terms that offer no course yet."""
    part = Part(
        Role.admin,
        "Administration",
        empty="All is well: e-mail is going out and every open term offers its courses.",
    )
    part.links = [
        ("See the outbox", url_for("outbox.index")),
        ("Manage terms", url_for("terms.index")),
        ("Manage courses", url_for("courses.index")),
    ]
    oldest, waiting, failed, last_sent = outbox_health()
    now = clock.now()
    part.figures.append(f"{plural(waiting, 'message')} waiting to be sent")
    part.figures.append(f"{plural(failed, 'message')} failed")
    if (
        oldest is not None
        and now - oldest >= SILENT_OUTBOX
        and (last_sent is None or now - last_sent >= SILENT_OUTBOX)
    ):
        since = f"since {clock.datetime_text(last_sent)}" if last_sent else "yet"
        part.warnings.append(
            f"No e-mail has been sent {since} while {plural(waiting, 'message')} "
            f"{'waits' if waiting == 1 else 'wait'}: check that a job worker runs "
            "(“flask worker” sends the outbox every minute) and that the mail server answers."
        )
    if oldest is not None:
        hours = int((now - oldest).total_seconds() // 3600)
        part.items.append(
            Item(
                f"Oldest waiting message queued {clock.datetime_text(oldest)}",
                url_for("outbox.index", status=MessageStatus.pending.value),
                "See waiting messages",
                when=f"{plural(hours, 'hour')} ago",
                urgent=now - oldest >= SILENT_OUTBOX,
                rank=-hours,
            )
        )
    if failed:
        part.items.append(
            Item(
                f"{plural(failed, 'message')} could not be delivered",
                url_for("outbox.index", status=MessageStatus.failed.value),
                "Retry or read the errors",
                urgent=True,
                rank=-10_000,
            )
        )
    _jobs_health(part)
    for term in _terms_without_courses():
        left = (term.starts_on - clock.today()).days
        part.items.append(
            Item(
                f"{term.code} offers no course section",
                url_for("courses.sections", term_id=term.id),
                f"Add sections to {term.code}",
                detail="Students' plans in this term cannot name the course they earn credit in.",
                when=f"{'started' if left < 0 else 'starts'} {term.starts_on}",
                urgent=left <= 14,
                rank=left,
            )
        )
    return part
