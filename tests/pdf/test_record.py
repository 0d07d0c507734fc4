"""The official record read back as a user would: text, metadata, fonts, pages and QR code."""

import io
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from careercredit.pdf import Institution, RecordData, build_record
from tests.pdf.sample import CODE, ISSUED_AT, URL, make_record

HEADINGS = "Placement and supervisor feedback"


def page_texts(pdf: bytes) -> list[str]:
    """Return the extracted text of every page, runs of white space made one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    """A record of one term whose table runs over three pages or more."""
    return build_record(make_record(terms=1, plans=24))


@pytest.fixture(scope="module")
def many_terms_pdf() -> bytes:
    return build_record(make_record(terms=4, plans=5))


def test_unicode_names_are_in_the_text(many_terms_pdf):
    text = "\n".join(page_texts(many_terms_pdf))
    assert "José Ñúñez" in text
    assert "Zoë Ødegård" in text
    assert "Universitat de Ñuble & Åland" in text


def test_every_page_says_page_x_of_y(many_terms_pdf):
    texts = page_texts(many_terms_pdf)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


def test_every_page_carries_the_verification_code_and_url(many_terms_pdf):
    for text in page_texts(many_terms_pdf):
        assert CODE in text
        assert URL in text


def test_totals_and_certification_are_printed(many_terms_pdf):
    record = make_record(terms=4, plans=5)
    text = page_texts(many_terms_pdf)[-1]
    assert record.credits == 60
    assert record.hours == Decimal("972.5")
    assert "Total credits 60" in text
    assert "Total verified hours 972.5" in text
    assert "Zoë Ødegård, Registrar" in text


def test_metadata(many_terms_pdf):
    reader = PdfReader(io.BytesIO(many_terms_pdf))
    meta = reader.metadata
    assert meta.title == "Official record of José Ñúñez"
    assert meta.author == "Universitat de Ñuble & Åland"
    assert "S-20231234" in meta.subject
    assert meta.creation_date_raw.startswith("D:20250630140500")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def fonts_of(pdf: bytes) -> dict[str, object]:
    """Return every font dictionary used by any page, by base font name."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for part in font.get("/DescendantFonts", [font]):
                part = part.get_object()
                fonts[part["/BaseFont"]] = part
    return fonts


@pytest.mark.parametrize("unofficial", [False, True])
def test_every_font_is_embedded_dejavu(unofficial):
    fonts = fonts_of(build_record(make_record(terms=1, unofficial=unofficial)))
    assert fonts
    for name, font in fonts.items():
        assert "DejaVuSans" in name
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_table_headings_repeat_on_every_page_the_table_continues(long_pdf):
    pages_with_plans = [text for text in page_texts(long_pdf) if "INT 39" in text]
    assert len(pages_with_plans) >= 3
    for text in pages_with_plans:
        assert HEADINGS in text
        assert "Fall 2020 (2020FA)" in text


def test_same_input_gives_the_same_bytes():
    assert build_record(make_record(terms=2)) == build_record(make_record(terms=2))


def test_another_issue_time_gives_other_bytes():
    later = ISSUED_AT + timedelta(minutes=1)
    assert build_record(make_record()) != build_record(make_record(issued_at=later))


def test_unofficial_copy_is_marked_and_cannot_be_verified(tmp_path):
    pdf = build_record(make_record(terms=3, plans=5, unofficial=True))
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for text in texts:
        assert "UNOFFICIAL" in text
        assert CODE not in text
        assert URL not in text
    assert PdfReader(io.BytesIO(pdf)).metadata.title.startswith("Unofficial copy")
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        assert decode_qr(pdf, tmp_path) == ""


def test_official_record_needs_a_verification_code():
    with pytest.raises(ValueError, match="verification code"):
        make_record(verification_code="")


def test_markup_in_names_is_printed_literally():
    record = make_record(institution=Institution("Smith & <Jones> College"))
    assert "Smith & <Jones> College" in page_texts(build_record(record))[0]


def test_logo_is_drawn(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (60, 40), "navy").save(logo)
    record = make_record(institution=Institution("Logo College", ("Main St",), logo))
    page = PdfReader(io.BytesIO(build_record(record))).pages[0]
    assert len(page.images) == 1


def decode_qr(pdf: bytes, directory: Path) -> str:
    """Render page 1 at 150 dpi and return what zbarimg reads from it ("" for no code)."""
    source, target = directory / "record.pdf", directory / "page"
    source.write_bytes(pdf)
    render = ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*render, source, target], check=True)
    # zbarimg exits 4 when it finds no code; stderr may carry D-Bus noise.
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", directory / "page.png"], capture_output=True, text=True
    )
    assert result.returncode in (0, 4), result.stderr
    return result.stdout.strip()


def test_qr_code_points_to_the_verification_page(tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip(reason="this machine lacks poppler-utils (pdftoppm); `make` installs it")
    if shutil.which("zbarimg") is None:
        pytest.skip(reason="this machine lacks zbar-tools (zbarimg); `make` installs it")
    assert decode_qr(build_record(make_record()), tmp_path) == URL


def test_record_data_is_plain_data():
    record = make_record(terms=2, plans=3)
    assert isinstance(record, RecordData)
    assert [term.credits for term in record.terms] == [9, 9]
    assert record.credits == 18
