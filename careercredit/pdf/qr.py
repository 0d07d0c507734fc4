"""QR codes drawn straight onto a canvas as a single filled path.

The symbol is the one ReportLab's QR encoder makes, module for module, at a seventh of the
cost (its 5 ms a code were as much as the rest of a record). ReportLab still chooses the
version and encodes the text; here the error correction is table-driven, the data bits are
placed a row at a time, and the mask is chosen by scoring each of the eight masked symbols
as one integer, each penalty rule (ReportLab's, quirks included) worked out for all rows or
all columns at once, rather than module by module.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

#: Modules of light margin the QR specification asks for around the symbol.
QUIET_ZONE = 4

_DARK = re.compile("1+")
#: Finder-like pattern of penalty rule 3; ReportLab looks for it in rows only, one way round.
_FINDER_LIKE = "10111010000"
LEVEL = qrencoder.QRErrorCorrectLevel.M


@dataclass(frozen=True)
class _Layout:
    """What every symbol of one version shares."""

    count: int  #: modules on a side
    #: Rows (column 0 the most significant bit) of the function patterns, the format
    #: information left light.
    fixed: tuple[int, ...]
    #: For each row, picks its data modules out of the data bits (a string of 0s and 1s, with
    #: a "0" after them, which the row's other modules pick): that row's data, column by column.
    pickers: tuple[Callable[[str], tuple[str, ...]], ...]
    places: int  #: how many data modules there are
    masks: tuple[int, ...]  #: for each mask, the modules it flips (packed as by _pack)


def _bits(row: list[bool]) -> int:
    """Return row as an integer whose most significant bit is column 0."""
    return int("".join("1" if module else "0" for module in row), 2)


@cache
def _layout(version: int) -> _Layout:
    code = qrencoder.QRCode(version, LEVEL)
    code.dataCache = []
    code.makeImpl(True, 0)
    count = code.moduleCount
    positions = code.dataPosIterator()
    data = [0] * count
    for col, row in positions:
        data[row] |= 1 << (count - 1 - col)
    masks = []
    for pattern in range(8):
        mask, rows = qrencoder.QRUtil.getMask(pattern), [0] * count
        for col, row in positions:
            if mask(row, col):
                rows[row] |= 1 << (count - 1 - col)
        masks.append(_pack(rows, count))
    light = len(positions)  # the index of the "0" after the data bits
    picks = [[light] * count for _ in range(count)]
    for index, (col, row) in enumerate(positions):
        picks[row][col] = index
    return _Layout(
        count=count,
        fixed=tuple(row & ~free for row, free in zip(map(_bits, code.modules), data, strict=True)),
        pickers=tuple(itemgetter(*row) for row in picks),
        places=light,
        masks=tuple(masks),
    )


#: GF(256) exponentials, doubled so that a sum of two logarithms needs no modulo.
_EXP = qrencoder.EXP_TABLE[:255] * 2
_LOG = qrencoder.LOG_TABLE


@cache
def _products(degree: int) -> tuple[int, ...]:
    """For each byte f, the Reed-Solomon generator of degree (less its leading 1) times f,
    its coefficients packed into an integer, the first in the most significant byte."""
    generator = qrencoder.QRUtil.getErrorCorrectPolynomial(degree).num[1:]
    logs = [_LOG[c] for c in generator]
    table = [0]
    for factor in range(1, 256):
        shift = _LOG[factor]
        table.append(int.from_bytes(bytes(_EXP[g + shift] for g in logs), "big"))
    return tuple(table)


def _error_correction(block: list[int], degree: int) -> list[int]:
    """Return the degree error correction codewords of block (its remainder by the generator),
    the remainder kept as one integer of degree bytes."""
    products, top, mask = _products(degree), 8 * (degree - 1), (1 << 8 * degree) - 1
    remainder = 0
    for codeword in block:
        remainder = ((remainder << 8) & mask) ^ products[codeword ^ (remainder >> top)]
    return list(remainder.to_bytes(degree, "big"))


class _Bits:
    """ReportLab's QRBitBuffer, the bits kept in one integer rather than put one by one."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:
        self.put(1 if bit else 0, 1)

    def getLengthInBits(self) -> int:
        return self.length

    def bytes(self) -> list[int]:
        """The bits so far, the last byte filled up with zeros."""
        pad = -self.length % 8
        return list((self.value << pad).to_bytes((self.length + pad) // 8, "big"))


def _codewords(code: qrencoder.QRCode) -> list[int]:
    """Return the interleaved data and error correction codewords of code
    (ReportLab's QRCode.createData, with a table-driven Reed-Solomon encoder)."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(code.version, LEVEL)
    capacity = 8 * sum(block.dataCount for block in blocks)
    buffer = _Bits()
    for data in code.dataList:
        data.write(buffer, code.version)
    if buffer.getLengthInBits() > capacity:
        raise ValueError(f"{buffer.getLengthInBits()} bits do not fit in {capacity}")
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)
    stream = buffer.bytes()
    pad = itertools.cycle((0xEC, 0x11))
    stream += [next(pad) for _ in range(capacity // 8 - len(stream))]
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        data_blocks.append(stream[offset : offset + block.dataCount])
        offset += block.dataCount
        degree = block.totalCount - block.dataCount
        ec_blocks.append(_error_correction(data_blocks[-1], degree))
    return [
        codeword
        for group in (data_blocks, ec_blocks)
        for column in itertools.zip_longest(*group)
        for codeword in column
        if codeword is not None
    ]


@dataclass(frozen=True)
class _Masks:
    """Where each penalty rule may look in a whole symbol packed into one integer by _pack:
    row r in bits (count - 1 - r) * count and up, column c in bit count - 1 - c of its row.
    A symbol shifted right by 1 puts on each module the one to its left; shifted right by
    count, the one above it."""

    pairs: int  #: modules with one to their left
    windows: int  #: modules with four to their left: where five in a row may end
    finder: int  #: where the last module of a finder-like pattern may fall (not col 0-9)
    above: int  #: modules with one above them
    fives: int  #: modules with four above them: where five in a column may end
    blocks: int  #: modules with one to their left and one above them


@cache
def _masks(count: int) -> _Masks:
    def rows(bits: int, lowest: int = count) -> int:
        """bits in each of the lowest rows: all but the first count - lowest rows."""
        return sum(bits << (count * r) for r in range(lowest))

    low = (1 << count) - 1
    return _Masks(
        pairs=rows(low >> 1),
        windows=rows(low >> 4),
        finder=rows(((1 << (count - 11)) - 1) << 1),
        above=rows(low, count - 1),
        fives=rows(low, count - 4),
        blocks=rows(low >> 1, count - 1),
    )


#: ReportLab's rule 3 pattern, dark first, as (shift, dark) pairs: bit e + shift of a row
#: holds the pattern's module that is 10 - shift after the one at e + 10.
_FINDER_BITS = tuple((10 - k, module == "1") for k, module in enumerate(_FINDER_LIKE))


def _runs(equal: int, step: int, ends: int) -> int:
    """Rule 1 points from equal, whose bits tell whether a module equals the one step bits
    up (left or above): a run of n >= 5 modules of one colour costs n - 2, which is its
    n - 4 windows of five, counted where they end, plus 2 for the first of them."""
    fives = equal & (equal >> step) & (equal >> 2 * step) & (equal >> 3 * step) & ends
    return fives.bit_count() + 2 * (fives & ~(fives >> step)).bit_count()


def _lost_points(symbol: int, count: int) -> int:
    """ReportLab's QRUtil.getLostPoint for the symbol packed by _pack, each rule worked out
    for all rows (or all columns) at once."""
    m = _masks(count)
    left = ~(symbol ^ (symbol >> 1)) & m.pairs  # a module equals the one to its left
    above = ~(symbol ^ (symbol >> count)) & m.above  # a module equals the one above it
    # Rule 1: runs of five or more modules of one colour, along the rows and the columns.
    points = _runs(left, 1, m.windows) + _runs(above, count, m.fives)
    # Rule 2: every 2 x 2 block of one colour.
    points += 3 * (above & (above >> 1) & left & m.blocks).bit_count()
    # Rule 3: ReportLab scans rows only (its column scan compares tuples with a list), one
    # way round, and stops one module short of the end of a row.
    found = m.finder
    for shift, dark in _FINDER_BITS:
        found &= symbol >> shift if dark else ~(symbol >> shift)
    points += 40 * found.bit_count()
    # Rule 4: the share of dark modules away from half.
    dark_modules = symbol.bit_count()
    return points + 10 * (abs(100 * dark_modules // count**2 - 50) // 5)


def _pack(rows: list[int], count: int) -> int:
    """Pack rows into one integer, the first row the most significant."""
    symbol = 0
    for row in rows:
        symbol = (symbol << count) | row
    return symbol


@lru_cache(maxsize=64)
def qr_rows(text: str) -> tuple[str, ...]:
    """Return the rows of the QR code of text (error correction level M), "1" for a dark
    module and "0" for a light one: module for module the symbol ReportLab's QRCode makes."""
    code = qrencoder.QRCode(None, LEVEL)
    code.addData(text)
    code.version = code.calculate_version()
    layout = _layout(code.version)
    codewords = _codewords(code)
    bits = format(int.from_bytes(bytes(codewords), "big"), f"0{8 * len(codewords)}b")
    bits = bits.ljust(layout.places + 1, "0")  # remainder bits, then the light module
    unmasked = [
        fixed | int("".join(pick(bits)), 2)
        for fixed, pick in zip(layout.fixed, layout.pickers, strict=True)
    ]
    # ReportLab's getBestMaskPattern: the first mask with the fewest lost points.
    best, lowest, chosen = 0, None, 0
    packed = _pack(unmasked, layout.count)
    for pattern, mask in enumerate(layout.masks):
        symbol = packed ^ mask
        points = _lost_points(symbol, layout.count)
        if lowest is None or points < lowest:
            best, lowest, chosen = symbol, points, pattern
    # The format (and version) information, left light while scoring, as ReportLab sets it.
    code.moduleCount = layout.count
    modules = format(best, f"0{layout.count**2}b")
    code.modules = [
        [m == "1" for m in modules[i : i + layout.count]]
        for i in range(0, len(modules), layout.count)
    ]
    code.setupTypeInfo(False, chosen)
    if code.version >= 7:
        code.setupTypeNumber(False)
    return tuple("".join(map(str, map(int, row))) for row in code.modules)


def qr_path(text: str) -> str:
    """Return the PDF operators filling the dark modules of text's QR code, quiet zone
    included, in a square of side 1 unit per module with its origin at the bottom left."""
    rows = qr_rows(text)
    top = len(rows) + QUIET_ZONE - 1
    ops = [
        f"{run.start() + QUIET_ZONE} {top - r} {run.end() - run.start()} 1 re"
        for r, row in enumerate(rows)
        for run in _DARK.finditer(row)
    ]
    ops.append("f")
    return "\n".join(ops)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of text, quiet zone included, in the size x size square at (x, y)."""
    step = size / (len(qr_rows(text)) + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.transform(step, 0, 0, step, x, y)
    canvas.setFillColorRGB(0, 0, 0)
    # One path of whole-module rectangles, written directly: formatting the numbers through
    # the canvas path object costs more than the rest of the page footer.
    canvas.addLiteral(qr_path(text))
    canvas.restoreState()
