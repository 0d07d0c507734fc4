"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from careercredit.extensions import limiter
from careercredit.main.home import parts_for
from careercredit.main.services import database_answers, directory_answers

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def dashboard() -> ResponseReturnValue:
    """The work waiting for the person, a part per role they hold, most urgent first."""
    return render_template("main/dashboard.html", parts=parts_for(current_user))


def _healthz_limit() -> str:
    return current_app.config["HEALTHZ_RATE_LIMIT"]


@bp.get("/healthz")
@limiter.limit(_healthz_limit)
def healthz() -> ResponseReturnValue:
    """Tell a load balancer whether the database and the directory answer.

    Anyone may ask, so the directory's answer is a recent one (see
    ``directory_answers``) and each address may ask ``HEALTHZ_RATE_LIMIT`` times.
    """
    state = {
        "database": "ok" if database_answers() else "unavailable",
        "directory": "ok" if directory_answers() else "unavailable",
    }
    healthy = all(value == "ok" for value in state.values())
    return jsonify(status="ok" if healthy else "unavailable", **state), 200 if healthy else 503
