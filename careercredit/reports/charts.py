"""Charts as data, and their drawing as SVG shapes the template writes out.

A ``Chart`` holds the numbers once: the SVG, the data table beneath it, the
CSV file and the term report PDF all read the same rows, so they cannot
disagree. ``layout`` turns a chart into plain shapes (rectangles, polylines,
tick labels) in SVG user units; ``templates/reports/_chart.html`` draws them
with presentation attributes only — no script and no style element, which
the Content-Security-Policy would refuse. (Charting libraries that draw SVG
on the server, such as pygal, embed a ``<style>`` element and scripts, so the
few shapes are drawn here instead.)

Colours are Okabe and Ito's palette for colour-blind readers, each shape
outlined in near-black so that light colours still stand out from the page,
and every series is also named in the legend and the table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | Decimal

#: Okabe and Ito's palette, darkest first: blue, vermillion, bluish green, reddish purple,
#: orange, sky blue, yellow.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
#: Lines also differ by their dashes, so that two lines on one spot are both seen.
DASHES = ("none", "8 4", "2 3", "12 3 2 3")
WIDTH = 640
#: Room for the axis labels: left, right, top, bottom.
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 48
PLOT_HEIGHT = 220
#: Horizontal bar charts: a row per category, labels on the left.
BAR_ROW, BAR_LABEL = 22, 220


class Kind(enum.StrEnum):
    """How a chart is drawn."""

    stacked = "stacked"  # a column per category, its series stacked
    bars = "bars"  # a horizontal bar per category (the first series)
    lines = "lines"  # a line per series across the categories
    table = "table"  # no drawing: the table is the figure


@dataclass(frozen=True)
class Chart:
    """One figure: a title, what it shows in words, and its rows of numbers."""

    key: str
    title: str
    description: str
    kind: Kind
    category: str
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Number | None, ...]], ...]
    #: What the numbers count, for the axis ("plans", "hours").
    unit: str = ""
    #: How many of the series are drawn (0: all); the rest are in the table only.
    plotted: int = 0

    @property
    def drawn_series(self) -> tuple[str, ...]:
        """The series the drawing shows."""
        return self.series[: self.plotted] if self.plotted else self.series

    @property
    def header(self) -> tuple[str, ...]:
        """The table's and the CSV file's column names."""
        return (self.category, *self.series)

    def table_rows(self) -> list[tuple[object, ...]]:
        """The rows as the table and the CSV file show them (no figure: empty)."""
        return [(label, *("" if v is None else v for v in values)) for label, values in self.rows]

    def value(self, label: str, series: str) -> Number | None:
        """The figure of ``series`` for the category ``label`` (tests read it back)."""
        column = self.series.index(series)
        return next(values[column] for row_label, values in self.rows if row_label == label)


@dataclass
class Layout:
    """The shapes of a drawn chart, in SVG user units.

    Positions and sizes are text as the SVG has them (``_at``): the template
    prints them, it does not format hundreds of numbers.
    """

    width: int
    height: int
    #: (x, y, width, height, colour, title).
    rects: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    #: (points, colour, dashes, markers as (x, y, title)).
    lines: list[tuple[str, str, str, list[tuple[str, str, str]]]] = field(default_factory=list)
    #: Value axis: (the grid line's position, its label's position, label);
    #: category labels: (x, y, label, anchor).
    ticks: list[tuple[str, str, str]] = field(default_factory=list)
    labels: list[tuple[str, str, str, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    #: The legend's line dashes (line charts only).
    dashes: list[str] = field(default_factory=list)
    horizontal: bool = False


def _nice_max(top: float) -> tuple[float, float]:
    """An axis maximum at or above ``top`` and its tick step (1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return 1, 1
    step = 1.0
    while top / step > 5:
        for factor in (2, 2.5, 2):
            step *= factor
            if top / step <= 5:
                break
    while top / step < 2 and step > 1:
        step /= 2
    steps = -(-top // step)
    return steps * step, step


def _at(value: float) -> str:
    """A position or size in the SVG: one decimal."""
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def layout(chart: Chart) -> Layout | None:
    """The shapes that draw ``chart`` (None for a table, or a chart with no rows)."""
    if chart.kind == Kind.table or not chart.rows:
        return None
    if chart.kind == Kind.bars:
        return _bars(chart)
    return _columns(chart)


def _value(v: Number | None) -> float:
    return float(v or 0)


def _columns(chart: Chart) -> Layout:
    stacked = chart.kind == Kind.stacked
    width = len(chart.drawn_series)
    totals = [
        sum(_value(v) for v in values)
        if stacked
        else max((_value(v) for v in values[:width]), default=0)
        for _, values in chart.rows
    ]
    top, step = _nice_max(max(totals, default=0))
    drawn = Layout(WIDTH, TOP + PLOT_HEIGHT + BOTTOM)
    drawn.legend = list(zip(chart.drawn_series, PALETTE, strict=False))
    if not stacked:
        drawn.dashes = list(DASHES[: len(drawn.legend)])
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / len(chart.rows)

    def y(v: float) -> float:
        return TOP + PLOT_HEIGHT - v / top * PLOT_HEIGHT

    drawn.ticks = [
        (_at(y(i * step)), _at(y(i * step) + 4), _number(i * step))
        for i in range(int(top / step) + 1)
    ]
    for index, (label, _) in enumerate(chart.rows):
        at = _at(LEFT + slot * (index + 0.5))
        drawn.labels.append((at, _at(TOP + PLOT_HEIGHT + 18), label, "middle"))
    if stacked:
        for index, (label, values) in enumerate(chart.rows):
            base = 0.0
            for name, colour, v in zip(chart.series, PALETTE, values, strict=False):
                if _value(v) > 0:
                    x, top_y = LEFT + slot * index + slot * 0.2, y(base + _value(v))
                    height = _value(v) / top * PLOT_HEIGHT
                    title = f"{label}, {name}: {_number(_value(v))}"
                    drawn.rects.append(
                        (_at(x), _at(top_y), _at(slot * 0.6), _at(height), colour, title)
                    )
                base += _value(v)
        return drawn
    for column, (name, colour) in enumerate(zip(chart.drawn_series, PALETTE, strict=False)):
        points = []
        for index, (label, values) in enumerate(chart.rows):
            v = values[column]
            if v is not None:
                title = f"{label}, {name}: {_number(_value(v))}"
                points.append((_at(LEFT + slot * (index + 0.5)), _at(y(_value(v))), title))
        path = " ".join(f"{x},{py}" for x, py, _ in points)
        drawn.lines.append((path, colour, DASHES[column % len(DASHES)], points))
    return drawn


def _bars(chart: Chart) -> Layout:
    values = [_value(values[0]) for _, values in chart.rows]
    top, step = _nice_max(max(values, default=0))
    plot_width = WIDTH - BAR_LABEL - RIGHT
    drawn = Layout(WIDTH, TOP + BAR_ROW * len(chart.rows) + BOTTOM, horizontal=True)

    def x(v: float) -> float:
        return BAR_LABEL + v / top * plot_width

    drawn.ticks = [
        (_at(x(i * step)), _at(x(i * step)), _number(i * step)) for i in range(int(top / step) + 1)
    ]
    for index, ((label, _), v) in enumerate(zip(chart.rows, values, strict=True)):
        row_y = TOP + BAR_ROW * index
        drawn.labels.append((_at(BAR_LABEL - 6), _at(row_y + BAR_ROW * 0.65), _short(label), "end"))
        title = f"{label}: {_number(v)}"
        bar = max(v / top * plot_width, 0)
        drawn.rects.append(
            (_at(BAR_LABEL), _at(row_y + 3), _at(bar), _at(BAR_ROW - 6), PALETTE[0], title)
        )
    return drawn


def _short(label: str, most: int = 32) -> str:
    """A category label that fits left of the bars (the table has it in full)."""
    return label if len(label) <= most else label[: most - 1] + "…"
