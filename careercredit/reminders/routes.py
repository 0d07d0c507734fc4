"""Pages of the reminders capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reminders", __name__)
