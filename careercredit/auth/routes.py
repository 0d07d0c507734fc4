"""Sign-in and sign-out pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.auth.forms import LoginForm, LogoutForm
from careercredit.auth.ldap import DirectoryUnavailable
from careercredit.auth.lockout import Attempt, Locked
from careercredit.auth.services import SignInRefused, commit_sign_in, sign_in
from careercredit.auth.session import end_every_session, start_session
from careercredit.errors import TOO_MANY
from careercredit.extensions import db, limiter

bp = Blueprint("auth", __name__)

UNAVAILABLE = "The campus directory is unavailable, please try again shortly."


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the dashboard."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message=TOO_MANY)
def login() -> ResponseReturnValue:
    """Sign in with the campus username and password.

    Every attempt counts against the client's address (the decorator); only
    failures count against the name and the person (``lockout.py``).
    """
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("main.dashboard"))
        form.next.data = request.args.get("next", "")
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422
    username, password = form.credentials()
    attempt = Attempt.from_request(username)
    try:
        user = sign_in(username, password, attempt)
    except Locked as locked:
        db.session.rollback()  # refused before the password was tried: nothing to keep
        return _refuse(form, " ".join(locked.messages), locked.status)
    except SignInRefused as refused:
        db.session.commit()  # a refused sign-in is audited: keep its event
        return _refuse(form, " ".join(refused.messages), refused.status)
    except DirectoryUnavailable:
        db.session.rollback()  # nothing was written; the directory did not answer
        return _refuse(form, UNAVAILABLE, 503)
    commit_sign_in()
    start_session(user)
    response = redirect(safe_next(form.next.data))
    attempt.remember_device(response, user.directory_id)
    return response


def _refuse(form: LoginForm, message: str, status: int) -> ResponseReturnValue:
    form.password.data = ""
    return render_template("auth/login.html", form=form, error=message), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (a POST with a CSRF token, so no other site can sign you out)."""
    form = LogoutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            end_every_session(current_user)
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
