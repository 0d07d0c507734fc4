"""Browsing the audit log: filters, validation, escaping, access and query counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from careercredit.extensions import db
from careercredit.models import AuditEvent
from tests.conftest import user_id
from tests.registrar.conftest import text_of
from tests.statements import statements


def add_event(app: Flask, action: str, when: str, actor: int | None = None, **values) -> int:
    """An audit event written at ``when`` (test set-up: rows are only ever inserted)."""
    with app.app_context():
        event = AuditEvent(
            action=action,
            actor_id=actor,
            created_at=datetime.fromisoformat(when).replace(tzinfo=UTC),
            details=values.pop("details", {}),
            **values,
        )
        db.session.add(event)
        db.session.commit()
        return event.id


@pytest.fixture
def log(app: Flask, login_as):
    """The registrar signed in, and events by alice and fkim on three days."""
    registrar = login_as("registrar")
    login_as("student")
    login_as("faculty")
    alice, fkim = user_id(app, "alice"), user_id(app, "fkim")
    add_event(
        app, "plan.submit", "2026-01-10 09:00", alice, object_type="credit_plan", object_id="7"
    )
    add_event(
        app, "plan.approve", "2026-02-15 12:00", fkim, object_type="credit_plan", object_id="7"
    )
    add_event(
        app, "plan.submit", "2026-03-20 23:59", alice, object_type="credit_plan", object_id="8"
    )
    add_event(app, "catalogue.import", "2026-03-21 00:00", fkim, object_type="project")
    return registrar


def rows(client, query: str = "") -> list[str]:
    """The (date, action) of each event shown, in page order."""
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [
        f"{cells[0][:10]} {cells[2].split()[0]}"
        for cells in (
            text_of(row).split(" | ")
            for row in body.replace("</td>", " | ").split("</tr>")
            if "<td" in row
        )
    ]


def test_newest_first(log) -> None:
    shown = rows(log, "?action=plan.*")
    assert shown == ["2026-03-20 plan.submit", "2026-02-15 plan.approve", "2026-01-10 plan.submit"]


def test_filter_by_person_action_and_object(log) -> None:
    assert rows(log, "?person=alice")[0] == f"{datetime.now(UTC):%Y-%m-%d} auth.login"
    assert rows(log, "?person=alice&action=plan.submit") == [
        "2026-03-20 plan.submit",
        "2026-01-10 plan.submit",
    ]
    assert len(rows(log, "?person=%20ALICE%20&action=plan.submit")) == 2
    assert rows(log, "?person=alice&action=plan.approve") == []
    assert rows(log, "?person=fkim&action=plan.approve") == ["2026-02-15 plan.approve"]
    assert rows(log, "?action=catalogue.*") == ["2026-03-21 catalogue.import"]
    assert rows(log, "?object_type=credit_plan&object_id=7") == [
        "2026-02-15 plan.approve",
        "2026-01-10 plan.submit",
    ]
    assert rows(log, "?person=nobody") == []


def test_filter_by_dates_includes_both_ends(log) -> None:
    assert rows(log, "?date_from=2026-02-15&date_to=2026-03-20&action=plan.*") == [
        "2026-03-20 plan.submit",
        "2026-02-15 plan.approve",
    ]
    assert rows(log, "?date_from=2026-03-21") == [
        f"{datetime.now(UTC):%Y-%m-%d} auth.login",
        f"{datetime.now(UTC):%Y-%m-%d} auth.login",
        f"{datetime.now(UTC):%Y-%m-%d} auth.login",
        "2026-03-21 catalogue.import",
    ]
    assert rows(log, "?date_to=2026-01-10") == ["2026-01-10 plan.submit"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=yesterday", "Enter the date as YYYY-MM-DD, for example 2027-01-31."),
        ("?date_to=2026-02-30", "Enter the date as YYYY-MM-DD, for example 2027-01-31."),
        ("?date_to=9999-12-31", "Enter a date between 1970 and 2999."),
        (
            "?date_from=2026-03-01&date_to=2026-02-01",
            "The end date must be on or after the start date.",
        ),
    ],
)
def test_bad_dates_get_a_message(log, query: str, message: str) -> None:
    response = log.get(f"/admin/audit{query}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Correct the filters above" in page
    assert 'value="' + query.split("=")[1].split("&")[0] + '"' in page  # entries kept


def test_action_choices_offer_prefixes_and_actions(log) -> None:
    page = log.get("/admin/audit").get_data(as_text=True)
    assert '<option value="plan.*">plan.* (every plan action)</option>' in page
    assert '<option value="plan.approve">plan.approve</option>' in page
    assert '<option value="credit_plan">credit_plan</option>' in page


def test_details_are_compact_and_escaped(app: Flask, log) -> None:
    add_event(
        app,
        "plan.note",
        "2026-04-01 10:00",
        details={"comment": "<script>alert(1)</script>", "n": 1},
    )
    page = log.get("/admin/audit?action=plan.note").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert (
        '<code class="details">{&#34;comment&#34;:&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;,'
        "&#34;n&#34;:1}</code>" in page
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("student", 404), ("advisor", 404), ("faculty", 404), ("registrar", 200), ("admin", 200)],
)
def test_access(app: Flask, login_as, role: str, status: int) -> None:
    assert login_as(role).get("/admin/audit").status_code == status


def test_anonymous_visitors_sign_in_first(client) -> None:
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_queries_do_not_grow_with_events(app: Flask, log) -> None:
    people = [user_id(app, uid) for uid in ("alice", "fkim", "rlopez")]
    log.get("/admin/audit")
    with statements(app) as few:
        log.get("/admin/audit")
    for n in range(60):
        add_event(app, f"test.e{n % 7}", f"2026-05-{n % 28 + 1:02d} 10:00", people[n % 3])
    with statements(app) as many:
        page = log.get("/admin/audit").get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert len(many) == len(few)
