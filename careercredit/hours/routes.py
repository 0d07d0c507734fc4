"""Pages of the hours capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("hours", __name__)
