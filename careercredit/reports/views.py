"""The report views: each turns the figures of the chosen terms into charts.

A view is a page of the reports (plans, credits, hours, employers, time
taken, departments); each of its charts is also a CSV file and, for one
term, a section of the term report PDF. A view runs a handful of aggregate
queries (``figures``), never loads plans.

Who sees what: advisors, registrars and administrators all see the
program's figures — counts, credits, hours, durations — and employers'
and supervisors' names (staff already see them in the catalogue). No chart,
table or file names a student.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from careercredit.reports import figures
from careercredit.reports.charts import Chart, Kind
from careercredit.reports.figures import TermRow
from careercredit.reports.summaries import DECISION, RESPONSE, SIGNOFF


@dataclass(frozen=True)
class View:
    """A page of the reports."""

    key: str
    title: str
    build: Callable[[Sequence[TermRow]], list[Chart]]


def _ids(terms: Sequence[TermRow]) -> list[int]:
    return [term.id for term in terms]


def plans_view(terms: Sequence[TermRow]) -> list[Chart]:
    """Plans by state per term, the funnel, and the rates of leaving it."""
    plans = figures.plans_by_term(_ids(terms))
    counts = {
        (t.id, s): n for t in terms for s, n in plans.get(t.id, figures.TermPlans()).states.items()
    }
    groups = figures.STATE_GROUPS
    states = Chart(
        "states",
        "Plans by state, per term",
        "Stacked columns: for each term, how many credit plans are in each state today.",
        Kind.stacked,
        "Term",
        tuple(name for name, _ in groups),
        tuple(
            (t.code, tuple(sum(counts.get((t.id, s), 0) for s in members) for _, members in groups))
            for t in terms
        ),
        unit="plans",
    )
    steps = ("Submitted", "Approved", "Signed off", "Posted")
    each = [(t, plans.get(t.id, figures.TermPlans()).funnel) for t in terms]
    funnel = Chart(
        "funnel",
        "From submitted to posted",
        "Horizontal bars: plans of the chosen terms at each step, from submitted to posted.",
        Kind.bars,
        "Step",
        ("Plans",),
        tuple(
            (step, (sum((f.submitted, f.approved, f.signed_off, f.posted)[i] for _, f in each),))
            for i, step in enumerate(steps)
        ),
        unit="plans",
    )
    rates = Chart(
        "rates",
        "Withdrawn and rejected, per term",
        "Table: for each term, plans submitted, approved, signed off, posted, "
        "and the share of submitted plans withdrawn or rejected.",
        Kind.table,
        "Term",
        (*steps, "Withdrawn", "Withdrawn %", "Rejected", "Rejected %"),
        tuple(
            (
                t.code,
                (
                    f.submitted,
                    f.approved,
                    f.signed_off,
                    f.posted,
                    f.withdrawn,
                    f.rate(f.withdrawn),
                    f.rejected,
                    f.rate(f.rejected),
                ),
            )
            for t, f in each
        ),
    )
    return [states, funnel, rates]


def credits_view(terms: Sequence[TermRow]) -> list[Chart]:
    """Credits approved and posted per term, and the students who earned credit."""
    credit = figures.credits_by_term(_ids(terms))
    each = [(t, credit.get(t.id, figures.Credits())) for t in terms]
    return [
        Chart(
            "credits",
            "Credits approved and posted, per term",
            "Lines: for each term, the credits advisors approved and the credits posted "
            "to the student information system (after amendments).",
            Kind.lines,
            "Term",
            ("Credits approved", "Credits posted"),
            tuple((t.code, (c.approved, c.posted)) for t, c in each),
            unit="credits",
        ),
        Chart(
            "students",
            "Students earning credit, per term",
            "Line: for each term, how many students had credit posted.",
            Kind.lines,
            "Term",
            ("Students",),
            tuple((t.code, (c.students,)) for t, c in each),
            unit="students",
        ),
    ]


def hours_view(terms: Sequence[TermRow]) -> list[Chart]:
    """Hours logged and verified per week of the last chosen term."""
    term = terms[-1]
    weeks = figures.hours_by_week(term)
    last = max([*weeks, (term.ends_on - term.starts_on).days // 7 + 1])
    return [
        Chart(
            "weeks",
            f"Hours per week, {term.code}",
            f"Lines: for each week of {term.code}, the hours students logged and the hours "
            "their supervisors verified (weeks before the term starts are left out).",
            Kind.lines,
            "Week",
            ("Hours logged", "Hours verified"),
            tuple((str(w), weeks.get(w, (0, 0))) for w in range(1, last + 1)),
            unit="hours",
        )
    ]


def employers_view(terms: Sequence[TermRow]) -> list[Chart]:
    """The top employers by placements and by verified hours; new employers per term."""
    ids = _ids(terms)
    new = figures.new_employers_by_term(ids)
    return [
        Chart(
            "employers-placements",
            f"Top {figures.TOP} employers by placements",
            "Horizontal bars: the employers with the most placements in approved plans "
            "of the chosen terms.",
            Kind.bars,
            "Employer",
            ("Placements",),
            tuple((name, (n,)) for name, n in figures.top_employers_by_placements(ids)),
            unit="placements",
        ),
        Chart(
            "employers-hours",
            f"Top {figures.TOP} employers by verified hours",
            "Horizontal bars: the employers whose placements in the chosen terms have "
            "the most hours verified by supervisors.",
            Kind.bars,
            "Employer",
            ("Hours verified",),
            tuple((name, (hours,)) for name, hours in figures.top_employers_by_hours(ids)),
            unit="hours",
        ),
        Chart(
            "employers-new",
            "New employers, per term",
            "Line: for each term, employers taking on their first approved placement.",
            Kind.lines,
            "Term",
            ("New employers",),
            tuple((t.code, (new.get(t.id, 0),)) for t in terms),
            unit="employers",
        ),
    ]


def _spread_chart(
    key: str, title: str, what: str, terms: Sequence[TermRow], spreads: dict[int, figures.Spread]
) -> Chart:
    return Chart(
        key,
        title,
        f"Lines: for each term, the median and the 90th percentile of the hours {what}.",
        Kind.lines,
        "Term",
        ("Median hours", "90th percentile hours", "Count"),
        tuple(
            (t.code, (s.median, s.p90, s.count) if (s := spreads.get(t.id)) else (None, None, 0))
            for t in terms
        ),
        unit="hours",
        plotted=2,
    )


def times_view(terms: Sequence[TermRow]) -> list[Chart]:
    """How long decisions, sign-offs and supervisors' answers take."""
    ids = _ids(terms)
    durations = figures.durations_by_term(ids)
    return [
        _spread_chart(
            "decision",
            "Submission to decision",
            "from a plan's submission to the advisor's decision",
            terms,
            durations[DECISION],
        ),
        _spread_chart(
            "signoff",
            "Sent for sign-off to sign-off",
            "from the student sending a plan for sign-off to the sponsor's sign-off",
            terms,
            durations[SIGNOFF],
        ),
        _spread_chart(
            "response",
            "Supervisors' response",
            "from a link being sent to a supervisor to their first answer",
            terms,
            durations[RESPONSE],
        ),
        Chart(
            "slowest",
            f"The {figures.SLOWEST} slowest supervisors",
            "Table: supervisors (by the address their links went to) with the slowest "
            "median answer in the chosen terms.",
            Kind.table,
            "Supervisor",
            ("Answers", "Median hours", "90th percentile hours"),
            tuple(
                (email, (s.count, s.median, s.p90)) for email, s in figures.slowest_supervisors(ids)
            ),
        ),
    ]


def departments_view(terms: Sequence[TermRow]) -> list[Chart]:
    """Plans submitted and posted per department of the plans' course sections."""
    rows = figures.by_department(_ids(terms))
    return [
        Chart(
            "departments",
            "Plans by department",
            "Table: plans submitted and plans posted in the chosen terms, by the department "
            "of the plan's course section; plans without a section are counted apart.",
            Kind.table,
            "Department",
            ("Submitted", "Posted"),
            tuple((name, (submitted, posted)) for name, submitted, posted in rows),
        )
    ]


VIEWS: dict[str, View] = {
    view.key: view
    for view in (
        View("plans", "Plans", plans_view),
        View("credits", "Credits", credits_view),
        View("hours", "Hours", hours_view),
        View("employers", "Employers", employers_view),
        View("times", "Time taken", times_view),
        View("departments", "Departments", departments_view),
    )
}
