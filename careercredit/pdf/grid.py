"""Tables drawn straight onto the canvas.

A record's tables look exactly as the ReportLab Tables they replace (same paddings, rules,
shading and page breaks between rows, header rows repeated on every page a table runs
over), at a fraction of the cost: no style machinery, no flowable per cell drawn in its
own graphics state, and one text object for each part of a table on a page.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Literal

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from careercredit.pdf.text import Text, number, show, string_width

#: A cell: a single line of text, or text blocks stacked from the top.
Cell = str | Sequence[Text]
#: Where a grid narrower than its frame sits in it (a Flowable's hAlign).
HAlign = Literal["LEFT", "CENTER", "RIGHT"]


@dataclass(frozen=True)
class Padding:
    """Space between a cell's edges and its content (ReportLab's table defaults)."""

    left: float = 6.0
    right: float = 6.0
    top: float = 3.0
    bottom: float = 3.0


@dataclass(frozen=True)
class Row:
    """One row. Single-line cells are set in font at size with leading; the first span
    cells are merged into one (the cells it covers hold "")."""

    cells: Sequence[Cell]
    font: str
    size: float
    leading: float
    span: int = 1
    #: Columns whose single-line cells are right aligned.
    right: frozenset[int] = frozenset()
    padding: Padding = Padding()
    #: Whether the first cell has no left padding.
    flush_left: bool = False


def rgb(color: Color) -> str:
    """The operands of a colour operator (rg, RG) setting color, to ReportLab's precision."""
    return " ".join(f"{c:.6f}".rstrip("0").rstrip(".") or "0" for c in color.rgb())


def hline(y: float, x0: float, x1: float) -> str:
    return f"n {number(x0)} {number(y)} m {number(x1)} {number(y)} l S"


def vline(x: float, y0: float, y1: float) -> str:
    return f"n {number(x)} {number(y0)} m {number(x)} {number(y1)} l S"


