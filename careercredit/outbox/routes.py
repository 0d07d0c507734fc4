"""Pages of the outbox: what was queued and whether it went out."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outbox", __name__)
