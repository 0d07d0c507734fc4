"""The demo credit plans: real demo students and sponsors, one plan in every state.

Each plan lists the workflow steps that bring it to its state, so the seed
moves it the way people would and the audit log and outbox tell its story.
"""

from __future__ import annotations

from dataclasses import dataclass

from careercredit.plans.workflow import Action

#: Who acts in a step: the plan's student, its sponsor, the system, or a uid.
STUDENT = "@student"
SPONSOR = "@sponsor"
SYSTEM = None


@dataclass(frozen=True)
class Step:
    """One transition of ``careercredit.plans.workflow``."""

    name: Action
    by: str | None
    comment: str = ""
    credits: int | None = None
    #: New learning objectives the student wrote before this step (a resubmission).
    objectives: str | None = None


@dataclass(frozen=True)
class DemoPlan:
    """A plan of a demo student in a demo term (``past``, ``current``, ``upcoming``)."""

    student: str
    term: str
    sponsor: str
    credits: int
    projects: tuple[str, ...]
    objectives: str
    steps: tuple[Step, ...] = ()


SUBMIT = Step(Action.submit, STUDENT)
START = Step(Action.start, SYSTEM)
COMPLETE = Step(Action.complete, STUDENT)
SIGN_OFF = Step(Action.sign_off, SPONSOR)


def approve(by: str, comment: str = "", credits: int | None = None) -> Step:
    """An advisor approves."""
    return Step(Action.approve, by, comment, credits)


