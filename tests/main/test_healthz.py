"""The load balancer's health check."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from careercredit.demo.directory import CampusDirectory


def test_healthy_when_database_and_directory_answer(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "directory": "ok"}


def test_unhealthy_when_directory_is_down(
    make_app: Callable[..., Flask], private_campus: CampusDirectory
) -> None:
    client = make_app(private_campus).test_client()
    private_campus.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "ok", "directory": "unavailable"}


def test_unhealthy_when_database_is_unreachable(make_app: Callable[..., Flask], tmp_path) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"
