"""The students' catalogue in a real browser: search, a project's page, "add to my plan".

Every page is audited with axe-core (see people.py); the list and the project
page are read on a phone as well, where nothing may scroll sideways.
"""

from __future__ import annotations

from datetime import timedelta

from careercredit import clock
from careercredit.models import PlanState
from tests.browser.conftest import LiveServer
from tests.conftest import PEOPLE, user_id

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TODAY = clock.today()


def _catalogue(server: LiveServer) -> dict[str, int]:
    """A term under way, a draft plan of Alice's in it, and projects offered or not."""
    make = server.make
    term = make.term("2026FA")
    food_bank = make.employer("Eastside Food Bank")
    library = make.employer("Riverside Public Library")
    supervisor = make.supervisor(
        food_bank, name="Maria Ortiz", email="maria.ortiz@foodbank.example"
    )
    ids = {"term": term}
    ids["survey"] = make.project(
        food_bank,
        hours=25,
        supervisor_id=supervisor,
        title="Survey analysis for a food bank",
        description="Clean and chart the answers of the spring donor survey.",
        deliverables="A cleaned data set and a two-page memo for the board.",
    )
    ids["booking"] = make.project(library, hours=20, title="Reading-room booking prototype")
    make.project(
        library,
        title="Winter reading challenge",
        starts_on=TODAY - timedelta(days=60),
        ends_on=TODAY - timedelta(days=2),
    )
    student = user_id(server.app, PEOPLE["student"])
    ids["plan"] = make.plan(student, PlanState.draft, term_id=term, project_ids=[])
    return ids


def test_a_student_finds_a_project_and_adds_it_to_her_plan(serve, people) -> None:
    server = serve()
    student = people(server, "student")
    student.sign_in(PEOPLE["student"])
    ids = _catalogue(server)

    student.follow("Find projects")
    listed = student.text()
    assert "Survey analysis for a food bank" in listed
    assert "Reading-room booking prototype" in listed
    assert "Winter reading challenge" not in listed  # ended
    student.screenshot("student-catalogue")

    student.fill("Search", "donor survey")
    student.press("Search")
    assert "Reading-room booking prototype" not in student.text()
    student.follow("Survey analysis for a food bank")
    page = student.text()
    assert "Maria Ortiz" in page
    assert "maria.ortiz@foodbank.example" not in page
    assert "A cleaned data set and a two-page memo for the board." in page

    student.press("Add to my plan for 2026FA")
    assert student.path == f"/plans/{ids['plan']}/edit"
    assert "Survey analysis for a food bank is now part of your plan for 2026FA." in student.flash()
    assert "Survey analysis for a food bank" in student.text()


def test_the_catalogue_reads_on_a_phone(serve, people) -> None:
    server = serve()
    student = people(server, "student", **PHONE)
    student.sign_in(PEOPLE["student"])
    ids = _catalogue(server)
    for path in ("/catalogue/browse", f"/catalogue/browse/{ids['survey']}"):
        student.open(path)
        width = student.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} pixels wide on a 360-pixel phone"
    student.open("/catalogue/browse?max_hours=lots", status=422)
    field = student.page.get_by_label("At most (hours)", exact=True)
    assert field.input_value() == "lots"
    assert field.get_attribute("aria-invalid") == "true"
