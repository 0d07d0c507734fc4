"""Error pages: what people see when something goes wrong."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError

from careercredit.auth.ldap import DirectoryUnavailable
from careercredit.auth.routes import too_many_attempts
from careercredit.extensions import db

log = logging.getLogger(__name__)


def csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: say how to recover."""
    return render_template("errors/csrf.html"), 400


def not_found(error: Exception) -> ResponseReturnValue:
    """Missing and forbidden objects look the same, so ids cannot be probed."""
    return render_template("errors/404.html"), 404


def directory_unavailable(error: DirectoryUnavailable) -> ResponseReturnValue:
    """The campus directory did not answer."""
    return render_template("errors/directory.html"), 503


def database_unavailable(error: OperationalError) -> ResponseReturnValue:
    """The database is down or locked: nothing was saved.

    Rendered without the context processors: Flask-Login's would load the
    signed-in person from the very database that just failed.
    """
    db.session.rollback()
    log.error("database unavailable: %s", error.orig.__class__.__name__)
    page = current_app.jinja_env.get_template("errors/database.html")
    return page.render(bare=True), 503


def unstorable_input(error: Exception) -> ResponseReturnValue:
    """A value the database cannot hold (a number too large, a character it refuses).

    Forms refuse such values with a message next to the field; this is the
    safety net for a crafted request that reaches the database anyway.
    """
    db.session.rollback()
    log.warning("unstorable input: %s", type(error).__name__)
    return render_template("errors/bad_input.html"), 400


def server_error(error: Exception) -> ResponseReturnValue:
    """A bug: apologise without details."""
    return render_template("errors/500.html"), 500


def register_error_handlers(app: Flask) -> None:
    """Attach the error pages to ``app``."""
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(404, not_found)
    app.register_error_handler(429, too_many_attempts)
    app.register_error_handler(DirectoryUnavailable, directory_unavailable)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DataError, unstorable_input)
    app.register_error_handler(OverflowError, unstorable_input)
    app.register_error_handler(500, server_error)
