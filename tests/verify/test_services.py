"""Reading codes as visitors type them, and finding the record without its bytes."""

from __future__ import annotations

import pytest
from flask import Flask

from careercredit.extensions import db
from careercredit.verify.services import canonical_code, find_document
from tests.verify.conftest import Issued


@pytest.mark.parametrize(
    "typed",
    [
        "CC-7Q4M-2XKD-9PMA-H3TW",
        " cc-7q4m-2xkd-9pma-h3tw ",
        "CC 7Q4M 2XKD 9PMA H3TW",
        "7Q4M2XKD9PMAH3TW",
        "CC-7Q4M-2XKD-9PMA-H3TW".replace("-", " - "),
    ],
)
def test_a_code_is_read_whatever_the_case_and_spacing(typed: str) -> None:
    assert canonical_code(typed) == "CC-7Q4M-2XKD-9PMA-H3TW"


def test_letters_misread_as_digits_are_read_as_digits() -> None:
    assert canonical_code("CC-O0IL-0000-0000-0000") == "CC-0011-0000-0000-0000"


@pytest.mark.parametrize(
    "typed",
    ["", "CC", "CC-7Q4M-2XKD-9PMA", "CC-7Q4M-2XKD-9PMA-H3TWX", "CC-7Q4M-2XKD-9PMA-H3TU", "<b>"],
)
def test_what_cannot_be_a_code_is_refused(typed: str) -> None:
    assert canonical_code(typed) is None


def test_finding_a_record_leaves_its_bytes_in_the_database(app: Flask, issued: Issued) -> None:
    with app.app_context():
        document = find_document(issued.code.lower())
        assert document is not None
        assert document.id == issued.document_id
        assert "content" in db.inspect(document).unloaded
        assert find_document("CC-0000-0000-0000-0000") is None
