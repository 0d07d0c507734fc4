"""A refusal that escapes a view is a page saying why, with its status: never a 500."""

from __future__ import annotations

from flask import Flask

from careercredit.refusals import STALE_MESSAGE, Refused, Stale


def test_an_escaped_refusal_shows_its_messages_with_its_status(app: Flask) -> None:
    @app.get("/test-only/refused")
    def refuse() -> str:
        raise Refused("Choose a grade.", problems={"credits": "Award 1 to 3 credits."})

    response = app.test_client().get("/test-only/refused")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a grade." in page
    assert "Award 1 to 3 credits." in page
    assert 'role="alert"' in page


def test_an_escaped_stale_version_answers_409(app: Flask) -> None:
    @app.get("/test-only/stale")
    def stale() -> str:
        raise Stale

    response = app.test_client().get("/test-only/stale")
    assert response.status_code == 409
    assert STALE_MESSAGE in response.get_data(as_text=True)
