"""The sponsor's review page: everything needed to decide, the sign-off form and sending back."""

from __future__ import annotations

from flask import Flask

from careercredit.models import GradingScheme, PlanState
from tests.conftest import csrf_token, user_id
from tests.plans.conftest import outbox
from tests.signoff.pages import (
    REFLECTION,
    events,
    finished_plan,
    review,
    sign_off_of,
    sponsor_id,
    state_of,
    text,
    touch,
    version_on,
)


def _setup(app: Flask, login_as, make, **values):
    """The sponsor signed in, alice's plan waiting for them."""
    sponsor = login_as("faculty")
    login_as("student")
    plan_id = finished_plan(app, make, user_id(app, "alice"), sponsor=sponsor_id(app), **values)
    return sponsor, plan_id


def test_one_page_shows_what_the_sponsor_decides_on(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make, verified="60")
    page = text(sponsor.get(f"/signoff/{plan_id}"))
    assert "Sign-off: Alice" in page
    assert "Apply data analysis to a real client problem" in page  # objectives
    assert "Employer " in page
    assert "Project " in page
    assert "60 of 90 required hours verified" in page
    assert '<progress class="hours-verified signoff-progress" max="90" value="60"' in page
    assert "Midterm evaluation" in page
    assert "On track, keep going." in page
    assert "Final evaluation" in page
    assert "Clear, careful work." in page
    assert '<td>Quality of work</td><td class="num">4</td>' in page
    assert REFLECTION in page
    # S/U by default; the credits default to the most the hours allow, and say why.
    assert '<option value="S">S — satisfactory</option>' in page
    assert '<option value="A">' not in page
    assert 'id="credits" max="1" min="0" name="credits" required type="number" value="1"' in page
    assert "At most 1 credit: 60 verified hours at 45 per credit" in page


def test_sign_off_satisfactory(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make)
    response = review(sponsor, plan_id, grade="S", credits=2, comment="Thorough work.")
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/signoff/"
    assert state_of(app, plan_id) == PlanState.signed_off
    assert sign_off_of(app, plan_id) == ("S", 2, "Thorough work.", sponsor_id(app))
    assert events(app, plan_id, "plan.sign_off") == [
        {
            "from": "awaiting_signoff",
            "to": "signed_off",
            "credits": 2,
            "grade": "S",
            "comment": "Thorough work.",
        }
    ]
    queue = text(sponsor.get("/signoff/"))
    assert "Signed off: Alice" in queue
    assert "grade S, 2 credits." in queue
    assert "No plan is waiting for your sign-off." in queue
    # The page now shows the decision, without forms.
    page = text(sponsor.get(f"/signoff/{plan_id}"))
    assert "Signed off" in page
    assert "Thorough work." in page
    assert 'name="credits"' not in page


def test_sign_off_with_a_letter_grade(app: Flask, login_as, make) -> None:
    term = make.term(grading_scheme=GradingScheme.letter)
    sponsor, plan_id = _setup(app, login_as, make, term_id=term)
    page = text(sponsor.get(f"/signoff/{plan_id}"))
    assert '<option value="B+">B+</option>' in page
    assert '<option value="S">' not in page
    refused = review(sponsor, plan_id, grade="S", credits=2)
    assert refused.status_code == 422
    assert "Choose a grade: A, A-, B+, B, B-, C+, C, C-, D+, D, F." in text(refused)
    assert review(sponsor, plan_id, grade="B+", credits=2).status_code == 302
    assert sign_off_of(app, plan_id) == ("B+", 2, "", sponsor_id(app))
    assert events(app, plan_id, "plan.sign_off")[0]["grade"] == "B+"


def test_credits_are_capped_by_verified_hours(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make, credits=2, verified="60")
    response = review(sponsor, plan_id, grade="S", credits=2, comment="Kept comment.")
    page = text(response)
    assert response.status_code == 422
    assert "Award at most 1 credit (60 verified hours at 45 per credit)." in page
    assert "Kept comment.</textarea>" in page  # entries kept
    assert 'value="S" selected' in page.replace('selected value="S"', 'value="S" selected')
    assert sign_off_of(app, plan_id) is None
    assert review(sponsor, plan_id, grade="S", credits=1).status_code == 302
    assert sign_off_of(app, plan_id)[:2] == ("S", 1)


