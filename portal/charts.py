"""Charts drawn on the server as accessible SVG, each with its data table.

A chart is plain data (the geometry already computed here) that
``templates/components/chart.html`` draws: no chart library runs in the
browser, and the same chart prints in a WeasyPrint PDF. Colours come from
classes in ``static/css/portal.css`` (the CSP forbids inline styles).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import count

from django.utils.formats import date_format, number_format

_ids = count(1)

# The drawing area, in SVG units; the SVG scales to the width of its container.
WIDTH = 640
LABEL_WIDTH = 210  # horizontal bars: room for the labels on the left
BAR_HEIGHT = 22
BAR_GAP = 10
PLOT_HEIGHT = 200  # time series
MARGIN_TOP = 12
MARGIN_LEFT = 48
MARGIN_BOTTOM = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as the table and the label show it
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    """What the template draws. ``kind`` is "bars" (horizontal, labelled) or "columns" (a series over days)."""

    kind: str
    title: str
    description: str
    unit: str
    height: int
    bars: list[Bar]
    table_heading: str
    previous: list[Bar] = field(default_factory=list)  # columns only: the previous period, as a line
    previous_label: str = ""
    previous_line: str = ""  # SVG points of the previous period's line
    ticks: list[Tick] = field(default_factory=list)  # value axis
    dates: list[Tick] = field(default_factory=list)  # columns only: a few dates along the bottom
    uid: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """The data table: label, value and (when compared) the previous period's value."""
        previous = [bar.shown for bar in self.previous] or [""] * len(self.bars)
        return [(bar.label, bar.shown, before) for bar, before in zip(self.bars, previous, strict=False)]


def _shown(value: float, decimals: int) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _nice_ceiling(value: float) -> float:
    """A round upper bound for an axis: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def _ticks(top: float) -> list[float]:
    """Round steps up to ``top`` (a ``_nice_ceiling``): 0, 5, 10, 15, 20 for 20, 0, 10 … 50 for
    50; one per unit for a small count (0, 1, 2 for 2)."""
    small_count = top <= 5 and top == int(top)
    steps = int(top) if small_count else (4 if f"{top:e}".startswith("2") else 5)
    return [top * step / steps for step in range(steps + 1)]


def bar_chart(
    *, title: str, rows: Sequence[tuple[str, float]], unit: str = "", decimals: int = 0, description: str = ""
) -> Chart:
    """Horizontal bars, one per (label, value), in the order given."""
    top = _nice_ceiling(max((value for _, value in rows), default=0))
    plot = WIDTH - LABEL_WIDTH - 60
    bars = [
        Bar(
            label=label,
            value=value,
            shown=_shown(value, decimals),
            x=LABEL_WIDTH,
            y=MARGIN_TOP + index * (BAR_HEIGHT + BAR_GAP),
            width=round(plot * value / top, 1),
            height=BAR_HEIGHT,
        )
        for index, (label, value) in enumerate(rows)
    ]
    height = MARGIN_TOP * 2 + len(rows) * (BAR_HEIGHT + BAR_GAP)
    summary = description or "; ".join(f"{bar.label}: {bar.shown} {unit}".strip() for bar in bars)
    return Chart(
        kind="bars",
        title=title,
        description=summary,
        unit=unit,
        height=max(height, 40),
        bars=bars,
        table_heading=unit,
    )


def time_series_chart(
    *,
    title: str,
    points: Sequence[tuple[date, float]],
    previous: Sequence[float] = (),
    previous_label: str = "",
    unit: str = "",
    decimals: int = 0,
    description: str = "",
) -> Chart:
    """One column per day (or week, or month) of ``points``; ``previous`` (the
    same number of values, for the previous period) is drawn as a line over them."""
    values = [value for _, value in points] + list(previous)
    top = _nice_ceiling(max(values, default=0))
    plot_width = WIDTH - MARGIN_LEFT - 8
    slot = plot_width / max(len(points), 1)
    gap = min(2.0, slot * 0.2)

    def y_of(value: float) -> float:
        return round(MARGIN_TOP + PLOT_HEIGHT * (1 - value / top), 1)

    bars = [
        Bar(
            label=date_format(day, "SHORT_DATE_FORMAT"),
            value=value,
            shown=_shown(value, decimals),
            x=round(MARGIN_LEFT + index * slot + gap / 2, 1),
            y=y_of(value),
            width=round(max(slot - gap, 0.5), 1),
            height=round(PLOT_HEIGHT * value / top, 1),
        )
        for index, (day, value) in enumerate(points)
    ]
    before = [
        Bar(
            label=bars[index].label,
            value=value,
            shown=_shown(value, decimals),
            x=round(MARGIN_LEFT + (index + 0.5) * slot, 1),
            y=y_of(value),
            width=0,
            height=0,
        )
        for index, value in enumerate(previous[: len(bars)])
    ]
    ticks = [Tick(position=y_of(value), label=_shown(value, 0 if value == int(value) else 1)) for value in _ticks(top)]
    every = max(1, math.ceil(len(points) / 6))
    dates = [Tick(position=bar.x + bar.width / 2, label=bar.label) for bar in bars[::every]]
    total = sum(value for _, value in points)
    summary = description or f"{title}: {_shown(total, decimals)} {unit}".strip()
    return Chart(
        kind="columns",
        title=title,
        description=summary,
        unit=unit,
        height=MARGIN_TOP + PLOT_HEIGHT + MARGIN_BOTTOM,
        bars=bars,
        table_heading=unit,
        previous=before,
        previous_label=previous_label,
        previous_line=" ".join(f"{bar.x},{bar.y}" for bar in before),
        ticks=ticks,
        dates=dates,
    )
