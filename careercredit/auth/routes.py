"""Sign-in and sign-out pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.auth.forms import LoginForm, LogoutForm
from careercredit.auth.ldap import DirectoryUnavailable, InvalidCredentials, normalize_username
from careercredit.auth.services import NoRole, sign_in
from careercredit.auth.session import end_every_session, start_session
from careercredit.extensions import db, limiter

bp = Blueprint("auth", __name__)

INVALID = "Invalid username or password."
NO_ROLE = (
    "Your campus account has no CareerCredit role. If you should have access, "
    "ask career services to add you to the right directory group."
)
UNAVAILABLE = "The campus directory is unavailable, please try again shortly."
TOO_MANY = "Too many sign-in attempts. Please wait a minute and try again."


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    return "username:" + normalize_username(request.form.get("username", ""))[:255]


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
@limiter.limit(_login_limit, key_func=_username_key, methods=["POST"], error_message=TOO_MANY)
def login() -> ResponseReturnValue:
    """Sign in with the campus username and password."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("main.dashboard"))
        form.next.data = request.args.get("next", "")
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422
    try:
        user = sign_in(form.username.data, form.password.data)
    except InvalidCredentials:
        db.session.commit()  # keep the audit event of the failure
        return _refuse(form, INVALID, 422)
    except NoRole:
        db.session.commit()
        return _refuse(form, NO_ROLE, 403)
    except DirectoryUnavailable:
        db.session.rollback()
        return _refuse(form, UNAVAILABLE, 503)
    db.session.commit()
    start_session(user)
    return redirect(safe_next(form.next.data))


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


def too_many_attempts(error: Exception) -> ResponseReturnValue:
    """Answer a rate-limited sign-in with the form and a clear message."""
    if request.endpoint == "auth.login":
        form = LoginForm(formdata=None, username=request.form.get("username", "")[:255])
        form.next.data = request.form.get("next", "")
        return render_template("auth/login.html", form=form, error=TOO_MANY), 429
    return render_template("errors/429.html"), 429
