"""Session lifetimes and the periodic re-check of roles, applied before each request."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from careercredit.auth.ldap import DirectoryUnavailable
from careercredit.auth.services import refresh_roles, roles_due_for_check
from careercredit.extensions import db
from careercredit.models import User
from careercredit.refusals import unit_of_work

#: The "last seen" stamp is rewritten at most once a minute (and at least ten times per
#: idle period): a rewrite changes the cookie, which is otherwise sent only when it changes
#: (``SESSION_REFRESH_EACH_REQUEST`` is off). A stale stamp only ends a session early.
_SEEN_RESOLUTION = 60
_EXEMPT_ENDPOINTS = {"static", "main.healthz", "auth.login"}


def start_session(user: User) -> None:
    """Sign ``user`` in with a brand-new session (no value of the old one survives)."""
    session.clear()
    login_user(user)
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now
    session["epoch"] = user.session_epoch
    session.permanent = True


def end_session() -> None:
    """Sign out and forget everything in the session."""
    logout_user()
    session.clear()


def end_every_session(user: User) -> None:
    """Sign out here and end every other session of ``user`` (a copied cookie included)."""
    user.session_epoch += 1
    db.session.commit()
    end_session()


def enforce_session() -> ResponseReturnValue | None:
    """Expire idle or old sessions and re-check roles that are due."""
    if request.endpoint in _EXEMPT_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.config["SESSION_MAX_HOURS"] * 3600
    if session.get("epoch") != current_user.session_epoch:
        end_session()
        flash("You signed out, so this session has ended. Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    if now - session.get("seen_at", 0) > idle or now - session.get("login_at", 0) > lifetime:
        end_session()
        flash("Your session expired. Please sign in again.", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if now - session.get("seen_at", 0) >= min(_SEEN_RESOLUTION, idle / 10):
        session["seen_at"] = now
    if roles_due_for_check(current_user):
        return _recheck_roles(current_user)
    return None


def _recheck_roles(user: User) -> ResponseReturnValue | None:
    try:
        with unit_of_work():
            still_allowed = refresh_roles(user)
    except DirectoryUnavailable:
        return render_template("errors/directory.html"), 503
    if still_allowed:
        return None
    end_session()
    flash(
        "Your CareerCredit access has been removed in the campus directory. "
        "If this is a mistake, contact career services.",
        "error",
    )
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    """Run the session checks before every request of ``app``."""
    app.before_request(enforce_session)
