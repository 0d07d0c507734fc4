"""The life of a credit plan in a real browser, each person in their own, through the pages only.

A student proposes a plan bundling two micro-internships; an advisor asks
for changes; the student revises and resubmits; the advisor approves. The
student logs hours and sends each supervisor a link, which the supervisor
(no account) reads from the development outbox, then verifies the hours
and gives the final evaluation. The student sends the plan for sign-off,
the sponsor signs off, and the registrar exports the grade roll and posts
it. Every page on the way is audited with axe-core (see people.py); the
key pages are saved as screenshots for the README.

Each step is one helper taking the person who acts, so later steps (the
official record, its public verification) append as helpers of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from careercredit import clock
from tests.browser.conftest import LiveServer
from tests.browser.people import Person
from tests.conftest import PEOPLE
from tests.factories import OBJECTIVES

TERM = "2026FA"
FOOD_BANK = "Survey analysis for a food bank"
LIBRARY = "Reading-room booking prototype"
REVISED = (
    OBJECTIVES[:-1] + ", and design a booking prototype that library staff can test with "
    "real patrons in one week."
)
REFLECTION = (
    "Cleaning a real client's survey data showed me how much judgement hides behind each "
    "number; building the booking prototype taught me to test with the people who will use it."
)
HOURS, FINAL = "hour verification request", "final evaluation request"
CHANGES = "Say what you will learn from the library project as well, then send it again."


@dataclass(frozen=True)
class Project:
    """A micro-internship of the catalogue and the supervisor who signs its hours."""

    title: str
    employer: str
    hours: int
    supervisor: str
    email: str


PROJECTS = (
    Project(FOOD_BANK, "Eastside Food Bank", 25, "Maria Ortiz", "maria.ortiz@foodbank.example"),
    Project(LIBRARY, "Riverside Public Library", 20, "Sam Okafor", "sam.okafor@library.example"),
)


def open_catalogue(server: LiveServer) -> None:
    """Set-up data, before anyone signs in: a term open for planning and two projects."""
    make = server.make
    started = clock.today() - timedelta(days=30)
    make.term(TERM, name="Fall 2026", starts_on=started)
    for project in PROJECTS:
        employer = make.employer(project.employer)
        make.project(
            employer,
            hours=project.hours,
            title=project.title,
            description=f"{project.title} for {project.employer}.",
            starts_on=started,
            supervisor_id=make.supervisor(employer, name=project.supervisor, email=project.email),
        )


# -- the agreement ------------------------------------------------------------


def propose_plan(student: Person) -> int:
    """The student drafts a plan, picks a sponsor and two projects, and submits it."""
    student.follow("Start a plan")
    student.fill("Credits requested", "1")
    student.fill("Learning objectives", OBJECTIVES)
    student.press("Save draft")
    plan_id = int(re.fullmatch(r"/plans/(\d+)/edit", student.path).group(1))
    assert "Draft saved" in student.flash()

    student.fill("Find faculty by name or username", "Kim")
    student.press("Search", within=student.page.locator("section", has_text="Faculty sponsor"))
    student.press("Choose Farid Kim")
    for project in PROJECTS:
        student.press(f"Add {project.title}")
        assert "Project added." in student.flash()
    assert "45 estimated hours" in student.text()
    student.press("Submit plan")
    assert "Plan submitted" in student.flash()
    return plan_id


def request_changes(advisor: Person, plan_id: int) -> None:
    """The advisor finds the plan in the queue and sends it back with a comment."""
    advisor.follow("Review queue")
    advisor.screenshot("advisor-queue")
    advisor.follow("Alice Student")
    assert advisor.path == f"/plans/{plan_id}"
    advisor.fill("Comment to the student", CHANGES)
    advisor.press("Request changes")
    assert "sent back" in advisor.flash()


def revise_and_resubmit(student: Person, plan_id: int) -> None:
    """The student reads the comment, rewrites the objectives and submits again."""
    student.open(f"/plans/{plan_id}")
    assert CHANGES in student.text()
    student.follow("Edit plan")
    student.fill("Learning objectives", REVISED)
    student.press("Save draft")
    student.press("Resubmit plan")
    assert "Plan submitted" in student.flash()


def approve(advisor: Person, plan_id: int) -> None:
    """The advisor approves the resubmitted plan for the credits requested."""
    advisor.follow("Review queue")
    advisor.follow("Alice Student")
    assert REVISED in advisor.text()
    advisor.press("Approve")
    assert "Plan approved." in advisor.flash()


# -- the work -----------------------------------------------------------------


def log_hours(student: Person, plan_id: int, project: Project, days: dict[int, str]) -> None:
    """The student logs ``{days ago: hours}`` on ``project`` through the hour form."""
    for days_ago, hours in days.items():
        student.open(f"/plans/{plan_id}")
        student.follow(f"Log hours on {project.title}")
        student.fill("Date", (clock.today() - timedelta(days=days_ago)).isoformat())
        student.fill("Hours", hours)
        student.fill("What you did", f"Worked on the {project.title.lower()} with the team.")
        student.press("Log hours")
        assert student.path == f"/plans/{plan_id}"


def send_link(student: Person, plan_id: int, project: Project, request: str) -> None:
    """The student sends the supervisor a link, agreeing to share the first time."""
    student.open(f"/plans/{plan_id}")
    panel = student.page.locator(".placement-links", has_text=project.title)
    button = panel.get_by_role("button", name=re.compile(f"^Send {request}"))
    needs_consent = button.inner_text().endswith("…")
    student.submit(button)
    if needs_consent:
        assert project.supervisor in student.text()
        student.page.get_by_label(re.compile(f"^I agree that {project.supervisor}")).check()
        student.press(f"Agree and send the {request}")
    assert f"sent to {project.email}" in student.flash()


def read_link(supervisor: Person, email: str) -> str:
    """The supervisor opens the newest e-mail to them (the development outbox) and its link."""
    supervisor.open(f"/dev/outbox?to={email}")
    message = supervisor.page.locator("article").first
    link = message.locator("a[href*='/s/']").first.get_attribute("href")
    supervisor.open(link)
    return link


def verify_hours(supervisor: Person, project: Project) -> None:
    """The supervisor checks the entries and verifies them all."""
    read_link(supervisor, project.email)
    assert "Alice Student" in supervisor.text()
    assert project.title in supervisor.text()
    assert "Credits" not in supervisor.text()  # nothing beyond the name and the hours
    supervisor.press(re.compile(r"^Verify all \d+ waiting entries$"))
    assert "0 hours waiting for you" in supervisor.text()


def evaluate(supervisor: Person, project: Project) -> None:
    """The supervisor scores every rubric criterion 4 of 5 and comments."""
    read_link(supervisor, project.email)
    for criterion in supervisor.page.locator("fieldset.criterion").all():
        criterion.get_by_role("radio").nth(3).check()
    supervisor.fill("Comments", f"{project.supervisor}: careful, clear, good with the team.")
    supervisor.press("Submit the final evaluation")
    assert "Thank you" in supervisor.text()


def see_progress(student: Person, plan_id: int, verified: int) -> None:
    """Halfway: the student's plan page shows the verified hours against the 45 needed."""
    student.open(f"/plans/{plan_id}")
    assert f"{verified} of 45 required hours verified" in student.text()
    bar = student.page.get_by_role("progressbar", name="Verified", exact=True)
    assert bar.get_attribute("value") == str(verified)
    student.screenshot("student-plan", until="#hours")


