"""The benchmark's floor hooks: the layout page, the SQL of one request, and its floor page.

``create_app`` installs them only when ``CAREERCREDIT_BENCH_FLOORS`` names a
directory (``make bench`` sets it on the gunicorn it measures; nothing else
does). Without it neither exists: ``/bench/layout`` answers 404 and no
request is recorded, whatever its headers say.

- ``GET /bench/layout``: the layout every page is drawn in (menu, the
  person's name, the sign-out form and its CSRF token) around an empty body,
  after the same session checks as any page. Its time is the part of a
  page's floor that no page can avoid.
- A request carrying ``X-Bench-Capture: <name>`` writes the SQL statements it
  ran, with their parameters as the driver received them and where it
  committed, to ``<directory>/<name>.pickle``, for
  ``careercredit.bench.floors`` to replay through the raw driver.
- ``GET /bench/floor/<name>``: the **floor page** of the request recorded as
  ``<name>``: its statements replayed through the raw driver on a connection
  of the app's pool, their rows in plain tables, inside the layout page. It
  is served and measured like the page itself, under the same load, so the
  two are compared alike; ``?as=pdf`` answers with the rows as a PDF instead
  (``floors.pdf_tables``), the floor of a page that is a PDF.
  ``POST /bench/floor/<name>`` is the floor of a sign-in: the recorded SQL,
  and the directory's part of a sign-in done with python-ldap alone for the
  ``username`` and ``password`` posted; it answers with the redirect a
  sign-in answers with.
"""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path
from typing import Any

import ldap
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import event

from careercredit.auth.ldap import DirectorySettings
from careercredit.bench import floors
from careercredit.bench.floors import COMMIT
from careercredit.extensions import csrf, db

ENV = "CAREERCREDIT_BENCH_FLOORS"
HEADER = "X-Bench-Capture"
LAYOUT_PATH = "/bench/layout"
#: The floor page of a recorded request: this, then the name it was recorded as.
FLOOR_PATH = "/bench/floor/"
#: What the header may name: a file name of the bench's own making, nothing else.
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

bp = Blueprint("bench", __name__)


@bp.get("/bench/layout")
def layout() -> str:
    """Show the layout around an empty body."""
    return render_template("bench/layout.html")


@bp.route("/bench/floor/<name>", methods=["GET", "POST"])
@csrf.exempt  # the floor of a sign-in is posted by the bench alone, with no form before it
def floor(name: str) -> ResponseReturnValue:
    """Serve the floor of the request recorded as ``name`` (see the module's docstring)."""
    capture = _capture(name)
    connection = db.engine.raw_connection()  # the pool's, as the page's own statements use
    try:
        results = floors.replay(connection, capture)
    finally:
        connection.close()
    if request.method == "POST":
        settings = DirectorySettings.from_config(current_app.config)
        username, password = request.form.get("username", ""), request.form.get("password", "")
        try:
            floors.sign_in_directory(settings, username, password)
        except (ldap.INVALID_CREDENTIALS, IndexError):
            abort(401)
        return Response(status=302, headers={"Location": "/"})
    if request.args.get("as") == "pdf":
        if current_user.is_authenticated:  # the person and roles, as the page's check loads
            _ = current_user.roles
        return Response(floors.pdf_tables(results), mimetype="application/pdf")
    return render_template("bench/layout.html", results=results)


def _capture(name: str) -> Any:
    """The statements recorded as ``name``, read once per process."""
    if not _NAME.fullmatch(name):
        abort(404)
    path = Path(current_app.config["BENCH_FLOORS_DIRECTORY"]) / f"{name}.pickle"
    if not path.is_file():
        abort(404)
    cache: dict[str, Any] = current_app.extensions.setdefault("bench_captures", {})
    if name not in cache:
        try:
            cache[name] = floors.read_capture(path)
        except floors.NotReplayable:
            abort(404)
    return cache[name]


def add_floor_hooks(app: Flask, directory: Path) -> None:
    """Serve ``/bench/layout`` and record the SQL of requests that ask, into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    app.config["BENCH_FLOORS_DIRECTORY"] = str(directory)
    app.register_blueprint(bp)

    def capturing() -> list[Any] | None:
        if not has_request_context():
            return None
        if "bench_capture" not in g:
            name = request.headers.get(HEADER, "")
            g.bench_capture = [] if _NAME.fullmatch(name) else None
        captured: list[Any] | None = g.bench_capture
        return captured

    def statement(
        conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        captured = capturing()
        if captured is not None:
            captured.append((sql, parameters, executemany))

    def commit(conn: Any) -> None:
        captured = capturing()
        if captured is not None:
            captured.append(COMMIT)

    def write(response: Response) -> Response:
        captured = g.get("bench_capture")
        if captured is not None:
            path = directory / f"{request.headers[HEADER]}.pickle"
            try:
                path.write_bytes(pickle.dumps(captured))
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                path.write_bytes(pickle.dumps(f"not replayable: {exc}"))
        return response

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", statement)
        event.listen(db.engine, "commit", commit)
    app.after_request(write)


def install(app: Flask) -> None:
    """Add the floor hooks to ``app`` when ``CAREERCREDIT_BENCH_FLOORS`` is set."""
    directory = os.environ.get(ENV)
    if directory:
        # The captures hold the SQL parameters of real requests: never on a live system.
        app.logger.warning("%s is set: benchmark hooks are on; never set it in production", ENV)
        add_floor_hooks(app, Path(directory))
