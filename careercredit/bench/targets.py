"""The pages the benchmark measures, found in the seeded database.

Each page names who looks at it (a bench person's uid, or nobody) and the
path; what "the term with the longest queue" or "the plan with 200 hour
entries" is, is asked of the database, not assumed from the seed.

Each page also names the layout page its floor counts (the empty layout of
the same person, ``/bench/layout``; see ``careercredit.bench.floors``) and
the most it may cost as a multiple of that floor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote

from sqlalchemy import func, select

from careercredit.bench.directory import BenchPerson
from careercredit.bench.pages import LAYOUT_PATH
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    HourEntry,
    Placement,
    PlanState,
    RecordDocument,
    User,
)

#: The word searched in the catalogue (about one project in twenty-five has it).
CATALOGUE_WORD = "survey"
#: The advisor queue's deep page (at full scale; a smaller queue's last full page).
DEEP_PAGE = 500
#: Rows on a page of the advisor queue.
QUEUE_PAGE_SIZE = 25
#: The report views measured (each over the reports' default six terms).
REPORT_VIEWS = ("plans", "credits", "hours", "employers", "times", "departments")
#: The issue's targets: a page's median at most this many times its floor …
FLOOR_TARGET = 2.0
#: … the plan page with 200 hour entries, and the sign-in POST (directory and SQL).
PLAN_FLOOR_TARGET, SIGN_IN_FLOOR_TARGET = 2.5, 3.0


@dataclass(frozen=True)
class Page:
    """One measured page: a name, a path, and the uid of who looks at it."""

    name: str
    path: str
    who: str | None
    method: str = "GET"
    #: The name of the layout page in this page's floor (none: the page is a floor's part,
    #: or the sign-in POST, whose floor is its directory work and its SQL).
    layout: str | None = None
    #: The most this page's median may be, as a multiple of its floor.
    target: float = FLOOR_TARGET


def bench_pages(people: list[BenchPerson]) -> list[Page]:
    """The pages of the issue, for the people of the bench directory."""
    by_why = {person.why: person.uid for person in people}
    student = by_why["student with the most plans (#1)"]
    advisor, sponsor = by_why["busiest advisor"], by_why["busiest sponsor"]
    registrar = by_why["a registrar"]
    queue_term = _term_with_most(PlanState.submitted)
    deep = min(DEEP_PAGE, _pages_of_queue(queue_term))
    pages = [
        Page("sign-in (LDAP bind)", "/login", None, "POST", target=SIGN_IN_FLOOR_TARGET),
        Page("student dashboard", "/", student),
        Page("advisor home page", "/", advisor),
        Page("student's plans", "/plans/", student),
        Page(
            "plan with 200 hour entries",
            f"/plans/{_biggest_plan(student)}",
            student,
            target=PLAN_FLOOR_TARGET,
        ),
        Page("advisor queue, page 1", f"/plans/queue?term={queue_term}", advisor),
        Page("advisor queue, deep page", f"/plans/queue?term={queue_term}&page={deep}", advisor),
        Page(
            "advisor queue, student search",
            f"/plans/queue?q={_queued_student(queue_term)}&sort=newest",
            advisor,
        ),
        Page("catalogue search", f"/catalogue/projects?q={CATALOGUE_WORD}", advisor),
        Page("sign-off queue", "/signoff/", sponsor),
        Page("term roster", f"/registrar/terms/{_term_with_most(PlanState.signed_off)}", registrar),
        Page(
            "audit log filter",
            f"/admin/audit?person={advisor}&action=plan.approve",
            registrar,
        ),
        *(Page(f"reports: {key}", f"/reports/?view={key}", registrar) for key in REPORT_VIEWS),
        Page("reports: term report PDF", "/reports/term.pdf", registrar),
    ]
    code = db.session.scalar(
        select(RecordDocument.code)
        .where(RecordDocument.revoked_at.is_(None))
        .order_by(RecordDocument.id)
        .limit(1)
    )
    if code:
        pages.append(Page("verification page", f"/verify/{code}", None))
    return with_layouts(pages, {person.uid: person.why for person in people})


def layout_name(who: str | None, whys: dict[str, str]) -> str:
    """The name of the layout page as ``who`` sees it (signed out for nobody)."""
    return f"layout page ({whys.get(who, who) if who else 'signed out'})"


def with_layouts(pages: list[Page], whys: dict[str, str]) -> list[Page]:
    """The layout pages the floors of ``pages`` need, then ``pages`` naming theirs."""
    pages = [
        page if page.method == "POST" else replace(page, layout=layout_name(page.who, whys))
        for page in pages
    ]
    layouts = {page.layout: page.who for page in pages if page.layout}
    return [*(Page(name, LAYOUT_PATH, who) for name, who in layouts.items()), *pages]


def _term_with_most(state: PlanState) -> int:
    """The term with the most plans in ``state`` (a seeded university has some in each)."""
    return db.session.scalars(
        select(CreditPlan.term_id)
        .where(CreditPlan.state == state)
        .group_by(CreditPlan.term_id)
        .order_by(func.count().desc(), CreditPlan.term_id)
        .limit(1)
    ).one()


def _pages_of_queue(term_id: int) -> int:
    """Full pages of the advisors' queue filtered by ``term_id``.

    A deep page must show a whole page of plans, or it would be cheaper than
    page 500 for showing less, not for being shallower.
    """
    waiting = db.session.scalar(
        select(func.count())
        .select_from(CreditPlan)
        .where(CreditPlan.term_id == term_id, CreditPlan.state == PlanState.submitted)
    )
    return max(1, (waiting or 0) // QUEUE_PAGE_SIZE)


def _queued_student(term_id: int) -> str:
    """The name of a student waiting in ``term_id``'s queue, as an advisor looking them up types it.

    The whole name finds that student's plans (and the few whose names hold
    it) at every scale. A last name alone would find three plans at the small
    scale and a full page at the large one, and the page would grow by the
    rows it shows, not by the search.
    """
    name = db.session.scalars(
        select(User.display_name)
        .join(CreditPlan, CreditPlan.student_id == User.id)
        .where(CreditPlan.term_id == term_id, CreditPlan.state == PlanState.submitted)
        .order_by(CreditPlan.id)
        .limit(1)
    ).one()
    return quote(name)


def _biggest_plan(uid: str) -> int:
    """The plan of student ``uid`` with the most hour entries (the seed gives one 200)."""
    return db.session.scalars(
        select(Placement.plan_id)
        .join(HourEntry, HourEntry.placement_id == Placement.id)
        .join(CreditPlan, CreditPlan.id == Placement.plan_id)
        .join(User, User.id == CreditPlan.student_id)
        .where(User.uid == uid)
        .group_by(Placement.plan_id)
        .order_by(func.count().desc(), Placement.plan_id)
        .limit(1)
    ).one()
