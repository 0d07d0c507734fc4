"""Load without loss at CI size: gunicorn, a real directory, the test run's database.

Students sign in and log hours while supervisors verify them through their
links, all at once; afterwards every answer is checked against the database.
Only correctness is asserted (no timings): zero 5xx, every entry told
"logged" stored exactly once, every verification stored exactly once. The
full-size run is ``make load-hours`` (scripts/load_hours.py).
"""

from __future__ import annotations

from pathlib import Path

from careercredit.demo.directory import CampusDirectory
from tests.load.hours import Size, run_load

CI_SIZE = Size(students=8, supervisors=3, seconds=8, workers=2, threads=4)


def test_hours_are_neither_lost_nor_duplicated_under_load(
    settings: dict[str, str], private_campus: CampusDirectory, tmp_path: Path
) -> None:
    report = run_load(CI_SIZE, settings, private_campus, tmp_path)

    print(report.summary())
    assert not report.server_errors, report.summary()
    assert not report.tally.lost, report.summary()
    assert not report.tally.duplicated, report.summary()
    assert report.failures == [], report.summary()
