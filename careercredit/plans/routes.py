"""Pages of credit plans: the student's agreement and the advisors' review."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__)
