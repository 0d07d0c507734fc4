"""``flask reminders send``: one reminder per waiting link, one notice per expired link."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import (
    AuditEvent,
    HourStatus,
    LinkPurpose,
    PlanState,
    Role,
    SupervisorLink,
)
from careercredit.supervisors.links import now
from tests.factories import Factory
from tests.reminders.conftest import Supervision, run_reminders


def test_reminds_once_after_seven_days_with_the_same_link(
    app: Flask, supervision: Supervision
) -> None:
    scene = supervision.placement(name="José Ñúñez")
    link = supervision.link(scene, LinkPurpose.final, age=6.9)

    assert "reminded 0" in run_reminders(app)
    assert supervision.outbox() == []

    supervision.age(link, 7.01)
    output = run_reminders(app)

    assert "reminded 1 supervisor link(s)" in output
    [mail] = supervision.outbox()
    row = supervision.get(link)
    assert mail.to == scene.supervisor_email
    assert mail.subject.startswith("Reminder: José Ñúñez asks you to give your final evaluation")
    assert row.url in mail.body
    assert row.reminded
    assert not row.revoked
    assert len(supervision.links(scene)) == 1  # the same link, not a new one

    assert "reminded 0" in run_reminders(app)
    assert len(supervision.outbox()) == 1


def test_reminder_delay_comes_from_the_configuration(
    make_app, make: Factory, supervision: Supervision
) -> None:
    short = make_app(REMINDER_AFTER_DAYS=3)
    scene = supervision.placement()
    supervision.link(scene, LinkPurpose.midterm, age=4)

    assert "reminded 0" in run_reminders(supervision.app)
    assert "reminded 1" in run_reminders(short)


def test_answered_revoked_and_fresh_links_are_left_alone(
    app: Flask, supervision: Supervision
) -> None:
    answered = supervision.placement()
    supervision.link(answered, LinkPurpose.final, age=9, answered=True)
    fresh = supervision.placement()
    supervision.link(fresh, LinkPurpose.final, age=2)
    revoked = supervision.placement()
    link = supervision.link(revoked, LinkPurpose.final, age=9)
    with app.app_context():
        db.session.get_one(SupervisorLink, link).revoked_at = now()
        db.session.commit()

    assert "reminded 0" in run_reminders(app)
    assert supervision.outbox() == []


def test_hours_links_only_while_hours_wait_for_verification(
    app: Flask, supervision: Supervision
) -> None:
    scene = supervision.placement()
    supervision.hours(scene, HourStatus.verified)
    supervision.hours(scene, HourStatus.disputed)
    link = supervision.link(scene, LinkPurpose.hours, age=8)

    assert "reminded 0" in run_reminders(app)

    supervision.hours(scene, HourStatus.submitted)
    assert "reminded 1" in run_reminders(app)
    [mail] = supervision.outbox()
    assert "verify the hours worked" in mail.subject
    assert supervision.get(link).url in mail.body


def test_evaluation_links_only_while_the_evaluation_is_missing(
    app: Flask, supervision: Supervision
) -> None:
    scene = supervision.placement()
    supervision.evaluation(scene, LinkPurpose.midterm)
    supervision.link(scene, LinkPurpose.midterm, age=8)
    final = supervision.link(scene, LinkPurpose.final, age=8)

    assert "reminded 1" in run_reminders(app)
    assert supervision.get(final).reminded
    [mail] = supervision.outbox()
    assert "final evaluation" in mail.subject


def test_links_of_closed_plans_are_not_chased(app: Flask, supervision: Supervision) -> None:
    for state in (PlanState.withdrawn, PlanState.awaiting_signoff, PlanState.signed_off):
        scene = supervision.placement(state=state)
        supervision.link(scene, LinkPurpose.final, age=8)
        supervision.link(scene, LinkPurpose.midterm, age=20, lifetime=14)

    assert "reminded 0 supervisor link(s) waiting 7+ days; told 0" in run_reminders(app)
    assert supervision.outbox() == []


def test_expiry_is_told_once_to_the_student_and_every_advisor(
    app: Flask, make: Factory, supervision: Supervision
) -> None:
    make.user("adviser2", Role.advisor)
    scene = supervision.placement(student="zoe", name="Zoë Ødegård")
    link = supervision.link(scene, LinkPurpose.midterm, age=15, lifetime=14)

    output = run_reminders(app)

    assert "reminded 0" in output  # expired: nothing to remind of
    assert "told 1 expired link(s)" in output
    assert "queued 3 message(s)" in output
    mails = {m.to: m for m in supervision.outbox()}
    assert set(mails) == {
        "zoe@university.example",
        "adviser1@university.example",
        "adviser2@university.example",
    }
    student_mail = mails["zoe@university.example"]
    assert "expired without an answer" in student_mail.subject
    assert scene.supervisor_email in student_mail.body
    assert f"/plans/{scene.plan}" in student_mail.body
    assert "/s/" not in student_mail.body  # the supervisor's link is not passed on
    advisor_mail = mails["adviser1@university.example"]
    assert "Zoë Ødegård" in advisor_mail.subject
    assert "/advisor/overdue" in advisor_mail.body
    assert supervision.get(link).expiry_notified

    assert "told 0" in run_reminders(app)
    assert len(supervision.outbox()) == 3


def test_reminded_link_that_expires_is_told_as_well(app: Flask, supervision: Supervision) -> None:
    scene = supervision.placement()
    link = supervision.link(scene, LinkPurpose.final, age=8, lifetime=14)
    assert "reminded 1" in run_reminders(app)

    supervision.age(link, 15)
    output = run_reminders(app)

    assert "reminded 0" in output
    assert "told 1" in output
    student_mail = next(m for m in supervision.outbox() if m.to.startswith("person"))
    assert "although we sent a reminder" in student_mail.body


def test_superseded_expired_links_are_not_told(app: Flask, supervision: Supervision) -> None:
    scene = supervision.placement()
    old = supervision.link(scene, LinkPurpose.final, age=30, lifetime=14)
    supervision.link(scene, LinkPurpose.final, age=1)  # sent again, still open

    assert "told 0" in run_reminders(app)
    assert not supervision.get(old).expiry_notified
    assert supervision.outbox() == []


def test_only_the_newest_of_several_expired_links_is_told(
    app: Flask, supervision: Supervision
) -> None:
    scene = supervision.placement()
    old = supervision.link(scene, LinkPurpose.final, age=40, lifetime=14)
    new = supervision.link(scene, LinkPurpose.final, age=20, lifetime=14)

    assert "told 1" in run_reminders(app)
    assert supervision.get(new).expiry_notified
    assert not supervision.get(old).expiry_notified


def test_running_twice_queues_nothing_new_and_one_audit_event_per_busy_run(
    app: Flask, supervision: Supervision
) -> None:
    first, second = supervision.placement(), supervision.placement()
    waiting = supervision.link(first, LinkPurpose.final, age=8)
    expired = supervision.link(second, LinkPurpose.midterm, age=20, lifetime=14)

    run_reminders(app)
    queued = supervision.outbox()
    assert "reminded 0" in run_reminders(app)
    assert "told 0" in run_reminders(app)

    assert supervision.outbox() == queued
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reminders.send")
        ).all()
        assert len(events) == 1
        assert events[0].details["reminded"] == [waiting]
        assert events[0].details["expired"] == [expired]
