"""Render page 1 of the demo's official record into docs/demo-record.png for the README.

Builds the record the way ``make run`` does: the demo campus directory, a
fresh database seeded with the demo data, a throwaway demo CA. Needs slapd
and pdftoppm (poppler-utils). Run from the repository root:

    .venv/bin/python scripts/demo_record_png.py   (or: make demo-record-png)
"""

import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from careercredit import create_app
from careercredit.auth.services import directory as campus_directory
from careercredit.demo.__main__ import configure_signing, start_demo_directory
from careercredit.demo.seed import seed_demo
from careercredit.extensions import db
from careercredit.models import RecordDocument
from config import load_config

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "demo-record.png"
#: Dots per inch: an A4 page comes out 662 by 936 pixels.
RESOLUTION = 80


def demo_record(workdir: Path) -> bytes:
    """Seed a new database in ``workdir`` as ``make run`` does; return the record it issued."""
    campus, settings = start_demo_directory()
    try:
        environ = {
            **settings,
            "CAREERCREDIT_ENV": "development",
            "CAREERCREDIT_SECRET_KEY": secrets.token_hex(32),
            "CAREERCREDIT_DATABASE_URL": f"sqlite:///{workdir / 'demo.db'}",
        }
        configure_signing(environ, workdir / "demo-ca")
        app = create_app(load_config(environ))
        with app.app_context():
            upgrade()
            if seed_demo(campus_directory()) is None:
                raise RuntimeError("the new database was not empty")
            pdf = db.session.scalars(select(RecordDocument.content)).one()
            db.engine.dispose()
        return pdf
    finally:
        campus.stop()


def main() -> int:
    """Write docs/demo-record.png."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        record = workdir / "record.pdf"
        record.write_bytes(demo_record(workdir))
        OUTPUT.parent.mkdir(exist_ok=True)
        # -singlefile: the first page only, written to OUTPUT (pdftoppm adds ".png").
        command = ["pdftoppm", "-png", "-r", str(RESOLUTION), "-singlefile"]
        subprocess.run([*command, str(record), str(OUTPUT.with_suffix(""))], check=True)
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
