"""The QR encoder makes, module for module, the symbol ReportLab's own encoder makes."""

import re

import pytest
from reportlab.graphics.barcode import qrencoder

from careercredit.pdf.qr import QUIET_ZONE, qr_path, qr_rows

TEXTS = [
    "1",
    "0123456789",  # numeric mode
    "HTTPS://RECORDS.EXAMPLE.EDU/VERIFY/CC-7Q4M",  # alphanumeric mode
    "https://records.example.edu/verify/CC-7Q4M-2XKD-9PLA",  # byte mode, version 4
    "https://records.example.edu/verify/" + "x" * 120,  # version 9: version information
    "Zoë Ødegård " * 30,  # several error correction blocks
]


def reportlab_rows(text: str) -> tuple[str, ...]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    return tuple("".join("1" if module else "0" for module in row) for row in code.modules)


@pytest.mark.parametrize("text", TEXTS)
def test_symbol_is_reportlabs(text):
    assert qr_rows(text) == reportlab_rows(text)


def test_path_fills_exactly_the_dark_modules():
    text = TEXTS[3]
    rows = qr_rows(text)
    side = len(rows) + 2 * QUIET_ZONE
    filled = [["0"] * side for _ in range(side)]
    ops = qr_path(text).split("\n")
    assert ops[-1] == "f"
    for op in ops[:-1]:
        x, y, width, height = map(int, re.fullmatch(r"(\d+) (\d+) (\d+) (\d+) re", op).groups())
        assert height == 1
        for column in range(x, x + width):
            filled[side - 1 - y][column] = "1"
    inner = ["".join(row[QUIET_ZONE:-QUIET_ZONE]) for row in filled[QUIET_ZONE:-QUIET_ZONE]]
    assert tuple(inner) == rows
    margin = filled[:QUIET_ZONE] + filled[-QUIET_ZONE:]
    assert all(module == "0" for row in margin for module in row)
