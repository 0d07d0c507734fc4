"""The main menu: each person's links, made once per set of roles, and their own unread count."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from careercredit.extensions import db
from careercredit.models import CreditPlan, NoticeKind, User
from careercredit.notices.services import notify
from tests.conftest import login, user_id
from tests.factories import Factory


def menu_of(client: FlaskClient, path: str = "/") -> list[str]:
    """The labels of the main menu's links, in order."""
    page = client.get(path).get_data(as_text=True)
    nav = page.split('aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    return [unescape(label) for label in re.findall(r"<a [^>]*>([^<]*)</a>", nav)]


def signed_in(app: Flask, uid: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, uid).status_code == 302
    return client


def tell(app: Flask, make: Factory, uid: str, count: int) -> None:
    """``count`` unread notices for ``uid``."""
    plan_id = make.plan(make.user("stu"))
    with app.app_context():
        person = db.session.get(User, user_id(app, uid))
        plan = db.session.get(CreditPlan, plan_id)
        for n in range(count):
            notify(
                NoticeKind.plan_assigned,
                plan,
                [person],
                summary=f"Notice {n}",
                link="http://127.0.0.1:5000/notices",
                by=person,
            )
        db.session.commit()


def test_people_with_the_same_roles_see_their_own_unread_count(app: Flask, make: Factory) -> None:
    alice = signed_in(app, "alice")
    jnunez = signed_in(app, "jnunez")
    tell(app, make, "alice", 2)

    assert menu_of(alice) == [
        "My plans",
        "My records",
        "My credentials",
        "Find projects",
        "Notices (2 unread)",
    ]
    assert menu_of(jnunez)[-1] == "Notices"
    assert menu_of(alice, "/plans/")[-1] == "Notices (2 unread)"


def test_two_roles_see_both_menus_in_order(app: Flask) -> None:
    sokafor = signed_in(app, "sokafor")  # a student who is also an advisor
    assert menu_of(sokafor) == [
        "My plans",
        "My records",
        "My credentials",
        "Find projects",
        "Review queue",
        "All plans",
        "Projects",
        "Employers",
        "Overdue",
        "Late sign-offs",
        "Reports",
        "Notices",
    ]
    # An advisor alone gets the advisor's links only, though the student's menu was made first.
    assert "My plans" not in menu_of(signed_in(app, "adavis"))


def test_the_current_page_is_marked(app: Flask) -> None:
    page = signed_in(app, "alice").get("/plans/").get_data(as_text=True)
    assert '<a href="/plans/" aria-current="page">My plans</a>' in page
    assert '<a href="/records/mine">My records</a>' in page


def test_signed_out_pages_have_no_menu_links(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "My plans" not in page
    assert "Notices" not in page
