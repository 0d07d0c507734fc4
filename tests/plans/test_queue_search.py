"""Finding a student in the advisors' queue: any part of a name or username, or the number.

On SQLite a text of three characters or more is answered by the trigram
index of people (migration 0021), which triggers keep current; shorter texts
are LIKE searches. On PostgreSQL both are ILIKE (pg_trgm's indexes).
"""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from sqlalchemy import delete, insert, inspect, select, update

from careercredit.extensions import db
from careercredit.models import User
from careercredit.models.people import MAX_FOUND_IDS
from tests.factories import Factory
from tests.plans.test_queue_worklist import student, submitted, text


def listed(advisor, query: str) -> set[int]:
    """The plans the queue lists for the search ``query``."""
    page = text(advisor.get("/plans/queue", query_string={"q": query}))
    assert "Plans waiting for review" in page
    return {int(found) for found in _plan_ids(page)}


def _plan_ids(page: str) -> list[str]:
    marker = 'id="plan-'
    return [part.split('"', 1)[0] for part in page.split(marker)[1:]]


@pytest.fixture
def queue(app: Flask, make: Factory) -> dict[str, int]:
    people = {
        "bea": ("bsmith", "Bea Smith", "900000101"),
        "cal": ("cjones", "Cal Jones", "900000102"),
        "zoe": ("zodegard", "Zoë Ødegård", "900000103"),
        "sean": ("soconnor", "Seán O'Connor", None),
        "pct": ("percent", "Ann 100% Sure", None),
    }
    return {
        key: submitted(make, student(app, make, uid, name, number), days)
        for days, (key, (uid, name, number)) in enumerate(people.items(), 1)
    }


def test_a_name_is_found_by_any_part_of_it_whatever_its_case(
    login_as, queue: dict[str, int]
) -> None:
    advisor = login_as("advisor")

    assert listed(advisor, "Smith") == {queue["bea"]}
    assert listed(advisor, "smith") == {queue["bea"]}
    assert listed(advisor, "BEA SM") == {queue["bea"]}
    assert listed(advisor, "a Smi") == {queue["bea"]}, "across the space between names"
    assert listed(advisor, "Ødegå") == {queue["zoe"]}
    assert listed(advisor, "O'Connor") == {queue["sean"]}
    assert listed(advisor, "Jones Cal") == set(), "a part, not words in any order"


def test_a_username_a_student_number_and_two_letters_find_a_student(
    login_as, queue: dict[str, int]
) -> None:
    advisor = login_as("advisor")

    assert listed(advisor, "cjon") == {queue["cal"]}
    assert listed(advisor, "CJONES") == {queue["cal"]}
    assert listed(advisor, "900000103") == {queue["zoe"]}
    assert listed(advisor, "90000010") == set(), "a student number is matched whole"
    assert listed(advisor, "Jo") == {queue["cal"]}
    assert listed(advisor, "sm") == {queue["bea"]}
    assert listed(advisor, "x") == set()


def test_search_text_is_taken_literally(login_as, queue: dict[str, int]) -> None:
    advisor = login_as("advisor")

    assert listed(advisor, "%") == {queue["pct"]}
    assert listed(advisor, "0%") == {queue["pct"]}
    assert listed(advisor, "_") == set()
    assert listed(advisor, "s_ith") == set()
    for syntax in ('"', 'a"b', "Smith OR Jones", "NEAR(a b)", "*", "bea*", "{uid}: x", "^Bea"):
        assert listed(advisor, syntax) == set(), syntax
    assert listed(advisor, '"Bea"') == set()


def test_a_renamed_or_removed_person_is_found_by_what_is_true_now(
    app: Flask, login_as, queue: dict[str, int]
) -> None:
    advisor = login_as("advisor")
    with app.app_context():
        db.session.execute(
            update(User).where(User.uid == "cjones").values(display_name="Cal Brown", uid="cbrown")
        )
        db.session.commit()

    assert listed(advisor, "Jones") == set()
    assert listed(advisor, "cjon") == set()
    assert listed(advisor, "Brown") == {queue["cal"]}
    assert listed(advisor, "cbro") == {queue["cal"]}

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.uid == "cbrown"))
        db.session.execute(update(User).where(User.id == user_id).values(email="c@example.org"))
        db.session.commit()
    assert listed(advisor, "Brown") == {queue["cal"]}, "other changes keep the person found"


def test_people_written_in_bulk_are_found(app: Flask, make: Factory, login_as) -> None:
    """The bench seed and imports write people with executemany: the index follows."""
    advisor = login_as("advisor")
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {"directory_id": str(uuid.uuid4()), "uid": f"bulk{n:05d}", "display_name": name}
                for n, name in enumerate(["Quinn Halvorsen", "Rui Halvorsen", "Sam Okoro"])
            ],
        )
        db.session.commit()
        ids = dict(db.session.execute(select(User.display_name, User.id)).tuples().all())
    plans = {name: submitted(make, ids[name], 2) for name in ("Quinn Halvorsen", "Sam Okoro")}

    assert listed(advisor, "halvors") == {plans["Quinn Halvorsen"]}
    assert listed(advisor, "bulk00000") == {plans["Quinn Halvorsen"]}
    assert listed(advisor, "bulk0000") == set(plans.values())
    assert listed(advisor, "bulk00002") == {plans["Sam Okoro"]}

    with app.app_context():
        db.session.execute(delete(User).where(User.uid == "bulk00001"))
        db.session.commit()
    assert listed(advisor, "Rui Halv") == set()


def test_a_search_finding_very_many_people_still_pages_and_counts(
    app: Flask, make: Factory, login_as
) -> None:
    advisor = login_as("advisor")
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {"directory_id": str(uuid.uuid4()), "uid": f"many{n:05d}", "display_name": "Many"}
                for n in range(MAX_FOUND_IDS + 1)
            ],
        )
        db.session.commit()
        first, last = db.session.execute(
            select(User.id).where(User.uid.in_(["many00000", f"many{MAX_FOUND_IDS:05d}"]))
        ).scalars()
    plans = {submitted(make, first, 3), submitted(make, last, 2)}

    page = text(advisor.get("/plans/queue?q=many"))
    assert set(map(int, _plan_ids(page))) == plans
    assert "2 plans in the queue match these filters." in page
    assert listed(advisor, "ma") == plans


def test_the_search_reads_an_index_on_either_database(app: Flask) -> None:
    with app.app_context():
        found = inspect(db.engine)
        if db.engine.dialect.name == "postgresql":
            names = {index["name"] for index in found.get_indexes("user")}
            assert {"ix_user_display_name_trgm", "ix_user_uid_trgm"} <= names
        else:
            assert "user_search" in found.get_table_names()
