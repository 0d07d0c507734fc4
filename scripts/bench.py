"""``make bench``: the pages of a large university, measured under load, on SQLite and PostgreSQL.

For each database (SQLite; PostgreSQL too when CAREERCREDIT_BENCH_POSTGRES_URL
names one) and each scale (0.01 and 1), this seeds a synthetic university
(``flask bench seed``; cached under instance/bench/ so reruns skip it),
starts a slapd holding the bench people and serves the app with gunicorn (2
sync workers) on it; then it measures each page at each scale in turn (back
to back, so the machine's other work weighs on both alike) with a load
generator in another process (wrk, else a Python client): requests per
second, median and p95 latency, the median as a multiple of a minimal Flask
page served the same way, SQL queries per request, and the median of the
page's floor page (its SQL replayed through the raw driver, its rows in plain
tables, in the signed-in layout; see careercredit/bench/floors.py), served and
measured in the same run under the same load, with the page's median as a
multiple of it. It prints a table per scale and the
full/small ratio per page, and writes bench/results-<database>.json.

    .venv/bin/python scripts/bench.py            # the full run (takes a while)
    .venv/bin/python scripts/bench.py --quick    # small scale, 5 s a page
    .venv/bin/python scripts/bench.py --markdown # the README's tables of the last run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import secrets
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_load  # noqa: E402
import bench_server  # noqa: E402

SMALL, FULL = 0.01, 1.0
CACHE = ROOT / "instance" / "bench"
RESULTS = ROOT / "bench"
#: The seed's sources: a change to any of them seeds the cached databases again.
SEED_SOURCES = ("audit", "campus", "loader", "plans", "records", "seed", "shape", "words", "work")
#: The issue's targets.
MAX_BASELINE_RATIO, MAX_SCALE_RATIO, MAX_QUERIES = 4.0, 1.5, 12
BASELINE = "baseline (minimal Flask page)"
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def main() -> int:
    """Seed, serve, measure, report."""
    args = _arguments()
    global CACHE, RESULTS
    CACHE = Path(args.cache).resolve() if args.cache else CACHE
    RESULTS = Path(args.results).resolve() if args.results else RESULTS
    if args.markdown:
        print(markdown())
        if args.before:
            print(before_and_after(Path(args.before).resolve()))
        return 0
    databases = [("sqlite", f"sqlite:///{CACHE}/sqlite-{{tag}}.db")]
    postgres = os.environ.get("CAREERCREDIT_BENCH_POSTGRES_URL")
    if postgres:
        databases.append(("postgresql", postgres))
    if args.database:
        databases = [d for d in databases if d[0] == args.database]
    scales = [SMALL] if args.quick else [SMALL, FULL]
    settings = {
        "seconds": args.seconds or (5 if args.quick else 20),
        "warmup": 1 if args.quick else 3,
        "connections": args.connections,
        "slices": 1 if args.quick else 4,
        "generator": bench_load.generator(),
        "gunicorn": "2 sync workers",
        "pages": args.pages or [],
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    for kind, url in databases:
        report = {
            "database": kind,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": settings,
            "scales": {},
        }
        seeded = {scale: seeded_database(kind, url, scale) for scale in scales}
        measured = bench_server.measure_scales(seeded, settings)
        for scale in scales:
            pages = measured[scale]
            report["scales"][str(scale)] = {"pages": pages, "rows": _seed_marker(kind, scale)}
            print_table(kind, scale, pages)
        if len(scales) == 2:
            report["full_over_small"] = print_ratios(kind, report["scales"])
        report["machine"]["database_version"] = bench_server.database_version(seeded[scales[0]])
        if args.pages:
            continue  # a partial run is for development: the JSON keeps the last full run
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"results-{kind}.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nWritten: {_shown(out)}\n")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small scale only, 5 s a page")
    parser.add_argument("--seconds", type=float, help="measure each page this long")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), help="only this one")
    parser.add_argument(
        "--pages",
        action="append",
        metavar="TEXT",
        help="measure only the pages whose name holds TEXT (repeatable); writes no JSON",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the last run's tables for the README"
    )
    parser.add_argument(
        "--cache", metavar="DIR", help="where the seeded SQLite databases are kept (instance/bench)"
    )
    parser.add_argument("--results", metavar="DIR", help="where the JSON goes (bench)")
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="with --markdown: also a table of each page before (the JSON in DIR) and after",
    )
    return parser.parse_args()


# -- seeded databases, cached by scale ----------------------------------------------


def _tag(scale: float) -> str:
    return f"s{scale:g}".replace(".", "_")


def _fingerprint(scale: float) -> str:
    digest = hashlib.sha256(str(scale).encode())
    for name in SEED_SOURCES:
        digest.update((ROOT / "careercredit" / "bench" / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def _marker_path(kind: str, scale: float) -> Path:
    return CACHE / f"{kind}-{_tag(scale)}.json"


def _seed_marker(kind: str, scale: float) -> dict:
    return json.loads(_marker_path(kind, scale).read_text(encoding="utf-8"))["rows"]


def seeded_database(kind: str, url: str, scale: float) -> str:
    """The URL of a database seeded at ``scale``: the cached one, or a fresh seed."""
    url = (
        url.format(tag=_tag(scale))
        if kind == "sqlite"
        else bench_server.scaled_postgres(url, _tag(scale))
    )
    marker = _marker_path(kind, scale)
    fingerprint = _fingerprint(scale)
    cached = marker.exists() and json.loads(marker.read_text())["fingerprint"] == fingerprint
    if cached and bench_server.has_plans(url):
        print(f"{kind} at scale {scale:g}: seeded earlier ({url}); bringing it up to date.")
        _flask(url, "bench", "prepare")
        return url
    print(f"{kind} at scale {scale:g}: seeding {url} …", flush=True)
    marker.unlink(missing_ok=True)
    bench_server.empty_database(url)
    _flask(url, "bench", "seed", "--scale", str(scale))
    rows = bench_server.row_counts(url)
    marker.write_text(json.dumps({"fingerprint": fingerprint, "url": url, "rows": rows}))
    return url


def _flask(url: str, *command: str) -> None:
    """Run ``flask --app wsgi COMMAND`` on the database at ``url``."""
    env = {
        **os.environ,
        "CAREERCREDIT_ENV": "development",
        "CAREERCREDIT_SECRET_KEY": secrets.token_hex(16),
        "CAREERCREDIT_DATABASE_URL": url,
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True)


# -- the report ------------------------------------------------------------------------


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    mem = next((line.split()[1] for line in _lines("/proc/meminfo") if "MemTotal" in line), "0")
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def print_table(kind: str, scale: float, pages: dict[str, dict]) -> None:
    """One run's table: throughput, latency, ratios to the baseline and to the floor, queries."""
    base = pages[BASELINE]["p50_ms"]
    print(f"\n{kind}, scale {scale:g}")
    print(
        f"{'page':<44} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'x base':>7} "
        f"{'queries':>8} {'floor ms':>9} {'x floor':>8}"
    )
    for name, page in pages.items():
        ratio = page["p50_ms"] / base if base else 0
        floor = page.get("floor") or {}
        flags = ""
        if name != BASELINE and ratio > MAX_BASELINE_RATIO:
            flags += " slow"
        if (page.get("queries") or 0) > MAX_QUERIES:
            flags += " queries"
        if _over_floor(page):
            flags += f" over floor (target {floor['target']:g})"
        if "error" in floor:
            flags += f" no floor: {floor['error'][:60]}"
        if page.get("session_changed"):
            flags += " changes the session"
        if page.get("failed"):
            flags += f" {page['failed']} failed"
        if floor.get("failed"):
            flags += f" {floor['failed']} of its floor failed"
        queries = page.get("queries")
        print(
            f"{name:<44} {page['rps']:>8.1f} {page['p50_ms']:>10.2f} {page['p95_ms']:>8.2f} "
            f"{ratio:>7.1f} {'' if queries is None else queries:>8} "
            f"{_number(floor.get('ms'), '.2f'):>9} {_number(page.get('floor_ratio'), '.2f'):>8}"
            f"{flags}"
        )


