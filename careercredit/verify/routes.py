"""The public verification page: anyone holding a record's code may check it."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.get("/<code>")
def show(code: str) -> ResponseReturnValue:
    """Say whether ``code`` matches an issued, unrevoked record (to be built)."""
    return "", 404
