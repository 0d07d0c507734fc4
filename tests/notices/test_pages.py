"""The notices page, the unread count in the menu, and each person's choice of e-mails."""

from __future__ import annotations

import html

from flask import Flask
from flask.testing import FlaskClient

from careercredit.extensions import db
from careercredit.models import CreditPlan, NoticeKind, User
from careercredit.notices.services import PER_PAGE, notify
from tests.conftest import csrf_token, user_id
from tests.notices.conftest import address, draft_of, mails, signed_in, submit
from tests.plans.conftest import post_form


def _page(client: FlaskClient, url: str = "/notices") -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def _tell(app: Flask, uid: str, *summaries: str, plan_id: int | None = None) -> None:
    """Notices as the events write them (the events' own tests go through the pages)."""
    with app.app_context():
        person = db.session.get(User, user_id(app, uid))
        plan = db.session.get(CreditPlan, plan_id) if plan_id else None
        for summary in summaries:
            notify(
                NoticeKind.plan_assigned,
                plan,
                [person],
                summary=summary,
                link="http://127.0.0.1:5000/notices",
                by=person,
            )
        db.session.commit()


def _choose(client: FlaskClient, delivery: str):
    token = csrf_token(client, "/notices/preferences")
    return client.post("/notices/preferences", data={"csrf_token": token, "delivery": delivery})


def test_the_page_lists_notices_newest_first_with_the_unread_count(
    app: Flask, login_as, make
) -> None:
    advisor = login_as("advisor")
    plan_id = make.plan(make.user("stu"))
    summaries = [f"Notice number {n:02d}" for n in range(PER_PAGE + 2)]
    _tell(app, "adavis", *summaries, plan_id=plan_id)

    first = _page(advisor)
    assert f"Notices ({PER_PAGE + 2} unread)" in first  # the menu
    assert first.index("Notice number 26") < first.index("Notice number 02")
    assert "Notice number 01" not in first
    assert "Page 1 of 2" in first
    assert "Notice number 00" in _page(advisor, "/notices?page=2")
    assert "No notices yet" in _page(login_as("registrar"))

    token = csrf_token(advisor, "/notices")
    up_to = first.split('name="up_to" type="hidden" value="')[1].split('"')[0]
    response = advisor.post("/notices/read", data={"csrf_token": token, "up_to": up_to})
    assert response.status_code == 302
    read = _page(advisor)
    assert "Notices (" not in read  # all read, those on page 2 too
    assert "0 unread" in read
    assert "Mark all as read" not in read
    _tell(app, "adavis", "One more thing", plan_id=plan_id)
    assert "Notices (1 unread)" in _page(advisor, "/notices/preferences")  # on every page


def test_a_digest_person_gets_one_e_mail_a_day(app: Flask, login_as, make) -> None:
    student = login_as("student")
    advisor = signed_in(app, "adavis")
    assert "An e-mail for each notice" in _page(advisor, "/notices/preferences")
    refused = _choose(advisor, "hourly")
    assert refused.status_code == 422
    assert "Not a valid choice" in html.unescape(refused.get_data(as_text=True))
    assert _choose(advisor, "digest").status_code == 302
    assert "You get one e-mail a day listing them" in _page(advisor)

    plans = [draft_of(app, make) for _ in range(2)]
    for plan_id in plans:
        submit(app, student, plan_id)
    # The sponsor chose nothing: an e-mail each time. The advisor: nothing yet.
    assert len(mails(app, address("fkim"))) == 2
    assert mails(app, address("adavis")) == []
    assert "Notices (2 unread)" in _page(advisor)

    runner = app.test_cli_runner()
    assert (
        "queued 1 digest(s) listing 2 notice(s)" in runner.invoke(args=["notices", "digest"]).output
    )
    (digest,) = mails(app, address("adavis"))
    assert digest.subject.startswith("CareerCredit: 2 notices for")
    assert digest.body.startswith("Hello Amara Davis,")
    assert digest.body.count("Alice Student submitted a credit plan") == 2
    assert "/notices" in digest.body
    assert "queued 0 digest(s)" in runner.invoke(args=["notices", "digest"]).output
    assert len(mails(app, address("adavis"))) == 1


def test_decisions_are_notices_too_and_follow_the_choice(app: Flask, login_as, make) -> None:
    student = login_as("student")
    advisor = signed_in(app, "adavis")
    plan_id = draft_of(app, make)
    submit(app, student, plan_id)
    assert _choose(student, "digest").status_code == 302
    response = post_form(
        advisor,
        f"/plans/{plan_id}",
        f"/plans/{plan_id}/request-changes",
        comment="Say which report you will write.",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert mails(app, address("alice")) == []  # she asked for the day's digest
    page = _page(student)
    assert "was sent back for changes." in page
    assert "Notices (1 unread)" in page

    app.test_cli_runner().invoke(args=["notices", "digest"])
    (digest,) = mails(app, address("alice"))
    assert "Your credit plan for" in digest.body
    assert "was sent back for changes." in digest.body
