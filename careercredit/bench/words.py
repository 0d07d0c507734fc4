"""Words the synthetic university is written in: names, employers, projects, tasks."""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Ada", "Amara", "Ben", "Carlos", "Chen", "Dana", "Elif", "Emma", "Farid", "Grace",
    "Hana", "Ivan", "Jamal", "José", "Kai", "Lena", "Liam", "Mei", "Mohammed", "Nadia",
    "Noah", "Olga", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Sofia", "Tariq", "Uma",
    "Victor", "Wen", "Ximena", "Yusuf", "Zoë", "Aiko", "Bjørn", "Chloé", "Dmitri", "Eun-ji",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Bauer", "Chowdhury", "Dubois", "Eriksen", "Fernández", "García", "Haddad",
    "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Martin", "Nakamura", "Ñúñez", "Okafor",
    "Petrov", "Quispe", "Rossi", "Schmidt", "Tanaka", "Ueda", "Vasquez", "Wang", "Xu",
    "Yilmaz", "Zhang", "Ødegård", "Müller", "O'Connor", "Silva", "Kim", "Patel", "Nguyen",
    "Smith", "Cohen", "Abebe", "Moreau", "Novak", "Costa",
)  # fmt: skip

EMPLOYER_WORDS = (
    "Harbor", "Summit", "Prairie", "Cedar", "Northwind", "Bluebird", "Granite", "Riverbend",
    "Lakeside", "Sunrise", "Ironwood", "Maple", "Beacon", "Orchard", "Meridian", "Silverline",
    "Redrock", "Evergreen", "Keystone", "Lighthouse",
)  # fmt: skip
EMPLOYER_KINDS = (
    "Analytics", "Health", "Energy", "Logistics", "Media", "Foundation", "Labs", "Transit",
    "Library", "Credit Union", "Museum", "Robotics", "Foods", "Housing Trust", "Studio",
)  # fmt: skip
EMPLOYER_SUFFIXES = ("Inc.", "LLC", "Co.", "Partners", "Group", "")

TOPICS = (
    "customer churn", "volunteer intake", "grant application", "ridership data",
    "energy audit", "archive catalogue", "survey design", "market sizing", "brand refresh",
    "inventory forecast", "patient survey", "website accessibility", "donor database",
    "supply chain map", "social media plan", "water quality samples", "onboarding guide",
    "pricing study", "oral history", "mobile app prototype", "policy memo", "data dashboard",
    "event logistics", "translation review", "literacy workshop",
)  # fmt: skip
DELIVERABLES = (
    "analysis", "report", "prototype", "plan", "review", "study", "toolkit", "presentation",
)  # fmt: skip

TASKS = (
    "Met the supervisor to agree the scope and the data available.",
    "Cleaned and documented the data set; noted gaps for the client.",
    "Drafted the analysis and checked it against the brief.",
    "Revised the draft after the supervisor's comments.",
    "Prepared and presented the findings to the team.",
    "Interviewed two staff members and wrote up the notes.",
    "Built the first version and tested it with users.",
)  # fmt: skip

OBJECTIVES = (
    "Apply classroom methods to a real client's question and explain the results clearly.",
    "Practise project planning, status reporting and delivering on a deadline.",
    "Learn how a non-profit funds and staffs its work, and write for its audiences.",
    "Use data to evaluate a decision and present a recommendation to managers.",
)  # fmt: skip

REFLECTION = (
    "Working with a real client taught me to scope a question before collecting data, "
    "to explain my methods to people outside my field, and to ask for feedback early."
)
FEEDBACK = "Reliable, curious and clear in writing. We would gladly host again."


def person_name(rng: random.Random) -> str:
    """A display name such as ``Zoë Ødegård``."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def employer_name(n: int) -> str:
    """The ``n``-th employer's name, unique for every ``n``."""
    word = EMPLOYER_WORDS[n % len(EMPLOYER_WORDS)]
    kind = EMPLOYER_KINDS[(n // len(EMPLOYER_WORDS)) % len(EMPLOYER_KINDS)]
    suffix = EMPLOYER_SUFFIXES[n % len(EMPLOYER_SUFFIXES)]
    cycle = n // (len(EMPLOYER_WORDS) * len(EMPLOYER_KINDS))
    name = f"{word} {kind}" + (f" {cycle + 1}" if cycle else "")
    return f"{name} {suffix}".strip()


def project_title(rng: random.Random) -> str:
    """A project title such as ``Survey design study``."""
    return f"{rng.choice(TOPICS).capitalize()} {rng.choice(DELIVERABLES)}"
