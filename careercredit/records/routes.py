"""Official records: students' unofficial copies and requests; registrars issue and revoke."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records")


@bp.get("/mine")
def mine() -> str:
    """The student's records page (to be built)."""
    return ""


@bp.get("/documents/<int:document_id>")
def document(document_id: int) -> str:
    """One issued document (to be built)."""
    return ""
