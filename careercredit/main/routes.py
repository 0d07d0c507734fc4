"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from careercredit.extensions import limiter
from careercredit.main.services import (
    database_answers,
    directory_answers,
    own_plan_count,
    sponsored_plan_count,
)
from careercredit.models import Role
from careercredit.plans.services import queue_count
from careercredit.signoff.services import awaiting_count, late_count

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def dashboard() -> ResponseReturnValue:
    """Greet the person and show what each of their roles can do."""
    roles = [role for role in Role if current_user.has_role(role)]
    counts: dict[str, int] = {}
    if current_user.has_role(Role.advisor):
        counts["queue"] = queue_count()
        counts["late"] = late_count()
    if current_user.has_role(Role.student):
        counts["my_plans"] = own_plan_count(current_user)
    if current_user.has_role(Role.faculty):
        counts["sponsored"] = sponsored_plan_count(current_user)
        counts["to_sign"] = awaiting_count(current_user)
    return render_template("main/dashboard.html", roles=roles, counts=counts)


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
