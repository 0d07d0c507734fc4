"""The bench's Markdown tables, printed from results files as the README shows them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = "baseline (minimal Flask page)"


def _results(directory: Path, kind: str, verification: tuple[float, float, float]) -> None:
    """A results file of ``kind`` whose verification page has (median ms, x floor, full/small)."""
    median, x_floor, scaled = verification
    page = {
        "rps": 100.0,
        "p50_ms": median,
        "p95_ms": median * 1.5,
        "queries": 3,
        "floor": {"ms": median / x_floor, "target": 2.0},
        "floor_ratio": x_floor,
    }
    baseline = {"rps": 1000.0, "p50_ms": 1.0, "p95_ms": 1.5}
    pages = {BASELINE: baseline, "verification page": page}
    report = {
        "database": kind,
        "generated_at": "2026-12-06T06:00:00+00:00",
        "machine": {"database_version": kind},
        "scales": {"0.01": {"pages": pages}, "1.0": {"pages": pages}},
        "full_over_small": {BASELINE: 1.0, "verification page": scaled},
    }
    directory.mkdir(exist_ok=True)
    (directory / f"results-{kind}.json").write_text(json.dumps(report), encoding="utf-8")


def test_before_and_after_shows_each_figure_of_both_runs_with_what_is_over_in_bold(
    tmp_path: Path,
) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    _results(before, "sqlite", (10.2, 2.5, 0.97))
    _results(after, "sqlite", (8.1, 1.7, 1.6))
    _results(before, "postgresql", (14.2, 1.8, 0.94))
    _results(after, "postgresql", (13.0, 1.6, 0.9))

    command = [sys.executable, "scripts/bench.py", "--markdown", "--results", str(after)]
    printed = subprocess.run(
        [*command, "--before", str(before)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    table = printed[printed.index("| page | SQLite median ms") :]
    header, _, *rows = table.strip().splitlines()
    assert header.count("SQLite") == 3
    assert header.index("SQLite") < header.index("PostgreSQL")
    (verification,) = [row for row in rows if row.startswith("| verification page")]
    assert [cell.strip() for cell in verification.strip("|").split("|")] == [
        "verification page",
        "10.2 → 8.1",
        "**2.50** → 1.70",
        "0.97 → **1.60**",
        "14.2 → 13.0",
        "1.80 → 1.60",
        "0.94 → 0.90",
    ]
