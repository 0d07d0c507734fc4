"""Two answers on one hour entry at once (a double click, two tabs): one decision holds.

Found by the load work: the supervisor's hours page reads the entry without a
lock or a conditional update, then writes. Two Verify answers arriving
together both see the entry waiting, both say "Verified" and both record an
``hour_entry.verify`` event; a Verify racing a Dispute can both succeed and
leave an entry the supervisor was told is verified (final) disputed, so the
student may change it. Twenty pairs of each make the race all but certain
while the bug is there.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from careercredit.demo.directory import CampusDirectory
from careercredit.extensions import db
from careercredit.models import AuditEvent, HourEntry, HourStatus
from tests.load.browser import Browser
from tests.load.clients import REFUSED_EVERY, StudentClient, waiting_entries
from tests.load.hours import local_app
from tests.load.scenario import HoursLink, add_students, seed, student_uids
from tests.load.server import Served, gunicorn

PAIRS = 20
PASSWORD = "double click"


def test_two_answers_at_once_leave_one_decision(
    settings: dict[str, str], private_campus: CampusDirectory, tmp_path: Path
) -> None:
    with local_app(settings) as app:
        uids = student_uids(1)
        add_students(private_campus, uids, PASSWORD)
        scenario = seed(app, uids, 1, PASSWORD)
        with gunicorn(settings, tmp_path, workers=2, threads=4) as served:
            student = StudentClient(
                Browser(served.host, served.port), student=scenario.students[0], password=PASSWORD
            )
            _log_entries(student, 2 * PAIRS)
            verified_twice, verified_or_disputed = _answer_in_pairs(
                served, scenario.supervisors[0][0]
            )
        with app.app_context():
            events = Counter(
                db.session.scalars(
                    select(AuditEvent.object_id).where(AuditEvent.action == "hour_entry.verify")
                )
            )
            status = dict(db.session.execute(select(HourEntry.id, HourEntry.status)).all())

    told = verified_twice + verified_or_disputed
    assert len(set(verified_twice)) == PAIRS
    assert all(status[i] == HourStatus.verified for i in verified_twice)
    assert Counter(verified_twice) == Counter(set(verified_twice)), "'Verified' said once"
    assert [i for i in set(told) if events[str(i)] != 1] == [], "one verify event each"
    assert [i for i in verified_or_disputed if status[i] != HourStatus.verified] == [], (
        "an entry told 'Verified' stays verified"
    )


def _log_entries(student: StudentClient, count: int) -> None:
    assert student.sign_in()
    n = 0
    while len(student.attempts) < count:
        n += 1
        if n % REFUSED_EVERY != 3:
            student.log_entry(n)
    student.browser.close()
    assert [a.outcome for a in student.attempts] == ["logged"] * count


def _answer_in_pairs(served: Served, link: HoursLink) -> tuple[list[int], list[int]]:
    """Answer each waiting entry from two tabs at once: Verify twice, or Verify and Dispute.

    Return the entries each tab was told were verified: from the Verify-Verify
    pairs (an entry twice if both tabs were told), and from the Verify-Dispute pairs.
    """
    tabs = [Browser(served.host, served.port) for _ in range(2)]
    pages = [tab.get("link_page", f"/s/{link.token}") for tab in tabs]
    waiting = waiting_entries(pages[0].body)
    told: dict[str, list[int]] = {"verify": [], "dispute": []}
    for n, entry_id in enumerate(waiting):
        second = "verify" if n % 2 == 0 else "dispute"
        together = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=_click,
                args=(tab, page.csrf_token(), link, entry_id, action, together, told[second]),
            )
            for tab, page, action in zip(tabs, pages, ("verify", second), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    for tab in tabs:
        tab.close()
    assert not [h for tab in tabs for h in tab.hits if h.status >= 500 or h.status == 0]
    return told["verify"], told["dispute"]


def _click(
    tab: Browser,
    token: str,
    link: HoursLink,
    entry_id: int,
    action: str,
    together: threading.Barrier,
    verified: list[int],
) -> None:
    """Press ``action`` on ``entry_id`` with the other tab; note a 'Verified' flash."""
    form = {"csrf_token": token, "action": action, "entry_id": str(entry_id)}
    if action == "dispute":
        form["comment"] = "This was not a working day."
    together.wait()
    answer = tab.post(action, f"/s/{link.token}/hours", form)
    if answer.status == 302:
        after = tab.get("link_page", answer.redirect_path())
        if any(f.startswith("Verified the entry of") for f in after.flashes()):
            verified.append(entry_id)  # list.append is atomic across threads
