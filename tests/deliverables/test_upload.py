"""The student adds deliverables: what is kept, and every upload that is refused."""

from __future__ import annotations

import hashlib
import html
import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from careercredit.deliverables.files import DOCX
from careercredit.models import DeliverableStatus, PlanState
from tests.conftest import csrf_token
from tests.deliverables.conftest import ELF, MZ, PDF, PNG, Case, docx, plain_zip


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        ("notes.docx", docx(), DOCX),
        ("archive.zip", plain_zip(), "application/zip"),
    ],
)
def test_a_file_is_stored_under_a_random_name_with_its_sniffed_type(
    case: Case, name: str, data: bytes, content_type: str
) -> None:
    response = case.upload(name, data, description="The report for the client.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#deliverables-{case.placement_id}")
    row = case.deliverable()
    assert (row.title, row.description, row.version) == (
        "Final report",
        "The report for the client.",
        1,
    )
    assert row.status == DeliverableStatus.submitted
    assert row.original_name == name
    assert row.size_bytes == len(data)
    assert row.content_type == content_type
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert case.stored() == [row.storage_key]
    assert name not in row.storage_key
    assert len(row.storage_key) == 64
    assert (case.upload_dir / row.storage_key).read_bytes() == data
    page = page_text(case.student.get(case.plan_page))
    assert "Final report" in page
    assert name in page
    assert "Waiting for the supervisor" in page


def test_a_link_instead_of_a_file(case: Case) -> None:
    response = case.upload(None, link="https://example.org/portfolio/final")
    assert response.status_code == 302
    row = case.deliverable()
    assert row.link_url == "https://example.org/portfolio/final"
    assert row.storage_key is None
    assert case.stored() == []
    assert 'href="https://example.org/portfolio/final"' in case.student.get(
        case.plan_page
    ).get_data(as_text=True)


def test_a_name_with_folders_and_control_characters_is_cleaned(case: Case) -> None:
    assert case.upload("..\\..\\secret/Fin\x01al\x7f ré.pdf").status_code == 302
    assert case.deliverable().original_name == "Final ré.pdf"


def refused(case: Case, response, field_message: str) -> str:
    """Assert the form came back with the message, the typed text kept and nothing stored."""
    assert response.status_code == 422
    page = page_text(response)
    assert field_message in page
    assert 'value="Final report"' in page
    assert "What I typed stays." in page
    assert case.rows() == 0
    assert case.stored() == []
    return page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "The file is empty."),
        ("program.pdf", ELF, "This kind of file cannot be uploaded."),
        ("setup.pdf", MZ, "This kind of file cannot be uploaded."),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "cannot be uploaded"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 40, "cannot be uploaded"),
        ("../\x01\x02/", PDF, "The file's name has no usable characters."),
        ("\x01\x02.", PDF, "The file's name has no usable characters."),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    case: Case, name: str, data: bytes, message: str
) -> None:
    response = case.upload(name, data, description="What I typed stays.")
    refused(case, response, message)


def test_a_file_over_the_limit_is_refused(case: Case) -> None:
    case.app.config["UPLOAD_MAX_MB"] = 1
    big = PDF + b"0" * (1024 * 1024 + 512 * 1024)
    # Encoded in memory: the test client would spool a body this large to an unclosed file.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(case.student, case.new_url),
            "title": "Final report",
            "description": "What I typed stays.",
            "file": FileStorage(io.BytesIO(big), "big.pdf"),
        }
    )
    response = case.student.post(
        case.new_url,
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    refused(case, response, "The file is larger than 1 MB.")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Give the deliverable a title."),
        ({"link": "javascript:alert(1)"}, "Enter a full web address starting with https://"),
        ({"link": "ftp://example.org/x"}, "Enter a full web address starting with https://"),
        ({"link": "https://"}, "Enter a full web address starting with https://"),
    ],
)
def test_bad_fields_are_refused(case: Case, fields: dict[str, str], message: str) -> None:
    response = case.upload(None, description="What I typed stays.", **fields)
    assert response.status_code == 422
    assert message in page_text(response)
    assert "What I typed stays." in page_text(response)
    assert case.rows() == 0


def test_neither_or_both_file_and_link(case: Case) -> None:
    neither = case.upload(None, description="What I typed stays.")
    refused(case, neither, "Choose a file to upload, or give a link instead.")
    both = case.upload("r.pdf", link="https://example.org/x", description="What I typed stays.")
    refused(case, both, "Upload a file or give a link, not both.")


def test_an_upload_that_breaks_off_answers_a_message_and_stores_nothing(case: Case) -> None:
    token = csrf_token(case.student, case.new_url)
    boundary = "----cutoff"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\n'
        "Final report\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="report.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF
    response = case.student.post(
        case.new_url,
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        environ_overrides={"CONTENT_LENGTH": str(len(body) + 4000)},
    )
    assert response.status_code == 400
    assert "The upload broke off before the whole file arrived" in page_text(response)
    assert case.rows() == 0
    assert case.stored() == []


@pytest.mark.parametrize(
    "state", [PlanState.draft, PlanState.submitted, PlanState.awaiting_signoff]
)
def test_only_approved_and_in_progress_plans_take_deliverables(case: Case, state) -> None:
    from careercredit.extensions import db
    from careercredit.models import CreditPlan

    with case.app.app_context():
        db.session.get(CreditPlan, case.plan_id).state = state
        db.session.commit()
    assert "Add a deliverable" not in case.student.get(case.plan_page).get_data(as_text=True)
    response = case.upload()
    assert response.status_code == 422
    assert "deliverables can be added only while it is approved or in progress" in page_text(
        response
    )
    assert case.rows() == 0
    assert case.stored() == []
