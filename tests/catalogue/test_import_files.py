"""Files that cannot be imported at all: a clear message on the upload page, nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from careercredit.catalogue import csvfile
from tests.catalogue.pages import counts, submit, text, upload

SAMPLE = (Path(__file__).parent.parent / "data" / "marketplace_projects.csv").read_bytes()
HEADER = ",".join(csvfile.COLUMNS).encode()
ROW = b"X-1,Survey,Northwind,,,,,,,20,2027-02-01,2027-03-01,open"
TOO_LARGE = "The file is larger than 2 MB. Split it into smaller files"

BAD_FILES = {
    "empty": (b"", "The file is empty."),
    "blank": (b" \r\n\r\n", "The file is empty."),
    "header only": (HEADER + b"\r\n", "The file has a header line but no projects below it."),
    "missing columns": (
        b"external_id,title,employer,hours\nX-1,Survey,Northwind,20\n",
        "missing column(s): estimated_hours, start_date, end_date; unknown column(s): hours.",
    ),
    "wrong columns": (
        b"id,name,company\n1,Survey,Northwind\n",
        "The first line must name the columns listed below",
    ),
    "twice the same column": (
        HEADER + b",title\n" + ROW + b",Survey\n",
        "The header names the column(s) title twice.",
    ),
    "semicolons": (
        HEADER.replace(b",", b";") + b"\n" + ROW.replace(b",", b";") + b"\n",
        "Columns must be separated by commas, not semicolons or tabs.",
    ),
    "latin-1": (SAMPLE.decode().encode("latin-1", "replace"), "The file is not UTF-8 text"),
    "utf-16": (SAMPLE.decode().encode("utf-16"), "The file is not UTF-8 text"),
    "binary with NUL bytes": (
        HEADER + b"\n" + ROW + b"\x00\x00\n",
        "The file contains binary data, so it is not a CSV text file.",
    ),
    "a workbook": (b"PK\x03\x04" + b"\x14\x00" * 500, "This is a spreadsheet workbook"),
    "a PNG picture": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "The file is not UTF-8 text"),
    "10 MB of junk": (b"\xde\xad\xbe\xef junk," * (10 * 1024 * 1024 // 10), TOO_LARGE),
    "just over 2 MB of CSV": (
        HEADER + b"\n" + (ROW + b"\n") * (2 * 1024 * 1024 // len(ROW)),
        TOO_LARGE,
    ),
    "too many rows": (
        HEADER + b"\n" + b"".join(ROW.replace(b"X-1", b"X-%d" % n) + b"\n" for n in range(5001)),
        "The file has more than 5000 projects.",
    ),
    "a huge cell": (
        HEADER + b'\n"' + b"x" * 200_000 + b'",Survey\n',
        "The file could not be read as CSV (line 2: a cell is longer than 131,072 characters).",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_refused_with_a_message(
    app: Flask, login_as: Callable[..., FlaskClient], case: str
):
    content, message = BAD_FILES[case]
    advisor = login_as("advisor")
    before = counts(app)
    response = upload(advisor, content)
    page = text(response)
    assert response.status_code == 422
    assert message in page
    assert "The file was not imported. Nothing was changed." in page
    assert 'enctype="multipart/form-data"' in page
    assert counts(app) == before


def test_no_file_chosen(login_as: Callable[..., FlaskClient]):
    response = submit(login_as("advisor"), "/catalogue/import", {})
    assert response.status_code == 422
    assert "Choose the CSV file to import." in text(response)


def test_a_body_above_the_app_limit_gets_the_upload_page(
    app: Flask, login_as: Callable[..., FlaskClient]
):
    advisor = login_as("advisor")
    before = counts(app)
    response = upload(advisor, b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert TOO_LARGE in text(response)
    assert counts(app) == before


@pytest.mark.parametrize(
    "content",
    [
        SAMPLE,
        b"\xef\xbb\xbf" + SAMPLE,
        SAMPLE.replace(b"\n", b"\r\n"),
        SAMPLE.replace(b"external_id,title", b" External ID , Title "),
    ],
    ids=["utf-8", "utf-8 with BOM", "CRLF line ends", "loosely written header"],
)
def test_utf8_files_with_or_without_bom_are_read(
    login_as: Callable[..., FlaskClient], content: bytes
):
    response = upload(login_as("advisor"), content)
    assert response.status_code == 200
    assert "Import 4 project(s)" in text(response)
    assert "Café Ñandú GmbH" in text(response)


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(
    login_as: Callable[..., FlaskClient],
):
    content = (
        "end_date,start_date,estimated_hours,employer,title,external_id\n"
        "2027-03-01,2027-02-01,20,Northwind,Survey of São Paulo cafés,SP-1\n"
    ).encode()
    page = text(upload(login_as("advisor"), content))
    assert "Import 1 project(s)" in page
    assert "Survey of São Paulo cafés" in page
