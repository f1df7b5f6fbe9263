"""Answers a person can read: local times beside UTC, hours beside minutes, periods with labels.

The conventions (docs/api.md, "Readable answers"), applied by every route:

- An instant ``X_at`` is UTC (``…Z``); beside it ``X_at_local`` is the same instant with the
  offset of the organisation's time zone (``2026-12-02T07:30:00+08:00``), so a client shows it
  without a time-zone database. Dates of service are local calendar dates.
- Integer minutes stay the source of truth; ``hours`` beside them is an exact decimal string
  (``"4.25"``, ``"0.5"``, ``"3"``; a quarter of an hour is exact, a minute is given to two places
  rounded half-up, as ``"0.02"``).
- A period is ``{"id": "2026-B6", "label": "2026年11–12月", "from": "2026-11-01", "to":
  "2026-12-31"}``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

from domain.periods import Period
from domain.values import zone


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def local(moment: datetime, timezone: str) -> datetime:
    """The same instant in the organisation's time zone (serialised with its offset)."""
    return moment.astimezone(zone(timezone))


def hours(minutes: int) -> str:
    """Exact decimal hours for whole minutes: 255 → "4.25", 30 → "0.5", 180 → "3"."""
    value = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return format(value.normalize(), "f")


class PeriodPublic(BaseModel):
    id: str = Field(examples=["2026-B6"])
    label: str = Field(examples=["2026年11–12月"])
    from_: date | None = Field(serialization_alias="from", description="its first day")
    to: date | None = Field(description="its last day")


def period_public(period: Period) -> PeriodPublic:
    """A period with its label and its first and last day (none for ``all``)."""
    start, end = period_bounds(period)
    return PeriodPublic(id=period.text, label=period_label(period), from_=start, to=end)


def period_label(period: Period) -> str:
    if period.kind == "all":
        return "全部"
    year = int(period.text[:4])
    if period.kind == "year":
        return f"{year}年"
    if period.kind == "month":
        return f"{year}年{int(period.text[5:])}月"
    first = (int(period.text[-1]) - 1) * 2 + 1
    return f"{year}年{first}–{first + 1}月"


def period_bounds(period: Period) -> tuple[date | None, date | None]:
    if period.kind == "all":
        return None, None
    year = int(period.text[:4])
    if period.kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if period.kind == "month":
        first_month = last_month = int(period.text[5:])
    else:
        first_month = (int(period.text[-1]) - 1) * 2 + 1
        last_month = first_month + 1
    return date(year, first_month, 1), _last_day(year, last_month)


def _last_day(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)
