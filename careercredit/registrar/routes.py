"""Pages of the registrar capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registrar", __name__)