class Grid(Flowable):
    """Rows of cells in columns of fixed widths, the first `repeat` rows repeated at the top
    of every part when the grid is split between rows across pages.

    Subclasses paint what lies under the text (shading) and over it (rules).
    """

    def __init__(
        self,
        rows: Sequence[Row],
        widths: Sequence[float],
        *,
        repeat: int = 0,
        h_align: HAlign = "CENTER",
        v_align: str = "TOP",
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.widths = widths
        self.repeat = repeat
        self.hAlign = h_align
        self.v_align = v_align
        self.edges = list(accumulate(widths, initial=0.0))
        #: The last row of the whole grid, whichever part of it this is.
        self.last = self.rows[-1] if self.rows else None
        self._heights: list[float] | None = None

    # Layout

    def _right_edge(self, row: Row, column: int) -> float:
        return self.edges[column + (row.span if column == 0 else 1)]

    def _left(self, row: Row, column: int) -> float:
        """Where the content of a cell starts."""
        if column == 0 and row.flush_left:
            return self.edges[0]
        return self.edges[column] + row.padding.left

    def _content(self, row: Row, column: int, cell: Cell) -> float:
        """The height of a cell's content, wrapping its text blocks to the cell."""
        if isinstance(cell, str):
            return row.leading
        width = self._right_edge(row, column) - row.padding.right - self._left(row, column)
        return sum(block.wrap(width, 0)[1] for block in cell)

    def _cells(self, row: Row) -> list[tuple[int, Cell]]:
        """The cells of row that are drawn: all but those a span covers."""
        return [(c, cell) for c, cell in enumerate(row.cells) if not 0 < c < row.span]

    def heights(self) -> list[float]:
        if self._heights is None:
            self._heights = [
                max(self._content(row, c, cell) for c, cell in self._cells(row))
                + row.padding.top
                + row.padding.bottom
                for row in self.rows
            ]
        return self._heights

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.edges[-1], sum(self.heights())
        return self.width, self.height

    def _part(self, rows: list[Row], heights: list[float]) -> Grid:
        part = copy.copy(self)
        # What the document and frame noted on this flowable is not the part's: above all
        # _postponed, which would make a part that must move to the next page fatal.
        for noted in ("_postponed", "_frame", "canv"):
            part.__dict__.pop(noted, None)
        part.rows, part._heights = rows, heights
        return part

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split as ReportLab's Table does: after the most rows that fit, if they are more
        than the repeated ones, which head the rest."""
        heights = self.heights()
        used, fit = 0.0, 0
        for height in heights:
            if used + height > availHeight:
                break
            used += height
            fit += 1
        if fit <= self.repeat:
            return []
        if fit == len(self.rows):
            return [self]
        head = self.rows[: self.repeat]
        return [
            self._part(self.rows[:fit], heights[:fit]),
            self._part(head + self.rows[fit:], heights[: self.repeat] + heights[fit:]),
        ]

    # Drawing

    def _ops(self, canvas: Canvas) -> list[str]:
        heights = self.heights()
        tops = list(accumulate(heights, lambda top, h: top - h, initial=self.height))
        ops = [*self.under(tops), "0 0 0 rg", "BT"]
        font_set = [""]  # the font operator last written in this text object
        for row, (top, bottom) in zip(self.rows, pairwise(tops), strict=True):
            ops += self._row_text(canvas, row, top, bottom, font_set)
        ops.append("ET")
        over = self.over(tops)
        if over:
            ops += ["1 J", "1 j", *over]
        return ops

    def draw(self) -> None:
        self.canv.addLiteral("\n".join(["q", *self._ops(self.canv), "Q"]))

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Flowable.drawOn, with the move to (x, y) written directly rather than through
        the canvas's state stack."""
        # _hAlignAdjust is private to Flowable, so types-reportlab leaves it out.
        x = self._hAlignAdjust(x, _sW)  # type: ignore[attr-defined]
        move = f"q 1 0 0 1 {number(x)} {number(y)} cm"
        canvas.addLiteral("\n".join([move, *self._ops(canvas), "Q"]))

    def _row_text(
        self, canvas: Canvas, row: Row, top: float, bottom: float, font_set: list[str]
    ) -> list[str]:
        ops = []
        for column, cell in self._cells(row):
            if not cell:
                continue
            left = self._left(row, column)
            if self.v_align == "TOP":
                y = top - row.padding.top
            else:
                y = bottom + row.padding.bottom + self._content(row, column, cell)
            if isinstance(cell, str):
                x = left
                if column in row.right:
                    right = self._right_edge(row, column) - row.padding.right
                    x = right - string_width(cell, row.font, row.size)
                shown = show(canvas, [(cell, row.font)], row.size, font_set)
                ops.append(f"1 0 0 1 {number(x)} {number(y - row.size)} Tm {shown}")
            else:
                for block in cell:
                    ops += block.line_ops(canvas, left, y, font_set)
                    y -= block.height
        return ops

    def under(self, tops: list[float]) -> list[str]:
        """Operators painting under the text; tops are the rows' top edges, then the bottom."""
        return []

    def over(self, tops: list[float]) -> list[str]:
        """Operators painting over the text (rules: round caps and joins are set)."""
        return []


class TermTable(Grid):
    """A term's plans: the title (outside the grid) and the shaded column headings repeat on
    every page; an inner grid, a frame, and a heavier line over the last row, the total."""

    def __init__(
        self, rows: Sequence[Row], widths: Sequence[float], *, grid: Color, shade: Color
    ) -> None:
        super().__init__(rows, widths, repeat=2)
        self.grid, self.shade = grid, shade

    def under(self, tops: list[float]) -> list[str]:
        if len(tops) < 3:
            return []
        width, height = number(self.width), number(tops[2] - tops[1])
        return [f"{rgb(self.shade)} rg", f"n 0 {number(tops[1])} {width} {height} re f*"]

    def over(self, tops: list[float]) -> list[str]:
        if len(tops) < 3:
            return []
        right, top, bottom = self.width, tops[1], tops[-1]
        ops = [f"{rgb(self.grid)} RG", ".4 w"]
        ops += [hline(y, 0, right) for y in tops[2:-1]]
        for column, x in enumerate(self.edges[1:-1], start=1):
            # A line between two columns runs down every row where no span crosses it.
            segments: list[list[float]] = []
            for row, (upper, lower) in zip(self.rows[1:], pairwise(tops[1:]), strict=True):
                if column < row.span:
                    continue
                if segments and segments[-1][1] == upper:
                    segments[-1][1] = lower
                else:
                    segments.append([upper, lower])
            ops += [vline(x, low, high) for high, low in segments]
        ops += [".6 w", hline(top, 0, right), hline(bottom, 0, right)]
        ops += [vline(0, bottom, top), vline(right, bottom, top)]
        if self.rows[-1] is self.last and len(self.rows) > 2:
            ops += ["1 w", hline(tops[-2], 0, right)]
        return ops


class Ruled(Grid):
    """A grid with a line under its last row."""

    def __init__(
        self, rows: Sequence[Row], widths: Sequence[float], *, line: Color, weight: float
    ) -> None:
        super().__init__(rows, widths, h_align="LEFT", v_align="BOTTOM")
        self.line, self.weight = line, weight

    def over(self, tops: list[float]) -> list[str]:
        if self.rows[-1] is not self.last:
            return []
        bottom = tops[-1]
        return [f"{rgb(self.line)} RG", f"{number(self.weight)} w", hline(bottom, 0, self.width)]


class Boxed(Grid):
    """A shaded grid in a frame."""

    def __init__(
        self,
        rows: Sequence[Row],
        widths: Sequence[float],
        *,
        shade: Color,
        line: Color,
        weight: float,
        h_align: HAlign = "RIGHT",
    ) -> None:
        super().__init__(rows, widths, h_align=h_align, v_align="BOTTOM")
        self.shade, self.line, self.weight = shade, line, weight

    def under(self, tops: list[float]) -> list[str]:
        top, bottom = tops[0], tops[-1]
        area = f"n 0 {number(top)} {number(self.width)} {number(bottom - top)} re f*"
        return [f"{rgb(self.shade)} rg", area]

    def over(self, tops: list[float]) -> list[str]:
        top, bottom, right = tops[0], tops[-1], self.width
        return [
            f"{rgb(self.line)} RG",
            f"{number(self.weight)} w",
            hline(top, 0, right),
            hline(bottom, 0, right),
            vline(0, bottom, top),
            vline(right, bottom, top),
        ]
