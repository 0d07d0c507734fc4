"""The work waiting for one person: what a home page is made of, and the shared helpers.

A home page is a part per role the person holds (``main/home.py`` gathers
them; ``students``, ``staff`` and ``office`` build them), each a short list
of items, each a link to the page where the work is done. The queries are
bounded whatever the campus's size: every list is limited, every count stops
at ``CAP``, and what an item shows is loaded with it (no lazy loads per
item), so a home page costs the same few queries for an advisor with 300
plans waiting as for one with three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from sqlalchemy import Select, func, select

from careercredit import clock
from careercredit.extensions import db
from careercredit.main.plurals import days_text, plural
from careercredit.models import CreditPlan, Role

#: Items shown in one list of a home page; the rest are behind its "see all" link.
SHOWN = 8
#: Counts stop here ("more than 100 plans"): a home page costs the same at any campus size.
CAP = 100


@dataclass(frozen=True)
class Item:
    """One piece of work: what it is, where it is done, and how urgent it is."""

    title: str
    href: str
    #: The words of the link to where the work is done.
    action: str
    detail: str = ""
    #: When it happened or is due, in words ("waiting 11 days", "due in 3 days").
    when: str = ""
    #: Late or about to be: shown with a warning.
    urgent: bool = False
    #: Orders a list: smaller comes first (days to a deadline, minus days waiting).
    rank: int = 0


@dataclass
class Part:
    """A role's share of a home page: its items, their total, and what to do when empty."""

    role: Role
    heading: str
    items: list[Item] = field(default_factory=list)
    #: What to do next when nothing waits.
    empty: str = ""
    #: Where the whole list is (label, href), when more waits than is shown.
    more: tuple[str, str] | None = None
    #: One-line figures shown under the heading ("3 plans waiting").
    figures: list[str] = field(default_factory=list)
    #: Warnings about the whole part (the outbox stopped sending).
    warnings: list[str] = field(default_factory=list)
    #: The role's usual pages (label, href), under the list.
    links: list[tuple[str, str]] = field(default_factory=list)

    def ordered(self) -> list[Item]:
        """The items, most urgent first."""
        return sorted(self.items, key=lambda item: (not item.urgent, item.rank))


def capped_count(query: Select[tuple[int]]) -> int:
    """How many rows ``query`` (of ids) finds, counted up to ``CAP`` + 1 at most.

    The database stops at the cap, so a count costs the same for 300 plans
    as for 30,000; ``count_text`` says "more than" past it.
    """
    found = query.limit(CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(found)) or 0


def count_text(count: int, one: str, many: str | None = None) -> str:
    """``plural`` of a capped count: "3 plans", "more than 100 plans"."""
    if count > CAP:
        return f"more than {plural(CAP, one, many)}"
    return plural(count, one, many)


def plan_count(query: Select[tuple[CreditPlan]]) -> int:
    """``capped_count`` of the plans ``query`` selects."""
    return capped_count(query.with_only_columns(CreditPlan.id))


def days_since(moment_day: date) -> int:
    """Whole days from ``moment_day`` to the institution's today."""
    return (clock.today() - moment_day).days


def plan_url(plan: CreditPlan, section: str = "") -> str:
    """The plan page, at ``section`` if given."""
    return url_for("plans.show", plan_id=plan.id) + (f"#{section}" if section else "")


def due_text(days_left: int, what: str) -> str:
    """A deadline in words: "the term ends on … (in 5 days)", "… (3 days ago)"."""
    if days_left < 0:
        return f"{what} ({days_text(days_left)} ago)"
    return f"{what} ({'today' if days_left == 0 else 'in ' + days_text(days_left)})"
