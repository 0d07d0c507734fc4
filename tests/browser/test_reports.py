"""The reports in Chromium on the demo campus: every view passes axe-core, the numbers are
in a table beneath each chart, and a chart's CSV file downloads with the same numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from careercredit.auth.services import directory
from careercredit.demo.__main__ import DEMO_PASSWORD, start_demo_directory
from careercredit.demo.directory import CampusDirectory
from careercredit.demo.seed import seed_demo
from careercredit.reports.views import VIEWS
from config import read_settings

#: A registrar of the demo campus.
REGISTRAR = "mlindqvist"


@pytest.fixture(scope="module")
def demo_campus() -> Iterator[tuple[CampusDirectory, dict[str, str]]]:
    campus, settings = start_demo_directory()
    yield campus, settings
    campus.stop()


def test_a_registrar_reads_the_reports_of_the_demo_campus(serve, people, demo_campus) -> None:
    campus, settings = demo_campus
    ldap = {k: v for k, v in read_settings(settings).items() if k.startswith("LDAP_")}
    server = serve(campus, **ldap)
    with server.app.app_context():
        assert seed_demo(directory()) is not None
    registrar = people(server, "registrar")
    registrar.sign_in(REGISTRAR, DEMO_PASSWORD)

    registrar.follow("Reports")
    assert registrar.path == "/reports/"
    assert registrar.page.get_by_role("heading", level=1).inner_text() == "Reports: Plans"
    chart = registrar.page.get_by_role("img", name="Plans by state, per term")
    assert "how many credit plans are in each state" in chart.locator("desc").text_content()
    table = registrar.page.locator("#table-states")
    assert not table.is_visible()  # collapsed beneath the chart until asked for
    registrar.page.locator("section:has(#table-states) summary").click()
    assert table.is_visible()
    rows = [
        [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        for row in table.locator("tr").all()
    ]
    assert rows[0][:3] == ["Term", "Draft", "Under review"]
    assert len(rows) > 1
    registrar.screenshot("reports", until="#table-states")

    with registrar.page.expect_download() as download:
        registrar.page.get_by_role("link", name="Download CSV of Plans by state, per term").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(content))) == rows

    # On paper every table is printed open beneath its chart, and the menus are left out.
    funnel = registrar.page.locator("#table-funnel")
    assert not funnel.is_visible()
    registrar.page.emulate_media(media="print")
    assert funnel.is_visible()
    assert not registrar.page.locator(".site-header").is_visible()
    registrar.page.emulate_media(media="screen")

    for view in VIEWS.values():
        registrar.follow(view.title)  # each view audited by axe-core on arrival
        assert registrar.page.get_by_role("heading", level=1).inner_text() == (
            f"Reports: {view.title}"
        )
    assert {"/reports/"} <= set(registrar.auditor.audited)
