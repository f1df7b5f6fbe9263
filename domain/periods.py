"""Recognition periods: all time, a year, a bi-month (the two-month cycle of many cities), a month.

A record belongs to the periods of its service date, which is a local date in the organising
organisation's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInputError

CURRENT = "current"
_PERIOD = re.compile(r"all|(\d{4})(?:-B([1-6])|-(0[1-9]|1[0-2]))?")


@dataclass(frozen=True)
class Period:
    """``all``, ``2026``, ``2026-B1`` (January–February) … ``2026-B6``, or ``2026-11``."""

    text: str
    kind: str
    """"all", "year", "bimonth" or "month": the name of the column that holds it."""

    @classmethod
    def parse(cls, text: str, today: date | None = None) -> Period:
        """``current`` is the bi-month of ``today`` (the recognition cycle of many cities),
        for callers that know the local date."""
        if text == CURRENT and today is not None:
            return cls.current(today)
        match = _PERIOD.fullmatch(text)
        if match is None:
            raise InvalidInputError(
                f"{text!r} is not a period: use all, current, 2026, 2026-B1 … 2026-B6 or 2026-11",
                field="period",
            )
        if text == "all":
            return cls(text, "all")
        if match.group(2):
            return cls(text, "bimonth")
        if match.group(3):
            return cls(text, "month")
        return cls(text, "year")

    @classmethod
    def current(cls, today: date) -> Period:
        """The bi-month ``today`` (a local date) falls in."""
        return cls(periods_of(today)["bimonth"], "bimonth")

    def contains(self, day: date) -> bool:
        return self.kind == "all" or periods_of(day)[self.kind] == self.text


def periods_in_year(year: int) -> list[str]:
    """Every period that lies within ``year``: the year, its two-month cycles and its months."""
    return [
        str(year),
        *(f"{year}-B{n}" for n in range(1, 7)),
        *(f"{year}-{n:02d}" for n in range(1, 13)),
    ]


def periods_of(day: date) -> dict[str, str]:
    """The year, bi-month and month a service date belongs to."""
    return {
        "year": f"{day.year}",
        "bimonth": f"{day.year}-B{(day.month + 1) // 2}",
        "month": f"{day.year}-{day.month:02d}",
    }
