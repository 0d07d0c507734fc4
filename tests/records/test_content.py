"""What an official record carries, as the office sets it and a reader finds it.

Rosa Lopez (registrar) issues Alice's record through the pages; the PDF is
read back: the re-disclosure notice, the paper it is laid out on, the
certification stamp, the key to credit, and the supervisors' feedback only
where the office prints it (and Alice's consent page says so). The issuing
institution is kept on the record: renaming it in the configuration later
does not change what verification says issued it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import update

from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, RecordDocument
from careercredit.pdf import build_record
from careercredit.pdf.record import TermRecord
from careercredit.records.democa import make_demo_ca
from careercredit.records.signing import FIELD_NAME
from config import DEFAULT_REDISCLOSURE, ConfigError, read_settings
from tests.conftest import user_id
from tests.factories import Factory
from tests.pdf.sample import make_record
from tests.records.test_pages import documents_of, issue_for, page_text
from tests.records.test_signing import issue, validate

FEEDBACK = "Careful, punctual work; clear reports."
#: The pages' sizes in points: Letter is 8.5 by 11 inches, A4 210 by 297 mm.
LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)


@pytest.fixture
def desk(app: Flask, login_as, make: Factory) -> dict[str, Any]:
    """Alice with one posted credit and supervisor feedback; Rosa Lopez signed in."""
    rosa = login_as("registrar")
    alice = login_as("student")
    alice_id = user_id(app, "alice")
    term = make.term("2026FA", name="Fall 2026", hours_per_credit=40)
    make.posted_plan(alice_id, term_id=term, feedback=FEEDBACK)
    return {"rosa": rosa, "alice": alice, "alice_id": alice_id}


def issued(app: Flask, desk: dict[str, Any], **settings: Any) -> RecordDocument:
    """Issue Alice's record through Rosa's page with the office's ``settings``."""
    app.config.update(settings)
    issue_for(desk["rosa"], desk["alice_id"])
    return documents_of(app, desk["alice_id"])[-1]


def texts(pdf: bytes) -> list[str]:
    """Each page's text, runs of white space made one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def paper(pdf: bytes) -> set[tuple[float, float]]:
    """The sizes of the pages' MediaBoxes, in points rounded to two decimals."""
    boxes = (page.mediabox for page in PdfReader(io.BytesIO(pdf)).pages)
    return {(round(float(box.width), 2), round(float(box.height), 2)) for box in boxes}


# -- the re-disclosure notice -----------------------------------------------------------


def test_an_official_record_carries_the_ferpa_redisclosure_notice(
    app: Flask, desk: dict[str, Any]
) -> None:
    text = " ".join(texts(issued(app, desk).content))
    assert DEFAULT_REDISCLOSURE in text
    assert "34 CFR 99.33" in text
    assert "without the written consent of the student" in text


def test_the_office_words_the_notice_its_own_way(app: Flask, desk: dict[str, Any]) -> None:
    notice = "Not to be released to a third party without the student's written consent."
    text = " ".join(texts(issued(app, desk, RECORD_REDISCLOSURE=notice).content))
    assert notice in text
    assert "34 CFR 99.33" not in text


def test_the_students_unofficial_copy_carries_no_notice(app: Flask, desk: dict[str, Any]) -> None:
    response = desk["alice"].get("/records/mine/unofficial.pdf")
    assert response.status_code == 200
    text = " ".join(texts(response.data))
    assert "UNOFFICIAL" in text
    assert "34 CFR 99.33" not in text


# -- the paper ---------------------------------------------------------------------------


def test_a_record_is_on_letter_paper_unless_the_office_says_a4(
    app: Flask, desk: dict[str, Any]
) -> None:
    assert paper(issued(app, desk).content) == {LETTER}
    assert paper(issued(app, desk, RECORD_PAGE_SIZE="a4").content) == {A4}
    # The student's own copy is laid out on the office's paper too.
    assert paper(desk["alice"].get("/records/mine/unofficial.pdf").data) == {A4}


