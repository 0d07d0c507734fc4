"""Load without loss, full size: 100 students log hours and 20 supervisors verify, for 60 s.

Run from the repository root: .venv/bin/python scripts/load_hours.py [options]
(``make load-hours``, with options in LOAD_ARGS).

Recreates the database (PostgreSQL by default: ``careercredit_load`` on
127.0.0.1:5432 as user postgres; its name must contain "load", so no real
database is dropped by mistake), migrates it, starts the demo campus
directory with the load's students added, serves the app with gunicorn on
127.0.0.1 only, runs the students and supervisors as threads with keep-alive
connections, and counts the database against every answer afterwards.
Prints a summary; exits 1 on any 5xx, lost, duplicated or wrongly stored
entry or verification. The same code runs small in
``tests/load/test_hours_load.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from careercredit import create_app
from careercredit.demo.__main__ import start_demo_directory
from careercredit.extensions import db
from config import load_config
from tests.load.hours import Size, app_settings, run_load

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/careercredit_load"


def main(argv: list[str] | None = None) -> int:
    """Run the load once; return 0 when nothing was lost."""
    args = _arguments(argv)
    size = Size(args.students, args.supervisors, args.seconds, args.workers, args.threads)
    url = _fresh_database(args.database_url)
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="careercredit-load-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    campus, ldap = start_demo_directory()
    try:
        settings = app_settings(url, ldap)
        _migrate(settings)
        report = run_load(size, settings, campus, log_dir, echo=print)
    finally:
        campus.stop()
    print()
    print(report.summary())
    print(f"\ngunicorn logs: {log_dir}")
    return 0 if not report.failures else 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100, help="(default 100)")
    parser.add_argument("--supervisors", type=int, default=20, help="(default 20)")
    parser.add_argument("--seconds", type=float, default=60, help="of load (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="threads per gunicorn worker: gthread workers (default 4); 1 for sync workers",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_URL,
        help=f"recreated for the run; its name must contain 'load' (default {DEFAULT_URL})",
    )
    parser.add_argument("--log-dir", help="where gunicorn logs (default: a new temporary folder)")
    args = parser.parse_args(argv)
    if min(args.students, args.supervisors, args.workers, args.threads) < 1 or args.seconds <= 0:
        parser.error("people, workers, threads and seconds must be positive")
    return args


def _fresh_database(url: str) -> str:
    """Drop and create the database (PostgreSQL) or remove the file (SQLite); return its URL."""
    parsed = make_url(url)
    name = parsed.database or ""
    if "load" not in Path(name).name:
        sys.exit(f"refusing to recreate {name!r}: the load's database name must contain 'load'")
    if parsed.get_backend_name() == "sqlite":
        path = Path(name).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url


def _migrate(settings: dict[str, str]) -> None:
    app = create_app(load_config(settings))
    with app.app_context():
        upgrade()
        db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
