"""Pages of the catalogue capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalogue", __name__)
