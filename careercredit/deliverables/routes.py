"""Pages of the deliverables capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("deliverables", __name__)
