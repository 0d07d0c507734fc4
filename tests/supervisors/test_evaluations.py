"""The supervisor's evaluation form: the rubric, one evaluation per kind, errors that keep input."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import CreditPlan, Evaluation, RubricCriterion, SupervisorLink, User
from careercredit.supervisors.links import create_link, url_for_link
from tests.conftest import csrf_token
from tests.supervisors.conftest import Case, disclosures, events, supervisor_post


def criteria(app: Flask) -> list[tuple[int, str, str, list[str]]]:
    with app.app_context():
        rows = db.session.scalars(
            select(RubricCriterion).where(RubricCriterion.active).order_by(RubricCriterion.position)
        )
        return [(c.id, c.key, c.label, list(c.descriptors)) for c in rows]


def evaluations(app: Flask) -> list[Evaluation]:
    with app.app_context():
        rows = db.session.scalars(select(Evaluation).order_by(Evaluation.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def full_answer(app: Flask, comments: str = "Careful, curious and clear.") -> dict[str, object]:
    answer: dict[str, object] = {f"criterion_{cid}": 4 for cid, *_ in criteria(app)}
    answer["comments"] = comments
    return answer


def test_the_form_shows_the_active_rubric_in_order(case: Case) -> None:
    with case.app.app_context():
        growth = db.session.scalar(select(RubricCriterion).where(RubricCriterion.key == "growth"))
        growth.active = False
        db.session.commit()
    page = case.app.test_client().get(case.link("midterm")).get_data(as_text=True)
    assert "Midterm evaluation of Alice Student" in page
    shown = criteria(case.app)
    assert [label for _, _, label, _ in shown] == [
        "Quality of work",
        "Communication",
        "Professionalism",
        "Initiative",
    ]
    positions = [page.index(f"<legend>{label}</legend>") for _, _, label, _ in shown]
    assert positions == sorted(positions)
    assert "<legend>Growth</legend>" not in page
    for cid, _, _, descriptors in shown:
        for score, text in enumerate(descriptors, start=1):
            assert re.search(
                rf'<input[^>]*name="criterion_{cid}"[^>]*type="radio" value="{score}">'
                rf'\s*<label for="criterion_{cid}-{score - 1}">{score}: {re.escape(text)}</label>',
                page,
            ), (cid, score)


def test_submitting_stores_the_evaluation_once(case: Case) -> None:
    path = case.link("final")
    with case.app.app_context():
        link_id = db.session.scalar(select(SupervisorLink.id))
    supervisor = case.app.test_client()
    response = supervisor_post(supervisor, path, "/evaluation", **full_answer(case.app))
    assert response.status_code == 302
    assert response.headers["Location"] == path

    (evaluation,) = evaluations(case.app)
    assert evaluation.placement_id == case.placement_id
    assert evaluation.kind.value == "final"
    assert evaluation.link_id == link_id
    assert evaluation.comments == "Careful, curious and clear."
    assert evaluation.scores["quality"] == {"label": "Quality of work", "score": 4}
    assert set(evaluation.scores) == {key for _, key, _, _ in criteria(case.app)}
    (event,) = events(case.app, "evaluation.submit")
    assert event.actor_id is None
    assert event.details == {"link_id": link_id, "evaluation_id": evaluation.id, "kind": "final"}
    with case.app.app_context():
        assert db.session.get(SupervisorLink, link_id).answered_at is not None

    thanks = supervisor.get(path).get_data(as_text=True)
    assert "Thank you" in thanks
    assert "Careful, curious and clear." in thanks
    assert "<form" not in thanks.split("<main", 1)[1]

    # The same answer again (a second tab, the back button) changes nothing.
    again = supervisor.post(
        f"{path}/evaluation",
        # The thank-you page has no form; the session's token is the one any form carried.
        data={**full_answer(case.app, "Second try"), "csrf_token": csrf_token(supervisor)},
    )
    assert again.status_code == 302
    assert len(evaluations(case.app)) == 1
    assert evaluations(case.app)[0].comments == "Careful, curious and clear."
    assert "already submitted" in supervisor.get(path).get_data(as_text=True)


def test_a_validation_error_keeps_what_was_typed(case: Case) -> None:
    path = case.link("midterm")
    shown = criteria(case.app)
    answer = full_answer(case.app, "Strong analysis; <b>late</b> twice.")
    first_id = shown[0][0]
    del answer[f"criterion_{shown[1][0]}"]
    answer[f"criterion_{first_id}"] = 2
    answer[f"criterion_{shown[2][0]}"] = 9
    supervisor = case.app.test_client()
    response = supervisor_post(supervisor, path, "/evaluation", **answer)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"Choose a score for “{shown[1][2]}”." in page
    assert "Not a valid choice" in page
    assert "Strong analysis; &lt;b&gt;late&lt;/b&gt; twice." in page
    assert f'<input checked id="criterion_{first_id}-1" name="criterion_{first_id}"' in page
    assert evaluations(case.app) == []


def test_a_resent_link_for_an_evaluated_kind_shows_the_evaluation(case: Case) -> None:
    path = case.link("final")
    supervisor = case.app.test_client()
    supervisor_post(supervisor, path, "/evaluation", **full_answer(case.app))
    with case.app.app_context():
        placement = db.session.get(CreditPlan, case.plan_id).placements[0]
        student = db.session.scalar(select(User).where(User.uid == "alice"))
        with case.app.test_request_context():
            link = create_link(placement, placement.links[0].purpose, student)
            db.session.commit()
            newer = url_for_link(link).split("127.0.0.1:5000", 1)[1]
    page = case.app.test_client().get(newer).get_data(as_text=True)
    assert "Thank you" in page
    assert "Careful, curious and clear." in page
    assert len(evaluations(case.app)) == 1
    assert "the final evaluation as submitted" in disclosures(case.app)[-1].disclosed

    # And the plan page offers no new final request, nor a midterm one after the final.
    plan_page = case.student.get(case.plan_page).get_data(as_text=True)
    assert "end final evaluation request" not in plan_page  # neither Send nor Re-send
    assert "end midterm evaluation request" not in plan_page


def test_evaluations_show_on_the_plan_page(case: Case, login_as) -> None:
    path = case.link("final")
    supervisor_post(
        case.app.test_client(), path, "/evaluation", **full_answer(case.app, "Would host again.")
    )
    for client in (case.student, login_as("advisor"), login_as("registrar")):
        page = client.get(case.plan_page).get_data(as_text=True)
        assert "Final evaluation" in page
        assert "Would host again." in page
        assert "Quality of work" in page


def test_the_form_never_shows_grades_or_credits(case: Case) -> None:
    page = case.app.test_client().get(case.link("final")).get_data(as_text=True)
    body = page.split("<main", 1)[1].replace("credit record", "")
    for private in ("credits", "Credits", "grade", "Grade", "objectives"):
        assert private not in body, private
