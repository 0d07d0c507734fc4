"""Pages of the supervisors capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervisors", __name__)
