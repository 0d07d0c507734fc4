"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from careercredit.auth.ldap import DirectoryUnavailable
from careercredit.auth.services import directory
from careercredit.extensions import db, limiter
from careercredit.models import CreditPlan, Role
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
        counts["my_plans"] = _count(CreditPlan.student_id == current_user.id)
    if current_user.has_role(Role.faculty):
        counts["sponsored"] = _count(CreditPlan.sponsor_id == current_user.id)
        counts["to_sign"] = awaiting_count(current_user)
    return render_template("main/dashboard.html", roles=roles, counts=counts)


def _count(condition: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(CreditPlan).where(condition)) or 0


@bp.get("/healthz")
@limiter.exempt
def healthz() -> ResponseReturnValue:
    """Tell a load balancer whether the database and the directory answer."""
    state = {"database": "ok", "directory": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        state["database"] = "unavailable"
    try:
        directory().ping()
    except DirectoryUnavailable:
        state["directory"] = "unavailable"
    healthy = all(value == "ok" for value in state.values())
    return jsonify(status="ok" if healthy else "unavailable", **state), 200 if healthy else 503