def test_edited_forms_are_refused_and_nothing_is_stored(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make, credits=2)
    cases = {
        "credits above the maximum": (
            {"grade": "S", "credits": 3},
            "Award at most 2 credits (2 approved).",
        ),
        "a grade not in the scheme": ({"grade": "A", "credits": 2}, "Choose a grade: S, U."),
        "no grade": ({"grade": "", "credits": 2}, "Choose a grade: S, U."),
        "credits with a failing grade": (
            {"grade": "U", "credits": 2},
            "A grade of U awards no credit; enter 0.",
        ),
        "credits out of range": ({"grade": "S", "credits": 13}, "a whole number from 0 to 12"),
        "no credits": ({"grade": "S", "credits": ""}, "Enter the credits awarded"),
    }
    for case, (data, message) in cases.items():
        response = review(sponsor, plan_id, **data)
        assert response.status_code == 422, case
        assert message in text(response), case
    assert state_of(app, plan_id) == PlanState.awaiting_signoff
    assert sign_off_of(app, plan_id) is None
    assert events(app, plan_id, "plan.sign_off") == []


def test_failing_grade_with_no_credit(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make, verified="20")
    page = text(sponsor.get(f"/signoff/{plan_id}"))
    assert "No credit can be awarded: 20 verified hours, and one credit needs 45." in page
    refused = review(sponsor, plan_id, grade="S", credits=0)
    assert "Only 20 verified hours: not enough for one credit" in text(refused)
    assert review(sponsor, plan_id, grade="U", credits=0).status_code == 302
    assert sign_off_of(app, plan_id)[:2] == ("U", 0)


def test_a_plan_changed_meanwhile_answers_409(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make)
    page = f"/signoff/{plan_id}"
    seen = version_on(sponsor.get(page).get_data(as_text=True))
    touch(app, plan_id)  # someone else's change after the sponsor loaded the page
    response = sponsor.post(
        page,
        data={
            "csrf_token": csrf_token(sponsor, page),
            "version": seen,
            "grade": "S",
            "credits": "2",
            "comment": "Seen before the change.",
        },
    )
    assert response.status_code == 409
    shown = text(response)
    assert "This plan was changed by someone else in the meantime." in shown
    assert "Seen before the change.</textarea>" in shown
    assert version_on(shown) == str(int(seen) + 1)  # the form now carries the current version
    assert sign_off_of(app, plan_id) is None


def test_sign_off_is_refused_once_the_plan_left_the_queue(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make, state=PlanState.in_progress)
    page = text(sponsor.get(f"/signoff/{plan_id}"))
    assert "This plan is in progress. It comes to you for sign-off when" in page
    assert 'name="credits"' not in page
    response = sponsor.post(
        f"/signoff/{plan_id}",
        data={
            "csrf_token": csrf_token(sponsor, f"/signoff/{plan_id}"),
            "version": "1",
            "grade": "S",
            "credits": "2",
        },
    )
    assert response.status_code == 422
    assert "This plan is in progress; it cannot be signed off now." in text(response)
    assert sign_off_of(app, plan_id) is None


def _send_back(client, plan_id: int, comment: str):
    page = f"/signoff/{plan_id}"
    shown = client.get(page).get_data(as_text=True)
    return client.post(
        f"{page}/send-back",
        data={
            "back-csrf_token": csrf_token(client, page),
            "back-version": version_on(shown, "back-version"),
            "back-comment": comment,
        },
    )


def test_send_back_needs_a_comment_the_student_then_reads(app: Flask, login_as, make) -> None:
    sponsor, plan_id = _setup(app, login_as, make, term_id=make.term("2027SP"))
    refused = _send_back(sponsor, plan_id, "  ")
    assert refused.status_code == 422
    assert "Write a comment for the student: what to fix or add" in text(refused)
    assert state_of(app, plan_id) == PlanState.awaiting_signoff

    comment = "Ask your supervisor for the <final> evaluation of the second project."
    response = _send_back(sponsor, plan_id, comment)
    assert response.status_code == 302
    assert state_of(app, plan_id) == PlanState.in_progress
    assert events(app, plan_id, "plan.send_back")[0]["comment"] == comment
    assert sign_off_of(app, plan_id) is None
    assert "Plan sent back to Alice" in text(sponsor.get("/signoff/"))
    student = login_as("student")
    shown = student.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Ask your supervisor for the &lt;final&gt; evaluation" in shown
    assert ("alice@university.example", "Your sponsor sent back your credit plan for 2027SP") in (
        outbox(app)
    )
