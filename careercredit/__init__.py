"""CareerCredit: micro-internships turned into academic credit."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

from careercredit import templating
from careercredit.ids import BoundedIntegerConverter
from config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Build the application.

    ``config`` is a ``Config`` object, or a mapping of Flask settings laid over
    the configuration read from the environment, or ``None`` for the
    environment alone. A configuration that is unsafe for its environment
    stops the start with ``ConfigError``; one that works but is risky is
    logged as a warning.
    """
    if isinstance(config, Config):
        settings = config
    else:
        settings = load_config()
        for key, value in (config or {}).items():
            setattr(settings, key, value)
    settings.check()

    app = Flask(
        __name__, template_folder=str(ROOT / "templates"), instance_path=str(ROOT / "instance")
    )
    app.jinja_environment = templating.Environment  # HTML drops its block tags' lines
    app.config.from_mapping(settings.as_dict())
    for warning in settings.warnings():
        app.logger.warning("%s", warning)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        # Flask's documented way to add WSGI middleware; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    _init_extensions(app)
    app.url_map.converters["int"] = BoundedIntegerConverter
    _register_blueprints(app)
    if os.environ.get("CAREERCREDIT_BENCH_COUNT_QUERIES") == "1":
        from careercredit.bench.queries import count_queries

        count_queries(app)
    if os.environ.get("CAREERCREDIT_BENCH_FLOORS"):
        from careercredit.bench.pages import install

        install(app)  # benchmark only: /bench/layout and the SQL capture
    return app


def _init_extensions(app: Flask) -> None:
    from careercredit import models  # registers the tables
    from careercredit.extensions import compress, csrf, db, limiter, login_manager, migrate
    from careercredit.jobs import engine as jobs_engine

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    app.after_request(_close_streamed_files)  # runs before Flask-Compress's own hook
    login_manager.init_app(app)
    jobs_engine.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> models.User | None:
        if not user_id.isdigit():
            return None
        # The person and their roles in one query: every page asks for both.
        return db.session.get(
            models.User, int(user_id), options=[joinedload(models.User.role_rows)]
        )


def _close_streamed_files(response: Response) -> Response:
    """Close a streamed file (a static file) with its response.

    Flask-Compress sends a compressor over the file in the file's place, and
    the server then closes only the compressor: the file would stay open
    until garbage collection.
    """
    if response.is_streamed and hasattr(response.response, "close"):
        response.call_on_close(response.response.close)
    return response


def _register_blueprints(app: Flask) -> None:
    from careercredit import clock, errors, navigation, security
    from careercredit.auth import routes as auth_routes
    from careercredit.auth import session as auth_session
    from careercredit.backup.cli import backup_cli
    from careercredit.badges import routes as badges_routes
    from careercredit.bench.cli import bench_cli
    from careercredit.catalogue import routes as catalogue_routes
    from careercredit.courses import routes as courses_routes
    from careercredit.deliverables import routes as deliverables_routes
    from careercredit.deliverables.cli import uploads_cli
    from careercredit.evaluations import routes as evaluations_routes
    from careercredit.forms import drop_null_characters_from_query
    from careercredit.hours import routes as hours_routes
    from careercredit.jobs.worker import worker_command
    from careercredit.main import routes as main_routes
    from careercredit.main.plurals import plural
    from careercredit.models.hours import hours_text
    from careercredit.notices import routes as notices_routes
    from careercredit.notices.cli import notices_cli
    from careercredit.outbox import routes as outbox_routes
    from careercredit.outbox.cli import outbox_cli
    from careercredit.plans import routes as plans_routes
    from careercredit.records import export_routes as record_exports_routes
    from careercredit.records import routes as records_routes
    from careercredit.records.cli import records_cli
    from careercredit.registrar import routes as registrar_routes
    from careercredit.reminders import routes as reminders_routes
    from careercredit.reminders.cli import reminders_cli
    from careercredit.reports import routes as reports_routes
    from careercredit.reports.cli import reports_cli
    from careercredit.signoff import routes as signoff_routes
    from careercredit.supervisors import routes as supervisors_routes
    from careercredit.terms import routes as terms_routes
    from careercredit.verify import routes as verify_routes

    app.register_blueprint(auth_routes.bp)
    app.register_blueprint(main_routes.bp)
    app.register_blueprint(plans_routes.bp)
    app.register_blueprint(catalogue_routes.bp)
    app.register_blueprint(terms_routes.bp)
    app.register_blueprint(courses_routes.bp)
    app.register_blueprint(outbox_routes.bp)
    app.register_blueprint(hours_routes.bp)
    app.register_blueprint(supervisors_routes.bp)
    app.register_blueprint(evaluations_routes.bp)
    app.register_blueprint(reminders_routes.bp)
    app.register_blueprint(signoff_routes.bp)
    app.register_blueprint(registrar_routes.bp)
    app.register_blueprint(deliverables_routes.bp)
    app.register_blueprint(records_routes.bp)
    app.register_blueprint(record_exports_routes.bp)
    app.register_blueprint(verify_routes.bp)
    app.register_blueprint(notices_routes.bp)
    app.register_blueprint(reports_routes.bp)
    app.register_blueprint(badges_routes.bp)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(records_cli)
    app.cli.add_command(bench_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(uploads_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(worker_command)
    app.context_processor(lambda: {"menu": navigation.menu})
    app.add_template_filter(hours_text, "hours")
    app.add_template_filter(plural, "plural")
    app.add_template_filter(clock.date_text, "local_date")
    app.add_template_filter(clock.datetime_text, "local_datetime")
    auth_session.init_app(app)
    security.init_app(app)
    app.before_request(drop_null_characters_from_query)
    errors.register_error_handlers(app)


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_connection: Any, connection_record: Any) -> None:
    """Each new connection's settings: SQLite's pragmas, PostgreSQL without JIT.

    PostgreSQL compiles a statement it estimates dear (above ``jit_above_cost``)
    to machine code first. The app's statements are short and their estimates
    pessimistic: measured at the bench's full scale, compiling the advisor
    home page's overdue count took 750 ms for a query of 80 ms. Reports read
    summary tables, so no statement here is long enough to gain from it.
    """
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        _sqlite_pragmas(dbapi_connection)
    elif module.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection: Any) -> None:
    """Make SQLite enforce foreign keys, wait for locks and write ahead to a log.

    A database file is put in WAL mode (it stays so): readers no longer wait
    behind a writer, and with ``synchronous=NORMAL`` a commit is an append to
    the ``-wal`` file rather than two syncs of the database (a commit can be
    lost to a power cut, never half-applied). ``flask backup create`` copies
    the log's commits too. An in-memory database keeps its own journal.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    if _is_file(cursor):
        _write_ahead(cursor)
    cursor.close()


def _write_ahead(cursor: Any) -> None:
    """Put the database file in WAL mode; if another process holds it, the next connection will."""
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:
        return  # a writer of the old journal kept it past the busy timeout, or it is read-only
    cursor.execute("PRAGMA synchronous=NORMAL")


def _is_file(cursor: Any) -> bool:
    """Whether the connection's main database is a file (not ``:memory:`` or a temporary one)."""
    for _seq, name, file in cursor.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return bool(file)
    return False