def send_for_signoff(student: Person, plan_id: int) -> None:
    """With the hours verified and the evaluations in, the student writes the reflection."""
    student.open(f"/plans/{plan_id}")
    assert "45 of 45 required hours verified" in student.text()
    student.fill("Reflection", REFLECTION)
    student.press("Send for sign-off")
    assert "sent to your sponsor" in student.flash()


# -- credit -------------------------------------------------------------------


def sign_off(faculty: Person, plan_id: int) -> None:
    """The sponsor reads the summary and signs off a grade and the credit."""
    faculty.follow("Sign-off")
    faculty.follow("Alice Student")
    assert faculty.path == f"/signoff/{plan_id}"
    summary = faculty.text()
    assert REFLECTION in summary
    assert "careful, clear, good with the team" in summary
    faculty.screenshot("faculty-signoff")
    faculty.page.get_by_label("Grade", exact=True).select_option("S")
    faculty.fill("Credits awarded", "1")
    faculty.fill("Comment (optional)", "Well done.")
    faculty.press("Sign off")


def export_and_post(registrar: Person) -> str:
    """The registrar exports the term's grade roll, downloads it, and confirms the SIS took it."""
    registrar.follow("Posting")
    registrar.follow(f"Roster of {TERM}")
    registrar.press("Export CSV")
    with registrar.page.expect_download() as download:
        registrar.page.get_by_role("link", name="Download CSV").click()
    csv_text = download.value.path().read_text(encoding="utf-8-sig")
    registrar.page.get_by_label(re.compile("import report shows")).check()
    registrar.press("Confirm all sent rows")
    return csv_text


