"""One hour form sent twice at once (a double click on "Log hours"): the hours are logged once.

Each form carries its own random id, and an entry keeps the id of the form
that logged it under a unique index; the second sending finds the entry (or
loses the race at the index) and is told the hours were already logged.
Twenty pairs sent from two connections at the same moment make the race all
but certain; without the form id every pair logged two entries.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from careercredit import clock
from careercredit.demo.directory import CampusDirectory
from careercredit.extensions import db
from careercredit.models import AuditEvent, HourEntry
from tests.load.browser import Answer, Browser
from tests.load.clients import StudentClient
from tests.load.hours import local_app
from tests.load.scenario import add_students, seed, student_uids
from tests.load.server import gunicorn

PAIRS = 20
PASSWORD = "double click"
_SUBMISSION = re.compile(r'name="submission" type="hidden" value="([0-9a-f]{32})"')


def test_a_form_sent_twice_at_once_logs_its_hours_once(
    settings: dict[str, str], private_campus: CampusDirectory, tmp_path: Path
) -> None:
    with local_app(settings) as app:
        uids = student_uids(1)
        add_students(private_campus, uids, PASSWORD)
        student = seed(app, uids, 1, PASSWORD).students[0]
        with gunicorn(settings, tmp_path, workers=2, threads=4) as served:
            first = StudentClient(
                Browser(served.host, served.port), student=student, password=PASSWORD
            )
            assert first.sign_in()
            tabs = [first.browser, Browser(served.host, served.port)]
            path = f"/plans/{student.plan_id}/placements/{student.placement_ids[0]}/hours/new"
            answers: list[Answer] = []
            for n in range(PAIRS):
                form = tabs[0].get("hour_form", path)
                assert form.status == 200
                tabs[1].cookies = dict(tabs[0].cookies)  # the same session in a second tab
                values = {
                    "csrf_token": form.csrf_token(),
                    "submission": _SUBMISSION.search(form.body).group(1),
                    "work_date": (clock.today() - timedelta(days=1 + n % 20)).isoformat(),
                    "hours": "1.5",
                    "description": f"Double click number {n}: cleaned the survey data.",
                }
                answers += _send_together(tabs, path, values)
            for tab in tabs:
                tab.close()
        with app.app_context():
            entries = db.session.scalar(select(func.count()).select_from(HourEntry))
            logged = db.session.scalar(
                select(func.count()).where(AuditEvent.action == "hour_entry.log")
            )

    assert [a.status for a in answers] == [302] * (2 * PAIRS), "no error, no refusal"
    assert entries == PAIRS, "one entry per form"
    assert logged == PAIRS, "one hour_entry.log event per form"


def _send_together(tabs: list[Browser], path: str, values: dict[str, str]) -> list[Answer]:
    """Post ``values`` from both tabs at the same moment; return both answers."""
    together = threading.Barrier(len(tabs))
    answers: list[Answer] = []

    def send(tab: Browser) -> None:
        together.wait()
        answers.append(tab.post("log_hours", path, values))  # list.append is atomic

    threads = [threading.Thread(target=send, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers
