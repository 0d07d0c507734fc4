"""The people of the load: students logging hours and supervisors verifying them.

Each client runs in a thread of its own with one ``Browser`` and keeps going
until the common deadline. It remembers what the server told it: which
entries were logged (a redirect to the plan), refused (422) or left unknown
(no answer), and which entries its verifications covered, so that the
database can be checked against every answer afterwards.
"""

from __future__ import annotations

import random
import re
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.load.browser import Browser
from tests.load.scenario import HoursLink, Student

#: Every this many entries (the third, the 13th, ...) a student sends hours the rules
#: refuse (0.3 is no quarter hour): refused entries must not be stored.
REFUSED_EVERY = 10
HOURS = ("0.25", "0.5", "0.75", "1", "1.25")
#: Work dates go back this many days at most (the term started 60 days ago).
DAYS_BACK = 50
_ENTRY = re.compile(r'<li class="entry entry-(submitted|verified|disputed)" id="entry-(\d+)">')
_VERIFIED_ALL = re.compile(r"Verified (\d+) entr(?:y|ies)\.")


@dataclass
class Attempt:
    """One hour entry a student tried to log, and how the server answered."""

    description: str
    #: Whether the values follow the rules (the server should accept them).
    valid: bool
    status: int
    #: logged (302 to the plan), refused (422), unknown (no answer) or unexpected.
    outcome: str
    #: The flash the plan page showed after the redirect ('' when not followed or none).
    flash: str = ""


@dataclass
class Client:
    """What every client keeps: its browser, and the traceback if its loop crashed."""

    browser: Browser
    crash: str = ""
    unexpected: list[str] = field(default_factory=list)

    def run(self, deadline: float) -> None:
        """Run the loop until ``deadline``; a crash is kept, never raised in the thread."""
        try:
            self.loop(deadline)
        except Exception:
            self.crash = traceback.format_exc()
        finally:
            self.browser.close()

    def loop(self, deadline: float) -> None:
        raise NotImplementedError


@dataclass
class StudentClient(Client):
    """A student who signs in and logs one entry after the other."""

    student: Student = field(kw_only=True)
    password: str = field(kw_only=True)
    attempts: list[Attempt] = field(default_factory=list)
    today: date = field(default_factory=date.today)

    def loop(self, deadline: float) -> None:
        n = 0
        signed_in = self.sign_in()
        while time.monotonic() < deadline:
            if not signed_in:
                time.sleep(0.5)
                signed_in = self.sign_in()
                continue
            n += 1
            signed_in = self.log_entry(n)

    def sign_in(self) -> bool:
        """Sign in through the login form; return whether it worked."""
        page = self.browser.get("login_form", "/login")
        if page.status != 200:
            return False
        answer = self.browser.post(
            "login",
            "/login",
            {
                "csrf_token": page.csrf_token(),
                "username": self.student.uid,
                "password": self.password,
                "next": "",
            },
        )
        if answer.status != 302:
            self.unexpected.append(f"sign-in answered {answer.status}")
        return answer.status == 302

    def log_entry(self, n: int) -> bool:
        """Open the hour form and send the ``n``-th entry; return whether still signed in."""
        placement_id = self.student.placement_ids[n % len(self.student.placement_ids)]
        path = f"/plans/{self.student.plan_id}/placements/{placement_id}/hours/new"
        form = self.browser.get("hour_form", path)
        if form.status == 302 and form.redirect_path().startswith("/login"):
            self.unexpected.append("signed out while logging hours")
            return False
        if form.status != 200:
            self.unexpected.append(f"hour form answered {form.status}")
            return True
        valid = n % REFUSED_EVERY != 3
        description = f"load {self.student.uid} {n}" + ("" if valid else " refused")
        values = {
            "csrf_token": form.csrf_token(),
            "work_date": (self.today - timedelta(days=1 + n % DAYS_BACK)).isoformat(),
            "hours": HOURS[n % len(HOURS)] if valid else "0.3",
            "description": description,
        }
        answer = self.browser.post("log_hours", path, values)
        attempt = Attempt(description, valid, answer.status, _outcome(answer.status))
        if attempt.outcome == "logged" and answer.redirect_path() != (
            f"/plans/{self.student.plan_id}"
        ):
            attempt.outcome = "unexpected"
        self.attempts.append(attempt)
        if attempt.outcome == "unexpected":
            self.unexpected.append(f"logging hours answered {answer.status}")
        if attempt.outcome == "logged":
            plan = self.browser.get("plan_page", answer.redirect_path())
            attempt.flash = next((f for f in plan.flashes() if f.startswith("Logged ")), "")
        return True


def _outcome(status: int) -> str:
    return {302: "logged", 422: "refused", 0: "unknown"}.get(status, "unexpected")


@dataclass
class Verification:
    """One answer a supervisor sent: one entry, or all waiting ones."""

    link: HoursLink
    action: str
    entry_id: int | None
    status: int
    #: Entries the flash says were verified (None: success without a readable flash).
    verified: int | None = None


@dataclass
class SupervisorClient(Client):
    """A supervisor who goes round their hours links, verifying what waits."""

    links: list[HoursLink] = field(kw_only=True)
    seed: int = 0
    verifications: list[Verification] = field(default_factory=list)

    def loop(self, deadline: float) -> None:
        rng = random.Random(self.seed)
        n = 0
        acted = False
        while time.monotonic() < deadline:
            link = self.links[n % len(self.links)]
            n += 1
            acted = self.visit(link, rng) or acted
            if n % len(self.links) == 0:
                if not acted:
                    time.sleep(0.1)  # nothing waited anywhere: look again shortly
                acted = False

    def visit(self, link: HoursLink, rng: random.Random) -> bool:
        """Open the link and verify one waiting entry, or all; return whether it answered."""
        page = self.browser.get("link_page", f"/s/{link.token}")
        if page.status != 200:
            self.unexpected.append(f"hours link answered {page.status}")
            return False
        waiting = waiting_entries(page.body)
        if not waiting:
            return False
        form = {"csrf_token": page.csrf_token()}
        if len(waiting) > 1 and rng.random() < 0.3:
            form["action"], entry_id = "verify_all", None
        else:
            form["action"], entry_id = "verify", waiting[0]
            form["entry_id"] = str(entry_id)
        answer = self.browser.post("verify", f"/s/{link.token}/hours", form)
        done = Verification(link, form["action"], entry_id, answer.status)
        self.verifications.append(done)
        if answer.status == 302 and answer.redirect_path() == f"/s/{link.token}":
            after = self.browser.get("link_page", f"/s/{link.token}")
            done.verified = _verified_count(after.flashes(), done.action)
        elif answer.status:  # no answer at all is counted with the requests
            self.unexpected.append(f"verifying answered {answer.status}")
        return True


def waiting_entries(page: str) -> list[int]:
    """The ids of the entries an hours page lists as waiting for the supervisor."""
    return [int(i) for status, i in _ENTRY.findall(page) if status == "submitted"]


def _verified_count(flashes: list[str], action: str) -> int | None:
    for message in flashes:
        if action == "verify" and message.startswith("Verified the entry of"):
            return 1
        if message.startswith("No entry was waiting"):
            return 0
        if match := _VERIFIED_ALL.match(message):
            return int(match.group(1))
    return None
