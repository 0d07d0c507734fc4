"""Hostile input: the hypothesis profile and an app whose rate limits stay out of the way.

Every test here posts many examples through the real pages; the limits on
sign-in, supervisor links and verification would answer 429 long before the
examples run out, so they are raised (their own tests live elsewhere).

The profile is derandomized, so a CI run tries the same examples every time;
``CAREERCREDIT_HOSTILE_PROFILE=hostile-long`` tries many more, by hand.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings

from careercredit.models import PlanState, Role
from tests.conftest import EXTERNAL_DATABASE_URL
from tests.factories import Factory

# The registrar's desk of tests/registrar (a letter-graded term, alice and fkim signed in),
# for the hostile tests of the registrar's forms.
from tests.registrar.conftest import desk  # noqa: F401

#: Examples per form: enough to meet every sample often, little enough for a 2-core CI runner.
EXAMPLES = 15

settings.register_profile(
    "hostile",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=EXAMPLES,
    print_blob=True,
    # The app, its database and signed-in clients are made once per test, not per example:
    # every example makes the rows it writes to, so sharing them is safe.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "hostile-long", settings.get_profile("hostile"), derandomize=False, max_examples=300
)

#: Decorate each property test with this (the profile chosen for the run).
HOSTILE = settings.get_profile(os.environ.get("CAREERCREDIT_HOSTILE_PROFILE", "hostile"))

UNLIMITED = "100000 per minute"

#: PostgreSQL refuses NUL bytes in text; SQLite stores them.
ON_POSTGRES = (EXTERNAL_DATABASE_URL or "").startswith("postgresql")


def storable(*values: str | None) -> bool:
    """False for text with a NUL byte on PostgreSQL: a known 500 where forms keep NULs (test_nul).

    Property tests ``assume`` it for fields that do not drop control characters.
    """
    return not (ON_POSTGRES and any("\x00" in value for value in values if value))


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app with the shared test campus and rate limits out of reach."""
    return make_app(
        LOGIN_RATE_LIMIT=UNLIMITED,
        SUPERVISOR_LINK_RATE_LIMIT=UNLIMITED,
        VERIFY_RATE_LIMIT=UNLIMITED,
    )


@pytest.fixture
def new_plan(make: Factory) -> Callable[..., int]:
    """``make.plan`` on one term, sponsor and project shared by the test's examples (fast)."""
    shared: dict[str, Any] = {}

    def plan(student_id: int, state: PlanState = PlanState.draft, **values: Any) -> int:
        if not shared:
            shared["term_id"] = make.term()
            shared["sponsor_id"] = make.user(None, Role.faculty)
            shared["project_ids"] = [make.project(hours=45)]
        return make.plan(student_id, state, **{**shared, **values})

    return plan
