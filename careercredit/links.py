"""Absolute addresses for e-mail, PDFs and QR codes, built from ``BASE_URL``."""

from __future__ import annotations

from typing import Any

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """Return ``BASE_URL`` followed by the path of ``endpoint``; works outside requests too."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)