@pytest.mark.parametrize("value", ["A4", " letter "])
def test_the_page_size_is_read_whatever_its_case(value: str) -> None:
    settings = read_settings({"CAREERCREDIT_RECORD_PAGE_SIZE": value})
    assert settings["RECORD_PAGE_SIZE"] == value.strip().lower()


def test_an_unknown_page_size_is_refused_at_start_up() -> None:
    with pytest.raises(ConfigError, match=r"CAREERCREDIT_RECORD_PAGE_SIZE.*letter, a4.*legal"):
        read_settings({"CAREERCREDIT_RECORD_PAGE_SIZE": "legal"})


def test_a_long_record_fills_either_paper_without_losing_a_row() -> None:
    for size in ("letter", "a4"):
        pages = texts(build_record(make_record(terms=3, plans=6, page_size=size)))
        assert len(pages) >= 2
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text
        every = " ".join(pages)
        assert all(f"INT {3900 + n} Internship Practicum" in every for n in range(18))


# -- the certification stamp -------------------------------------------------------------


def test_the_certification_stamp_is_on_page_one_when_the_office_prints_it(
    app: Flask, desk: dict[str, Any]
) -> None:
    plain = issued(app, desk)
    assert "Certified by" not in " ".join(texts(plain.content))

    stamped = issued(app, desk, RECORD_STAMP=True)
    first, *rest = texts(stamped.content)
    day = re.search(r"Issued (\d{4}-\d\d-\d\d)", first)
    assert day, first
    assert "Certified by Rosa Lopez Office of the Registrar " + day.group(1) in first
    assert all("Certified by" not in text for text in rest)