PLANS: tuple[DemoPlan, ...] = (
    # -- the past term: finished business ---------------------------------------
    DemoPlan(
        "jnunez",
        "past",
        "hvasquez",
        1,
        ("HLA-churn", "HLA-survey"),
        "Apply regression and survival analysis to real customer data, explain the results "
        "to a non-technical client, and reflect on data-cleaning decisions.",
        (
            SUBMIT,
            approve("dwhitfield", "A good pair of projects."),
            START,
            COMPLETE,
            SIGN_OFF,
            Step(Action.post, "mlindqvist"),
        ),
    ),
    DemoPlan(
        "mconceicao",
        "past",
        "esahin",
        2,
        ("RPL-archive", "MMC-literacy", "ALA-intake"),
        "Practise information design for public audiences: archival description, workshop "
        "design and form design, each tested with the people who use it.",
        (SUBMIT, approve("tguzman"), START, COMPLETE, SIGN_OFF, Step(Action.post, "mlindqvist")),
    ),
    DemoPlan(
        "zodegard",
        "past",
        "rchu",
        1,
        ("GTA-ridership",),
        "Use transit ridership data to evaluate a public policy change and communicate the "
        "findings to planners in a decision memo.",
        (SUBMIT, approve("dwhitfield"), START, COMPLETE, SIGN_OFF),
    ),
    DemoPlan(
        "ahaddad",
        "past",
        "nadeyemi",
        1,
        ("BMC-grant", "BMC-volunteers"),
        "Learn how environmental non-profits fund and staff their work by writing a grant "
        "application and a volunteer guide.",
        (
            SUBMIT,
            Step(
                Action.reject,
                "tguzman",
                "Both projects are unpaid volunteer roles, and CareerCredit counts paid "
                "micro-internships only. Come and see us about the paid projects of next term.",
            ),
        ),
    ),
    DemoPlan(
        "loconnor",
        "past",
        "pmarchand",
        1,
        ("SRE-siting",),
        "Estimate renewable energy potential from remote-sensing data and present a siting "
        "recommendation to a school district.",
        (
            SUBMIT,
            approve("mbell"),
            Step(
                Action.withdraw,
                STUDENT,
                "I am reducing my course load this term for family reasons.",
            ),
        ),
    ),
    # -- the current term: work under way ---------------------------------------
    DemoPlan(
        "jnunez",
        "current",
        "hvasquez",
        2,
        ("HLA-forecast", "GTA-access", "SRE-billing"),
        "Build and validate a forecasting model for a real client, audit public "
        "infrastructure against a standard, and explain technical results in plain language.",
        (SUBMIT, approve("tguzman", "Approved for two credits; log your hours weekly."), START),
    ),
    DemoPlan(
        "kmensah",
        "current",
        "akowalski",
        2,
        ("NGR-docs", "LGS-playtest", "CHC-materials"),
        "Write developer documentation, run playtests and adapt health materials.",
        (
            SUBMIT,
            Step(
                Action.request_changes,
                "dwhitfield",
                "The three projects are fine, but your objectives only name them. Say what "
                "you will learn across them and how Prof. Kowalski will assess it.",
            ),
            Step(
                Action.resubmit,
                STUDENT,
                objectives="Learn to write for three audiences (developers, players, "
                "patients), test my writing with real readers in each case, and compare "
                "what worked in a final reflection assessed by my sponsor.",
            ),
            approve("dwhitfield", "Much clearer, thank you. Approved."),
            START,
        ),
    ),
    DemoPlan(
        "zodegard",
        "current",
        "rchu",
        1,
        ("NGR-test",),
        "Design test fixtures for a robotic gripper, apply tolerance analysis and document "
        "a repeatable test procedure.",
        (SUBMIT, approve("mbell"), START, COMPLETE),
    ),
    DemoPlan(
        "cdubois",
        "current",
        "esahin",
        1,
        ("BMC-citizen",),
        "Plan and run usability tests with real users, analyse the sessions and turn the "
        "findings into recommendations a small team can act on.",
        (SUBMIT, approve("tguzman", "Approved. Bluefin will send you the portal access.")),
    ),
    DemoPlan(
        "mconceicao",
        "current",
        "akowalski",
        1,
        ("CHC-wait", "LGS-a11y"),
        "Measure a service process and review software against accessibility guidelines, "
        "reporting both to the organisations with prioritised fixes.",
        (SUBMIT,),
    ),
    DemoPlan(
        "aredcloud",
        "current",
        "mbell",
        1,
        ("CHC-wait", "ALA-research"),
        "Collect and analyse operational data in a clinic and research legal procedures, "
        "writing for a practitioner audience in both.",
        (SUBMIT,),
    ),
    DemoPlan(
        "praman",
        "current",
        "nadeyemi",
        1,
        ("MMC-journey", "ALA-research"),
        "Build a member journey map and write a research memo on small-claims procedures.",
        (
            SUBMIT,
            Step(
                Action.request_changes,
                "dwhitfield",
                "Your objectives list tasks (build a map, write a memo) rather than what you will "
                "learn. Rewrite them as two or three learning outcomes and say how your sponsor "
                "will assess each.",
            ),
        ),
    ),
    DemoPlan(
        "lwisniewska",
        "current",
        "hvasquez",
        1,
        ("RPL-teens", "SRE-billing"),
        "Teach web basics to teenagers and explain energy billing in plain language, "
        "reflecting on how to teach technical ideas to beginners.",
        (
            SUBMIT,
            Step(
                Action.reject,
                "mbell",
                "The coding club is part of your paid library job, so its hours cannot count "
                "twice. Choose another project and start a new plan.",
            ),
        ),
    ),
    DemoPlan(
        "htanaka",
        "current",
        "rchu",
        1,
        ("GTA-access", "LGS-a11y"),
        "Audit physical and digital accessibility against published standards and compare "
        "how the two fields define and test access.",
        (
            SUBMIT,
            Step(
                Action.withdraw,
                STUDENT,
                "I accepted a full-time internship and will not have the time this term.",
            ),
        ),
    ),
    DemoPlan(
        "skjaergaard",
        "current",
        "pmarchand",
        1,
        ("RPL-teens",),
        "Teach beginners to code.",
    ),
    # -- the upcoming term: plans being made ------------------------------------
    DemoPlan(
        "ibjork",
        "upcoming",
        "nadeyemi",
        1,
        ("RPL-oral", "MMC-fraud"),
        "Conduct and transcribe oral-history interviews ethically, and design and evaluate "
        "an A/B test of customer messages.",
        (SUBMIT, approve("tguzman", "Approved early so you can start in the first week.")),
    ),
    DemoPlan(
        "nfischer",
        "upcoming",
        "esahin",
        1,
        ("GTA-gtfs", "CHC-outreach"),
        "Automate data-quality checks on an open transit feed and plan a public-health "
        "outreach campaign with community partners.",
        (SUBMIT,),
    ),
    DemoPlan(
        "fbenali",
        "upcoming",
        "akowalski",
        1,
        ("SRE-data",),
        "Build a data pipeline for solar production readings and present daily production "
        "to the co-op's members.",
    ),
)
