"""The bench's floors: the layout page, the SQL of a request replayed raw, the directory alone."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import ldap
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from careercredit.auth.ldap import DirectorySettings
from careercredit.bench import floors
from careercredit.bench.floors import COMMIT
from careercredit.bench.pages import ENV, FLOOR_PATH, HEADER, LAYOUT_PATH
from tests.conftest import PASSWORD, PEOPLE, login, user_id
from tests.factories import Factory


@pytest.fixture
def captures(tmp_path: Path) -> Path:
    """Where the bench's app records requests' SQL."""
    return tmp_path / "captures"


@pytest.fixture
def bench_app(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, captures: Path
) -> Flask:
    """The app as ``make bench`` serves it: with the floor hooks, recording into ``captures``."""
    monkeypatch.setenv(ENV, str(captures))
    return make_app()


def signed_in(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, PEOPLE[role]).status_code == 302
    return client


def session_data(client: FlaskClient) -> str:
    """The session cookie's data, without its time stamp and signature."""
    cookie = client.get_cookie("careercredit_session")
    assert cookie is not None
    return cookie.value.rsplit(".", 2)[0]


def test_the_layout_page_is_the_signed_in_layout_around_nothing(bench_app: Flask) -> None:
    page = signed_in(bench_app, "student").get(LAYOUT_PATH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Alice" in html
    assert "Sign out" in html
    assert "<main" in html


def test_the_layout_page_answers_the_signed_out_too(bench_app: Flask) -> None:
    page = bench_app.test_client().get(LAYOUT_PATH)
    assert page.status_code == 200
    assert "Sign out" not in page.get_data(as_text=True)


def test_outside_the_bench_there_is_no_layout_page_and_nothing_is_recorded(
    app: Flask, captures: Path
) -> None:
    client = signed_in(app, "student")
    assert client.get(LAYOUT_PATH).status_code == 404
    assert client.get(FLOOR_PATH + "plans").status_code == 404
    assert client.get("/plans/", headers={HEADER: "plans"}).status_code == 200
    assert not captures.exists()


def test_a_page_s_sql_replays_through_the_raw_driver_and_its_rows_fill_a_table(
    bench_app: Flask, database_url: str, captures: Path, make: Factory
) -> None:
    client = signed_in(bench_app, "student")
    make.plan(user_id(bench_app, "alice"), objectives="Build a survey of campus wells")
    assert client.get("/plans/", headers={HEADER: "plans"}).status_code == 200

    capture = floors.read_capture(captures / "plans.pickle")
    sql = floors.sql_floor(database_url, capture, budget=0.05)
    assert sql.statements >= 2  # the person with their roles, then the plans
    assert sql.rows >= 2
    table = floors.render_table(sql.results)
    assert table.startswith("<table><tr><td>")
    assert "<td>alice</td>" in table
    assert "<td>Build a survey of campus wells</td>" in table


def test_a_sign_in_is_recorded_with_its_commit(
    bench_app: Flask, database_url: str, captures: Path
) -> None:
    signed_in(bench_app, "student")  # the bench's people have signed in before
    client = bench_app.test_client()
    response = login(client, "alice", headers={HEADER: "sign-in"})
    assert response.status_code == 302

    capture = floors.read_capture(captures / "sign-in.pickle")
    assert COMMIT in capture
    assert floors.sql_floor(database_url, capture, budget=0.05).statements >= 2


@pytest.fixture
def recorded(bench_app: Flask, make: Factory) -> FlaskClient:
    """A student's client, after their plans page (a plan "Map the <campus> wells") was recorded."""
    client = signed_in(bench_app, "student")
    make.plan(user_id(bench_app, "alice"), objectives="Map the <campus> wells")
    assert client.get("/plans/", headers={HEADER: "plans"}).status_code == 200
    return client


def test_the_floor_page_shows_the_recorded_rows_in_the_layout(
    recorded: FlaskClient, captures: Path
) -> None:
    floor = recorded.get(FLOOR_PATH + "plans")

    assert floor.status_code == 200
    html = floor.get_data(as_text=True)
    assert "Sign out" in html  # the signed-in layout …
    assert "<td>Map the &lt;campus&gt; wells</td>" in html  # … around the page's rows, escaped
    assert not list(captures.glob("plans-*"))  # serving the floor records nothing more


def test_the_floor_of_a_pdf_is_a_pdf_of_the_recorded_rows(recorded: FlaskClient) -> None:
    floor = recorded.get(FLOOR_PATH + "plans?as=pdf")

    assert floor.status_code == 200
    assert floor.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(floor.data))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Map the <campus> wells" in text  # the page's rows, as a plain table
    fonts = {
        str(font["/BaseFont"])
        for page in pdf.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in font for font in fonts), fonts  # the records' font, embedded


def test_the_floor_of_a_sign_in_binds_as_the_person_and_redirects(bench_app: Flask) -> None:
    signed_in(bench_app, "student")
    assert login(bench_app.test_client(), "alice", headers={HEADER: "sign-in"}).status_code == 302
    client = bench_app.test_client()

    right = client.post(FLOOR_PATH + "sign-in", data={"username": "alice", "password": PASSWORD})
    wrong = client.post(FLOOR_PATH + "sign-in", data={"username": "alice", "password": "nope"})

    assert right.status_code == 302
    assert wrong.status_code == 401


def test_a_floor_page_of_nothing_recorded_is_not_found(bench_app: Flask) -> None:
    client = signed_in(bench_app, "student")
    assert client.get(FLOOR_PATH + "never-recorded").status_code == 404
    assert client.get(FLOOR_PATH + "x.pickle").status_code == 404


@pytest.mark.parametrize("name", ["../escape", "", "a" * 65, "x.pickle"])
def test_a_header_that_names_no_plain_file_records_nothing(
    bench_app: Flask, captures: Path, name: str
) -> None:
    client = signed_in(bench_app, "student")
    assert client.get("/plans/", headers={HEADER: name}).status_code == 200
    assert not list(captures.iterdir())
    assert not list(captures.parent.glob("*.pickle"))


def test_after_one_page_the_cookie_holds_what_the_next_pages_need(bench_app: Flask) -> None:
    """What the bench replays: the cookie a browser holds after its first page."""
    client = signed_in(bench_app, "advisor")
    client.get(LAYOUT_PATH)
    kept = session_data(client)
    for path in ("/", "/plans/queue", LAYOUT_PATH):
        assert client.get(path).status_code == 200
        assert session_data(client) == kept, path


def test_the_directory_part_of_a_sign_in_alone(app: Flask) -> None:
    settings = DirectorySettings.from_config(app.config)
    floors.sign_in_directory(settings, "alice", PASSWORD)
    with pytest.raises(ldap.INVALID_CREDENTIALS):
        floors.sign_in_directory(settings, "alice", "wrong password")


def test_a_floor_adds_up_its_parts() -> None:
    page = {"sql_ms": 1.25, "table_ms": 0.5, "layout_ms": 2.0}
    assert floors.floor_ms(page) == 3.75
    assert floors.floor_ms({"sql_ms": 4.0, "directory_ms": 3.0}) == 7.0
