"""The demo catalogue: ten employers, their supervisors and thirty micro-internships.

Each project names the demo term it runs in (``past``, ``current`` or
``upcoming``) and a short key the demo plans use to bundle it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoProject:
    """One micro-internship of the demo catalogue."""

    key: str
    title: str
    hours: int
    term: str
    description: str
    deliverables: str
    #: Filled or finished: no new students.
    closed: bool = False
    #: Index into the employer's supervisors.
    supervisor: int = 0


@dataclass(frozen=True)
class DemoEmployer:
    """An employer with its supervisors (name, title, e-mail) and projects."""

    name: str
    website: str
    address: str
    supervisors: tuple[tuple[str, str, str], ...]
    projects: tuple[DemoProject, ...]


P = DemoProject

EMPLOYERS: tuple[DemoEmployer, ...] = (
    DemoEmployer(
        "Harbor Light Analytics",
        "https://harborlight.example",
        "210 Wharf Street, Suite 4\nPort Alder, CA 94107",
        (
            ("Priya Natarajan", "Lead Data Scientist", "priya.natarajan@harborlight.example"),
            ("Owen Castellanos", "Analytics Engineer", "owen.castellanos@harborlight.example"),
        ),
        (
            P(
                "HLA-churn",
                "Customer churn dashboard for a regional gym chain",
                40,
                "past",
                "Clean two years of membership data and build a dashboard that shows which "
                "members are likely to cancel and why.",
                "A cleaned data set, a dashboard, a ten-minute walkthrough video.",
                closed=True,
            ),
            P(
                "HLA-survey",
                "Survey data cleaning and weighting",
                20,
                "past",
                "Prepare a 4,000-response customer survey for analysis: fix codes, remove "
                "duplicates and apply population weights.",
                "Cleaned file, codebook, a one-page note on the weighting.",
                closed=True,
                supervisor=1,
            ),
            P(
                "HLA-forecast",
                "Demand forecast for a farmers' market network",
                60,
                "current",
                "Model weekly visitor numbers across eight markets using weather and event "
                "data, and explain the forecast to non-specialists.",
                "Forecast notebook, a short report, a presentation to the client.",
            ),
        ),
    ),
    DemoEmployer(
        "Greenway Transit Authority",
        "https://greenwaytransit.example",
        "1 Depot Plaza\nAlder City, CA 94110",
        (("Marcus Oyelaran", "Service Planning Manager", "m.oyelaran@greenwaytransit.example"),),
        (
            P(
                "GTA-ridership",
                "Bus ridership analysis after the spring network redesign",
                50,
                "past",
                "Compare boardings before and after the redesign, route by route, and flag "
                "stops that lost riders.",
                "A memo with maps and a table of the twenty stops to review.",
                closed=True,
            ),
            P(
                "GTA-access",
                "Accessibility audit of twelve bus stops",
                25,
                "current",
                "Visit twelve stops with the audit checklist, photograph issues and rank "
                "the fixes by cost and benefit.",
                "Completed checklists, photo log, ranked list of fixes.",
            ),
            P(
                "GTA-gtfs",
                "Timetable data quality checks",
                35,
                "upcoming",
                "Write automated checks for the published GTFS timetable feed and document "
                "every error they find.",
                "Check scripts, an error report, a how-to for staff.",
            ),
        ),
    ),
    DemoEmployer(
        "Bluefin Marine Conservancy",
        "https://bluefin.example",
        "88 Kelp Road\nSeacliff, CA 95060",
        (
            ("Elena Sørensen", "Programs Director", "elena.sorensen@bluefin.example"),
            ("Kofi Asante", "Volunteer Coordinator", "kofi.asante@bluefin.example"),
        ),
        (
            P(
                "BMC-grant",
                "Grant application for a kelp restoration project",
                30,
                "past",
                "Research three foundations, draft the narrative and budget justification "
                "for the strongest fit.",
                "A complete draft application and a funder comparison table.",
                closed=True,
            ),
            P(
                "BMC-volunteers",
                "Volunteer onboarding guide",
                25,
                "past",
                "Interview volunteers and staff and turn what they say into a clear "
                "onboarding guide for beach clean-ups.",
                "A 12-page guide and a one-page checklist.",
                closed=True,
                supervisor=1,
            ),
            P(
                "BMC-citizen",
                "Citizen-science data portal usability test",
                45,
                "current",
                "Run five usability sessions with volunteers who upload sightings, and "
                "recommend changes to the portal.",
                "Test plan, session notes, a prioritised list of recommendations.",
            ),
        ),
    ),
    DemoEmployer(
        "Copperleaf Community Health Clinic",
        "https://copperleafhealth.example",
        "415 Orchard Avenue\nAlder City, CA 94112",
        (("Dr. Aisha Rahman", "Director of Operations", "arahman@copperleafhealth.example"),),
        (
            P(
                "CHC-wait",
                "Patient wait-time study",
                40,
                "current",
                "Measure check-in to consultation times for two weeks and find where "
                "patients wait longest.",
                "Data collection sheet, analysis, recommendations for the front desk.",
            ),
            P(
                "CHC-materials",
                "Plain-language appointment reminders in three languages",
                20,
                "current",
                "Rewrite the clinic's reminder letters in plain language and coordinate "
                "their translation into Spanish and Tagalog.",
                "Six reviewed letter templates.",
                closed=True,
            ),
            P(
                "CHC-outreach",
                "Flu-season outreach plan",
                30,
                "upcoming",
                "Plan the clinic's vaccination outreach for next season with community "
                "partners and a small budget.",
                "An outreach calendar, partner list and budget.",
            ),
        ),
    ),
    DemoEmployer(
        "Northgate Robotics",
        "https://northgaterobotics.example",
        "2300 Foundry Lane, Building C\nMillbrook, CA 94025",
        (
            ("Tomasz Wróbel", "Engineering Manager", "tomasz.wrobel@northgaterobotics.example"),
            ("Hana Morita", "Test Lead", "hana.morita@northgaterobotics.example"),
        ),
        (
            P(
                "NGR-test",
                "Test fixtures for a warehouse robot's gripper",
                55,
                "current",
                "Design and 3D-print fixtures that hold parts at known angles so the gripper "
                "can be tested repeatably.",
                "CAD files, printed fixtures, a test procedure.",
                supervisor=1,
            ),
            P(
                "NGR-docs",
                "Developer documentation for the robot SDK",
                35,
                "current",
                "Write getting-started guides and examples for the Python SDK used by "
                "customers' integrators.",
                "Four guides with runnable examples.",
            ),
            P(
                "NGR-market",
                "Market scan of agricultural robotics",
                15,
                "upcoming",
                "Survey the companies selling robots for fruit picking and summarise their "
                "products, prices and customers.",
                "A slide deck of ten slides and a spreadsheet of companies.",
            ),
        ),
    ),
    DemoEmployer(
        "Maple & Main Credit Union",
        "https://maplemain.example",
        "500 Main Street\nAlder City, CA 94111",
        (("Grace Kim", "Member Experience Manager", "grace.kim@maplemain.example"),),
        (
            P(
                "MMC-literacy",
                "Financial literacy workshop for first-year students",
                30,
                "past",
                "Design and deliver a 90-minute workshop on budgeting and credit for "
                "first-year students, with a short evaluation.",
                "Slides, handout, workshop evaluation summary.",
                closed=True,
            ),
            P(
                "MMC-journey",
                "Member journey map for opening an account online",
                25,
                "current",
                "Map each step a new member takes online, interview five recent members and "
                "mark where people give up.",
                "A journey map and a short findings report.",
            ),
            P(
                "MMC-fraud",
                "Fraud-alert message testing",
                20,
                "upcoming",
                "Draft and A/B test three versions of the text message members receive "
                "about suspicious card activity.",
                "Message drafts, test results, a recommendation.",
            ),
        ),
    ),
    DemoEmployer(
        "Riverbend Public Library",
        "https://riverbendlibrary.example",
        "12 River Road\nRiverbend, CA 95401",
        (("Jonah Whitaker", "Digital Services Librarian", "jwhitaker@riverbendlibrary.example"),),
        (
            P(
                "RPL-archive",
                "Digitising the local newspaper archive, 1950-1959",
                50,
                "past",
                "Scan, name and describe a decade of the town newspaper so it can be "
                "searched online.",
                "Scanned issues with metadata, a processing log.",
                closed=True,
            ),
            P(
                "RPL-teens",
                "Coding club for teens",
                40,
                "current",
                "Run six weekly after-school sessions teaching web basics to teenagers, with "
                "the library's laptops.",
                "Session plans, attendance records, the teens' finished pages.",
            ),
            P(
                "RPL-oral",
                "Oral history interviews with long-time residents",
                30,
                "upcoming",
                "Record and transcribe interviews with residents about how the town changed.",
                "Five recorded interviews with transcripts and consent forms.",
            ),
        ),
    ),
    DemoEmployer(
        "Lumen Game Studio",
        "https://lumengames.example",
        "77 Pixel Alley, 3rd floor\nAlder City, CA 94103",
        (
            ("Sakura Ito", "Producer", "sakura.ito@lumengames.example"),
            ("Diego Ferreira", "QA Lead", "diego.ferreira@lumengames.example"),
        ),
        (
            P(
                "LGS-playtest",
                "Playtest programme for a puzzle game",
                35,
                "current",
                "Recruit players, run playtests of the first three levels and turn the "
                "observations into design changes.",
                "Playtest scripts, findings per level, a prioritised change list.",
                supervisor=1,
            ),
            P(
                "LGS-a11y",
                "Accessibility review of game menus",
                20,
                "current",
                "Check the menus against game accessibility guidelines: colour, text size, "
                "remapping, screen-reader support.",
                "An issue list with screenshots and suggested fixes.",
            ),
            P(
                "LGS-community",
                "Community newsletter and Discord moderation guide",
                15,
                "upcoming",
                "Draft the monthly newsletter and write the guidelines volunteer moderators "
                "follow.",
                "Two newsletter issues and a moderation guide.",
            ),
        ),
    ),
    DemoEmployer(
        "Solace Renewable Energy Co-op",
        "https://solacecoop.example",
        "9 Sunfield Way\nMillbrook, CA 94026",
        (("Rafael Mendes", "Community Solar Lead", "rafael.mendes@solacecoop.example"),),
        (
            P(
                "SRE-siting",
                "Rooftop solar siting study for four schools",
                45,
                "past",
                "Estimate the solar potential of four school roofs from satellite data and "
                "building plans.",
                "A siting report with yield estimates per roof.",
                closed=True,
            ),
            P(
                "SRE-billing",
                "Member billing explainer",
                10,
                "current",
                "Explain the co-op's community-solar credits on members' bills in plain "
                "language, with examples.",
                "A web page and a printable one-pager.",
            ),
            P(
                "SRE-data",
                "Production data pipeline for the co-op's arrays",
                60,
                "upcoming",
                "Collect inverter readings from three sites into one database and chart "
                "daily production.",
                "A working pipeline, a dashboard, operating notes.",
            ),
        ),
    ),
    DemoEmployer(
        "Atlas Legal Aid Society",
        "https://atlaslegalaid.example",
        "330 Civic Center Drive\nAlder City, CA 94102",
        (("Nadia Karimi", "Staff Attorney", "nkarimi@atlaslegalaid.example"),),
        (
            P(
                "ALA-intake",
                "Tenant intake form redesign",
                25,
                "past",
                "Redesign the paper and online intake forms for tenants facing eviction so "
                "they take less time and miss nothing.",
                "New forms, a before-and-after comparison.",
                closed=True,
            ),
            P(
                "ALA-research",
                "Research memo on small-claims procedures",
                30,
                "current",
                "Summarise small-claims procedures of five counties for the society's "
                "self-help clinic.",
                "A research memo with citations.",
            ),
            P(
                "ALA-clinic",
                "Self-help clinic scheduling analysis",
                20,
                "upcoming",
                "Analyse a year of clinic appointments and propose a schedule that cuts no-shows.",
                "Analysis notebook and a proposed schedule.",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class DemoCourse:
    """A department's internship-credit course, offered in every demo term (section 001)."""

    subject: str
    number: str
    title: str
    department: str
    #: The ``SchemeKind`` value of its grading scheme.
    scheme: str
    #: The first class number (CRN); each term's section adds the term's index.
    first_crn: int


#: Three departments' courses: two graded S/U, one with letter grades.
COURSES = (
    DemoCourse("BUS", "3990", "Internship in business", "School of Business", "letter", 40100),
    DemoCourse("CS", "3990", "Computing practicum", "Computer Science", "satisfactory", 40200),
    DemoCourse("NURS", "3950", "Community health placement", "Nursing", "satisfactory", 40300),
)

#: The demo's letter scheme, A to F without + and - (the built-in S/U scheme is the migration's).
LETTER_GRADES = (
    ("A", "excellent", "4.00", True),
    ("B", "good", "3.00", True),
    ("C", "satisfactory", "2.00", True),
    ("D", "poor", "1.00", True),
    ("F", "fail", "0.00", False),
)
