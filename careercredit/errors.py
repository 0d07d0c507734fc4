"""Error pages: what people see when something goes wrong."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError

from careercredit.auth.forms import LoginForm
from careercredit.auth.ldap import DirectoryUnavailable
from careercredit.extensions import db
from careercredit.refusals import Refused

log = logging.getLogger(__name__)

TOO_MANY = "Too many sign-in attempts. Please wait a minute and try again."


def csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: say how to recover."""
    return render_template("errors/csrf.html"), 400


def not_found(error: Exception) -> ResponseReturnValue:
    """Missing and forbidden objects look the same, so ids cannot be probed."""
    return render_template("errors/404.html"), 404


def too_many_attempts(error: Exception) -> ResponseReturnValue:
    """A rate limit was reached; on the sign-in page, the form again with a clear message."""
    if request.endpoint == "main.healthz":  # asked by machines: answer in their language
        return jsonify(status="too many requests"), 429
    if request.endpoint == "auth.login":
        form = LoginForm(formdata=None, username=request.form.get("username", "")[:255])
        form.next.data = request.form.get("next", "")
        return render_template("auth/login.html", form=form, error=TOO_MANY), 429
    return render_template("errors/429.html"), 429


def refused(error: Refused) -> ResponseReturnValue:
    """A refusal no page caught: say why, with its status, rather than answer 500.

    Pages catch the refusals they expect and show them on their own form;
    this is the safety net for one that escapes a view (a stale version
    found at commit answers 409 this way).
    """
    db.session.rollback()
    return render_template("errors/refused.html", messages=error.messages), error.status


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
    app.register_error_handler(Refused, refused)
    app.register_error_handler(DirectoryUnavailable, directory_unavailable)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DataError, unstorable_input)
    app.register_error_handler(OverflowError, unstorable_input)
    app.register_error_handler(500, server_error)
