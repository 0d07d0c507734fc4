"""SIS profiles: each profile's file for a fixed set of plans equals its sample in tests/data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from careercredit.registrar.csvexport import GradeRow, build_csv, read_csv
from careercredit.registrar.profiles import (
    PROFILES,
    banner_term,
    colleague_term,
    peoplesoft_term,
    profile_named,
)

DATA = Path(__file__).resolve().parents[1] / "data"

#: Three plans of 2027SP: a letter grade posted, a failing grade, and an amended grade.
ROWS = [
    GradeRow(
        student_id="900100001",
        student_name="Alice Student",
        term_code="2027SP",
        course="CAREER 2990",
        section="001",
        credits="2",
        grade="A-",
        action="post",
        plan_id="11",
        subject="CAREER",
        course_number="2990",
        class_number="41237",
        grading_basis="letter",
        instructor="fkim",
    ),
    GradeRow(
        student_id="900100002",
        student_name="Bea Second",
        term_code="2027SP",
        course="CAREER 2990",
        section="001",
        credits="0",
        grade="F",
        action="post",
        plan_id="12",
        subject="CAREER",
        course_number="2990",
        class_number="41237",
        grading_basis="letter",
        instructor="fkim",
        last_attended="2027-03-02",
    ),
    GradeRow(
        student_id="900100003",
        student_name="Zoë Ångström",
        term_code="2027SP",
        course="CAREER 2990",
        section="001",
        credits="3",
        grade="B+",
        action="amend",
        plan_id="9",
        subject="CAREER",
        course_number="2990",
        class_number="41237",
        grading_basis="letter",
        instructor="fkim",
        previous_grade="B",
        previous_credits="2",
        reason_code="CORR",
        effective_date="2027-06-01",
    ),
]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_each_profiles_file_equals_its_sample(name: str) -> None:
    sample = (DATA / f"grades_{name}.csv").read_bytes()
    assert profile_named(name).build(ROWS) == sample


def test_the_generic_profile_is_the_original_file() -> None:
    content = profile_named("generic").build(ROWS)
    assert content == build_csv(ROWS)
    assert content.startswith(b"\xef\xbb\xbfstudent_id,student_name,term_code,course,section,")
    assert [row.plan_id for row in read_csv(content)] == ["11", "12", "9"]


def test_sis_files_have_no_byte_order_mark_and_crlf_lines() -> None:
    for name in ("banner", "peoplesoft", "colleague"):
        content = profile_named(name).build(ROWS)
        assert not content.startswith(b"\xef\xbb\xbf")
        assert content.count(b"\r\n") == len(ROWS) + 1


@pytest.mark.parametrize(
    ("code", "banner", "peoplesoft", "colleague"),
    [
        ("2027SP", "202710", "2272", "2027/SP"),
        ("2027SU", "202720", "2275", "2027/SU"),
        ("2026FA", "202630", "2268", "2026/FA"),
        ("2027WI", "202740", "2270", "2027/WI"),
        ("T001", "T001", "T001", "T001"),
    ],
)
def test_term_codes(code: str, banner: str, peoplesoft: str, colleague: str) -> None:
    assert (banner_term(code), peoplesoft_term(code), colleague_term(code)) == (
        banner,
        peoplesoft,
        colleague,
    )


def test_an_unknown_profile_names_the_choices() -> None:
    with pytest.raises(ValueError, match="generic, banner, peoplesoft, colleague"):
        profile_named("workday")


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_error_reports_are_read_by_the_profiles_columns(name: str) -> None:
    profile = profile_named(name)
    report = f"{profile.error_id},{profile.error_reason}\r\n900100002,Bad grade\r\n".encode()
    assert profile.read_errors(report) == [("900100002", "Bad grade")]
    with pytest.raises(ValueError, match=profile.error_id):
        profile.read_errors(b"who,why\r\n900100002,x\r\n")
