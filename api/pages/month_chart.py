"""The bars of a chart of approved hours by month, measured in Python and drawn as SVG by the
``recognition_chart.html`` template (so every text in it is escaped like the rest of the page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from api.readable import hours
from domain.periods import Period

#: The drawing's own units (its viewBox); the stylesheet scales it to the page's width.
WIDTH, HEIGHT = 320, 180
TOP, BOTTOM, SIDE = 22, 22, 6
SLOT = (WIDTH - 2 * SIDE) / 12
BAR = SLOT * 0.66


@dataclass(frozen=True)
class Bar:
    month: str
    """``2026-03``"""
    number: int
    minutes: int
    hours: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    chosen: bool
    """in the period the reader picked"""


@dataclass(frozen=True)
class MonthChart:
    year: int
    bars: list[Bar]
    total_hours: str
    top_hours: str
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM


def month_chart(year: int, minutes: dict[str, int], chosen: Period) -> MonthChart:
    """The twelve months of ``year``, each bar as tall as its minutes are among the largest;
    the months of the ``chosen`` period marked."""
    most = max(minutes.values(), default=0)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for number in range(1, 13):
        month = f"{year}-{number:02d}"
        value = minutes.get(month, 0)
        height = round(room * value / most, 1) if most else 0.0
        if value and height < 1:
            height = 1.0  # a little service still shows
        x = round(SIDE + (number - 1) * SLOT + (SLOT - BAR) / 2, 1)
        bars.append(
            Bar(
                month=month,
                number=number,
                minutes=value,
                hours=hours(value),
                x=x,
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(BAR, 1),
                height=height,
                label_x=round(x + BAR / 2, 1),
                chosen=chosen.contains(date(year, number, 1)),
            )
        )
    return MonthChart(
        year=year,
        bars=bars,
        total_hours=hours(sum(bar.minutes for bar in bars)),
        top_hours=hours(most),
    )
