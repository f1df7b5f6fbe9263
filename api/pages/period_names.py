"""A recognition period named in the page's language.

The API's ``period_detail.label`` is Chinese whatever the reader asked for (its clients show it
as it is); a page in English names the period in English instead, from the period's id.
"""

from __future__ import annotations

from api.i18n.catalogue import ENGLISH
from api.readable import period_label
from domain.periods import Period

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def period_name(period: Period | str, language: str) -> str:
    """``2026-B6`` is "2026年11–12月" in Chinese and "Nov–Dec 2026" in English."""
    if isinstance(period, str):
        period = Period.parse(period)
    if language != ENGLISH:
        return period_label(period)
    if period.kind == "all":
        return "All time"
    year = period.text[:4]
    if period.kind == "year":
        return year
    if period.kind == "month":
        return f"{_MONTHS[int(period.text[5:]) - 1]} {year}"
    first = (int(period.text[-1]) - 1) * 2
    return f"{_MONTHS[first][:3]}–{_MONTHS[first + 1][:3]} {year}"