def _number(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def print_ratios(kind: str, scales: dict[str, dict]) -> dict[str, float]:
    """Each page's full-scale median over its small-scale median."""
    small, full = scales[str(SMALL)]["pages"], scales[str(FULL)]["pages"]
    print(f"\n{kind}: full/small median ratio (target ≤ {MAX_SCALE_RATIO})")
    ratios = {}
    for name in small:
        if name in full and small[name]["p50_ms"]:
            ratios[name] = round(full[name]["p50_ms"] / small[name]["p50_ms"], 2)
            mark = "" if ratios[name] <= MAX_SCALE_RATIO else "  over"
            print(f"  {name:<32} {ratios[name]:>5.2f}{mark}")
    return ratios


def markdown() -> str:
    """The tables of the last run on each database (bench/results-*.json), as Markdown."""
    out = []
    for path in sorted(RESULTS.glob("results-*.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        scales = report["scales"]
        largest = str(FULL) if str(FULL) in scales else str(SMALL)  # a --quick run: small only
        small, full = scales.get(str(SMALL), {}).get("pages", {}), scales[largest]["pages"]
        base = full[BASELINE]["p50_ms"]
        ratios = report.get("full_over_small", {})
        out += [
            f"**{report['machine'].get('database_version', report['database'])}**, "
            f"{'full' if largest == str(FULL) else 'small'} scale, "
            f"{report['generated_at'][:10]} ({_shown(path)}):",
            "",
            "| page | req/s | median ms | p95 ms | x baseline | queries | floor ms | x floor "
            "| full/small |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, page in full.items():
            queries = page.get("queries")
            ratio = ratios.get(name)
            floor = page.get("floor") or {}
            out.append(
                f"| {name} | {page['rps']:,.0f} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} "
                f"| {page['p50_ms'] / base:.1f} | {'' if queries is None else queries} "
                f"| {_number(floor.get('ms'), '.1f')} | {_x_floor(page)} "
                f"| {'' if ratio is None or name not in small else f'{ratio:.2f}'} |"
            )
        out.append("")
    return "\n".join(out)


def before_and_after(before: Path) -> str:
    """Each page's median, x floor and full/small in ``before``'s JSON and the last run's.

    One column group per database both runs measured; over its target in bold.
    """
    runs, names = [], []
    for kind, shown in DATABASE_NAMES.items():
        old, new = before / f"results-{kind}.json", RESULTS / f"results-{kind}.json"
        if old.exists() and new.exists():
            runs.append((json.loads(old.read_text("utf-8")), json.loads(new.read_text("utf-8"))))
            names.append(shown)
    if not runs:
        return ""
    columns = ("median ms", "x floor", "full/small")
    header = ["page", *(f"{name} {column}" for name in names for column in columns)]
    out = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    pages = runs[0][1]["scales"][str(FULL)]["pages"]
    for name in pages:
        cells = [name]
        for old, new in runs:
            for a, b in zip(_figures(old, name), _figures(new, name), strict=True):
                cells.append(f"{a} → {b}" if a or b else "")
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(["", *out, ""])


def _figures(report: dict, name: str) -> tuple[str, str, str]:
    """(median ms, x floor, full/small) of ``name`` in ``report``, as the tables print them."""
    page = report["scales"].get(str(FULL), {}).get("pages", {}).get(name)
    if page is None:
        return "", "", ""
    scale = report.get("full_over_small", {}).get(name)
    scaled = "" if scale is None else f"{scale:.2f}"
    if scale is not None and scale > MAX_SCALE_RATIO:
        scaled = f"**{scaled}**"
    return f"{page['p50_ms']:.1f}", _x_floor(page), scaled


def _over_floor(page: dict) -> bool:
    """Whether ``page``'s median is more than its target times its floor."""
    target = (page.get("floor") or {}).get("target")
    return bool(page.get("floor_ratio") and target and page["floor_ratio"] > target)


def _x_floor(page: dict) -> str:
    """``page``'s median over its floor for a Markdown table, in bold when over its target."""
    ratio = _number(page.get("floor_ratio"), ".2f")
    return f"**{ratio}**" if _over_floor(page) else ratio


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


if __name__ == "__main__":
    sys.exit(main())
