"""The grade roll opens correctly in a spreadsheet and never runs a formula."""

from __future__ import annotations

import pytest

from careercredit.registrar.csvexport import COLUMNS, GradeRow, build_csv, neutralise, read_csv
from tests.registrar.conftest import ALICE_ID, Desk, csv_rows

HEADER = "student_id,student_name,term_code,course,section,credits,grade,action,plan_id"


def test_file_has_bom_crlf_and_the_documented_columns(desk: Desk) -> None:
    plan_id = desk.signed_off(grade="B+", credits=1)
    desk.export()
    content = desk.latest_export().content
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.endswith(b"\r\n")
    assert content.count(b"\r\n") == 2
    assert content.count(b"\n") == 2
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == HEADER == ",".join(COLUMNS)
    assert lines[1] == f"{ALICE_ID},Alice Student,2027SP,CAREER 2990,001,1,B+,post,{plan_id}"


def test_accented_names_stay_intact(desk: Desk) -> None:
    desk.signed_off(desk.other_student("José Ñúñez"))
    desk.signed_off(desk.other_student("Zoë Ødegård"))
    desk.export()
    content = desk.latest_export().content
    assert "José Ñúñez".encode() in content
    assert "Zoë Ødegård".encode() in content
    names = {row["student_name"] for row in csv_rows(content)}
    assert {"José Ñúñez", "Zoë Ødegård"} <= names


def test_names_that_look_like_formulas_are_neutralised(desk: Desk) -> None:
    equals = desk.signed_off(desk.other_student('=HYPERLINK("http://evil.example","x")'))
    at = desk.signed_off(desk.other_student("@SUM(1+1)*cmd|' /C calc'!A0"))
    desk.export()
    export = desk.latest_export()
    rows = {row["plan_id"]: row for row in csv_rows(export.content)}
    assert rows[str(equals)]["student_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[str(at)]["student_name"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    page = desk.registrar.get(f"/registrar/exports/{export.id}").get_data(as_text=True)
    assert "&#39;=HYPERLINK(&#34;http://evil.example&#34;" in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("A-", "A-"),
        ("O'Brien", "O'Brien"),
        ("", ""),
        (3, "3"),
        (None, ""),
    ],
)
def test_neutralise(value: object, expected: str) -> None:
    assert neutralise(value) == expected


def test_rows_read_back_as_written() -> None:
    row = GradeRow("1", 'Ann "Q", Jr.\nSecond line', "2027SP", "C 1", "001", "2", "A", "post", "7")
    assert read_csv(build_csv([row])) == [row]
    with pytest.raises(ValueError, match="not a CareerCredit grade roll"):
        read_csv(b"a,b\r\n1,2\r\n")
