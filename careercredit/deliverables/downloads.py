"""Handing a stored deliverable to a browser: always as an attachment, never shown inline.

The student's, staff's and the supervisor's downloads all answer with this
one response, whichever blueprint serves the page.
"""

from __future__ import annotations

from flask import Response, abort, send_file

from careercredit.deliverables.files import TYPES, download_name
from careercredit.deliverables.storage import upload_storage
from careercredit.models import Deliverable


def send_deliverable(row: Deliverable) -> Response:
    """The stored file as an attachment with its sniffed type; 404 if no file is stored."""
    storage = upload_storage()
    if row.storage_key is None or not storage.exists(row.storage_key):
        abort(404)
    content_type = row.content_type if row.content_type in TYPES else "application/octet-stream"
    response = send_file(
        storage.open(row.storage_key),
        mimetype=content_type,
        as_attachment=True,
        download_name=download_name(row.original_name or "deliverable", row.content_type),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
