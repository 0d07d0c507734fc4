"""Pages of the evaluations capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evaluations", __name__)