# -- the official record --------------------------------------------------------------


def request_record(student: Person) -> None:
    """The student asks the registrar for an official record of the posted credit."""
    student.follow("My records")
    assert TERM in student.text()
    student.fill("What is it for? (optional)", "Graduate school application")
    student.press("Request an official record")
    assert "Graduate school application" in student.text()


def issue_record(registrar: Person) -> tuple[str, bytes]:
    """The registrar issues the record the student asked for and downloads it as issued."""
    registrar.follow("Records")
    registrar.press("Issue record for Alice Student")
    code = registrar.page.locator("h1 code").inner_text()
    assert re.fullmatch(r"CC(-[0-9A-Z]{4}){4}", code), code
    with registrar.page.expect_download() as download:
        registrar.page.get_by_role("link", name="Download PDF").click()
    return code, download.value.path().read_bytes()


def verify_record(visitor: Person, code: str, pdf: bytes, tmp_path: Path) -> None:
    """An anonymous visitor types the code, sees the record is valid, and checks the file."""
    visitor.open("/verify/")
    visitor.fill("Verification code", code.lower())
    visitor.press("Verify")
    assert visitor.path == f"/verify/{code}"
    facts = visitor.text()
    assert "This record is valid" in facts
    assert "Alice Student" in facts
    held = tmp_path / "record-i-was-given.pdf"
    held.write_bytes(pdf)
    visitor.page.get_by_label("The PDF you received", exact=True).set_input_files(held)
    visitor.press("Check the file")
    assert "This file is exactly the one we issued." in visitor.text()
    visitor.screenshot("verification")


def test_a_credit_plan_from_proposal_to_posted_credit(serve, people, tmp_path: Path) -> None:
    server = serve()
    open_catalogue(server)
    student, advisor = people(server, "student"), people(server, "advisor")
    faculty, registrar = people(server, "faculty"), people(server, "registrar")
    supervisor = people(server, "supervisor")  # no account: only the e-mailed links
    for person in (student, advisor, faculty, registrar):
        person.sign_in(PEOPLE[person.name])

    plan_id = propose_plan(student)
    request_changes(advisor, plan_id)
    revise_and_resubmit(student, plan_id)
    approve(advisor, plan_id)

    food_bank, library = PROJECTS
    log_hours(student, plan_id, food_bank, {5: "12", 4: "13"})
    log_hours(student, plan_id, library, {3: "10", 2: "10"})
    send_link(student, plan_id, food_bank, HOURS)
    verify_hours(supervisor, food_bank)
    see_progress(student, plan_id, verified=25)
    send_link(student, plan_id, library, HOURS)
    verify_hours(supervisor, library)
    for project in PROJECTS:
        send_link(student, plan_id, project, FINAL)
        evaluate(supervisor, project)
    send_for_signoff(student, plan_id)

    sign_off(faculty, plan_id)
    csv_text = export_and_post(registrar)
    assert "900000001" in csv_text
    assert TERM in csv_text

    student.open(f"/plans/{plan_id}")
    assert "Posted" in student.text()
    assert "Well done." in student.text()

    request_record(student)
    code, pdf = issue_record(registrar)
    assert pdf.startswith(b"%PDF-")
    verify_record(people(server, "visitor"), code, pdf, tmp_path)
