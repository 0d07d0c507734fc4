"""Credentials on the registrar's desk: the app signs badges with a fresh Ed25519 key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from careercredit.badges.keys import make_demo_key
from tests.registrar.conftest import Desk, desk  # noqa: F401  (the registrar's desk fixture)

BASE_URL = "https://careercredit.university.example"


@pytest.fixture
def app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """The app with a badge key and an HTTPS base URL (its did:web)."""
    key = make_demo_key(tmp_path / "badge.key")
    return make_app(BADGE_KEY=str(key), BASE_URL=BASE_URL)


@pytest.fixture
def fetch(desk: Desk) -> Callable[[str], bytes]:  # noqa: F811
    """What a verifier downloads from the institution's site: answered by the app itself."""
    anonymous = desk.app.test_client()

    def download(url: str, *args: Any, **kwargs: Any) -> bytes:
        assert url.startswith(BASE_URL + "/"), url
        response = anonymous.get(url.removeprefix(BASE_URL))
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data()

    return download
