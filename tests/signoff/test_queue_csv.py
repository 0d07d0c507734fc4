"""The sponsor's sign-off queue as a CSV file: their own waiting plans, figures summed in SQL."""

from __future__ import annotations

import csv
import io

from flask import Flask

from careercredit.models import PlanState, Role
from tests.signoff.pages import finished_plan, sponsor_id, student

FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"


def test_queue_csv_lists_my_waiting_plans_with_hours_and_neutralised_names(
    app: Flask, login_as, make
) -> None:
    sponsor = login_as("faculty")
    me, other = sponsor_id(app), make.user("ochen", Role.faculty, name="Olivia Chen")
    mine = finished_plan(app, make, student(make, "evil", FORMULA), sponsor=me, verified="60")
    finished_plan(app, make, student(make, "cjones", "Cal Jones"), sponsor=other)
    finished_plan(
        app, make, student(make, "dlee", "Dee Lee"), sponsor=me, state=PlanState.in_progress
    )

    response = sponsor.get("/signoff/queue.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [row["plan_id"] for row in rows] == [str(mine)]
    assert rows[0]["student"] == "'" + FORMULA
    assert rows[0]["verified_hours"] == "60"
    assert rows[0]["required_hours"] == "90"
    assert rows[0]["most_awardable"] == "1"
    assert 'href="/signoff/queue.csv"' in sponsor.get("/signoff/").get_data(as_text=True)
