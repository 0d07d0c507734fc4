"""Pages of the signoff capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("signoff", __name__)