def test_a_stamped_record_is_certified_and_the_stamp_shares_page_one_with_the_field(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    ca = make_demo_ca(tmp_path / "ca")
    app = make_app(SIGNING_CERT=str(ca.cert), SIGNING_KEY=str(ca.key), RECORD_STAMP=True)
    signed = issue(app)
    assert signed.signed
    assert validate(signed.content, ca.ca_cert).bottom_line
    first = PdfReader(io.BytesIO(signed.content)).pages[0]
    fields = [annot.get_object().get("/T") for annot in first.get("/Annots", [])]
    assert FIELD_NAME in fields
    assert "Certified by Rita López Office of the Registrar" in texts(signed.content)[0]


def test_an_unofficial_copy_is_never_stamped(app: Flask, desk: dict[str, Any]) -> None:
    app.config["RECORD_STAMP"] = True
    pdf = desk["alice"].get("/records/mine/unofficial.pdf").data
    assert "Certified by" not in " ".join(texts(pdf))


def test_a_long_registrar_name_stays_whole_in_the_stamp() -> None:
    name = "Maximiliane Wilhelmina Ødegård-Brzęczyszczykiewicz"
    first = texts(build_record(make_record(stamp=True, registrar_name=name)))[0]
    assert f"Certified by {name}" in first


# -- the key to credit -------------------------------------------------------------------


def test_the_record_says_what_a_credit_is(app: Flask, desk: dict[str, Any]) -> None:
    text = " ".join(texts(issued(app, desk).content))
    assert "Key to grades" in text
    assert "S satisfactory" in text
    assert "Credit: one credit stands for 40 hours of supervised work verified" in text


def test_terms_with_other_credit_rules_are_named() -> None:
    record = make_record(terms=3)
    rules = (45, 30, 45)
    terms = [
        TermRecord(t.code, t.name, t.plans, h) for t, h in zip(record.terms, rules, strict=True)
    ]
    text = " ".join(texts(build_record(replace(record, terms=terms))))
    assert (
        "Credit: one credit stands for 45 hours of supervised work verified by the supervisor "
        "in Fall 2020, Fall 2022; 30 hours in Fall 2021."
    ) in text
    assert "Key to credit" in text  # the sample plans name no grading scheme


# -- supervisors' feedback ---------------------------------------------------------------


def test_feedback_is_printed_only_where_the_office_allows_it(
    app: Flask, desk: dict[str, Any]
) -> None:
    shown = " ".join(texts(issued(app, desk).content))
    assert f"Supervisor: {FEEDBACK}" in shown
    assert "Placement and supervisor feedback" in shown

    hidden = " ".join(texts(issued(app, desk, RECORD_FEEDBACK=False).content))
    assert FEEDBACK not in hidden
    assert "supervisor feedback" not in hidden
    assert "Placement Hours Credits" in hidden

    copy = " ".join(texts(desk["alice"].get("/records/mine/unofficial.pdf").data))
    assert FEEDBACK not in copy


def consent_url(app: Flask, make: Factory) -> str:
    """Alice's consent page before her supervisor's first link goes out."""
    plan_id = make.plan(user_id(app, "alice"), state=PlanState.approved)
    with app.app_context():
        plan = db.session.get(CreditPlan, plan_id)
        assert plan is not None
        placement_id = plan.placements[0].id
    return f"/plans/{plan_id}/placements/{placement_id}/consent?purpose=final"


def consent_page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return page_text(response)


def test_the_consent_page_says_when_feedback_goes_on_the_official_record(
    app: Flask, login_as, make: Factory
) -> None:
    alice = login_as("student")
    url = consent_url(app, make)
    text = consent_page(alice, url)
    assert "A summary of their comments is also printed on your official record" in text
    assert "goes into my record, summarised on my official record, for the purpose" in text

    app.config["RECORD_FEEDBACK"] = False
    text = consent_page(alice, url)
    assert "also printed on your official record" not in text
    assert "It is not printed on your official record." in text
    assert "goes into my record, for the purpose above" in text


# -- the issuing institution -------------------------------------------------------------


def test_the_institution_is_kept_on_the_record_when_the_configuration_changes(
    app: Flask, client: FlaskClient, desk: dict[str, Any]
) -> None:
    document = issued(
        app,
        desk,
        INSTITUTION_NAME="Northfield State University",
        INSTITUTION_ADDRESS=("Office of the Registrar", "1 College Green, Northfield"),
    )
    assert "Northfield State University" in texts(document.content)[0]
    app.config["INSTITUTION_NAME"] = "Northfield University of Technology"
    app.config["INSTITUTION_ADDRESS"] = ("Registry", "9 Harbour Road, Northfield")

    verify = page_text(client.get(f"/verify/{document.code}"))
    assert "Issuing institution Northfield State University" in verify
    assert "Technology" not in verify

    own = page_text(desk["rosa"].get(f"/records/documents/{document.id}"))
    assert "Issuing institution Northfield State University" in own
    assert "1 College Green, Northfield" in own
    assert "Technology" not in own
    assert "Harbour Road" not in own


def test_a_record_issued_before_the_institution_was_kept_shows_the_configured_one(
    app: Flask, client: FlaskClient, desk: dict[str, Any]
) -> None:
    document = issued(app, desk)
    with app.app_context():
        # As the migration leaves records issued before it (an issued record never changes
        # through the models, so the columns are emptied as the database would hold them).
        db.session.execute(
            update(RecordDocument)
            .where(RecordDocument.id == document.id)
            .values(institution_name=None, institution_address=None)
        )
        db.session.commit()
    app.config["INSTITUTION_NAME"] = "Northfield University of Technology"
    verify = page_text(client.get(f"/verify/{document.code}"))
    assert "Issuing institution Northfield University of Technology" in verify
    assert "This record is valid" in verify


def test_what_is_kept_is_what_the_record_printed(app: Flask, desk: dict[str, Any]) -> None:
    document = issued(app, desk)
    assert document.institution_name == app.config["INSTITUTION_NAME"]
    assert document.institution_address == list(app.config["INSTITUTION_ADDRESS"])
    first = texts(document.content)[0]
    assert all(line in first for line in [document.institution_name, *document.institution_address])
