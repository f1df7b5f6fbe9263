"""The readable forms every answer uses: local times, hours, period labels."""

from datetime import UTC, date, datetime

import pytest

from api.readable import hours, local, period_public
from domain.periods import Period


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(255, "4.25"), (30, "0.5"), (180, "3"), (0, "0"), (1, "0.02"), (100, "1.67")],
)
def test_hours_are_an_exact_decimal_string(minutes: int, text: str) -> None:
    assert hours(minutes) == text


def test_a_local_time_carries_the_organisations_offset() -> None:
    moment = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert local(moment, "Asia/Shanghai").isoformat() == "2026-12-02T07:30:00+08:00"


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2026-B6", "2026年11–12月", date(2026, 11, 1), date(2026, 12, 31)),
        ("2026-B1", "2026年1–2月", date(2026, 1, 1), date(2026, 2, 28)),
        ("2028-B1", "2028年1–2月", date(2028, 1, 1), date(2028, 2, 29)),
        ("2026-04", "2026年4月", date(2026, 4, 1), date(2026, 4, 30)),
        ("2026", "2026年", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_has_its_label_and_bounds(text: str, label: str, start: date, end: date) -> None:
    public = period_public(Period.parse(text))
    assert public.model_dump(by_alias=True) == {
        "id": text,
        "label": label,
        "from": start,
        "to": end,
    }


def test_all_time_has_no_bounds() -> None:
    assert period_public(Period.parse("all")).model_dump(by_alias=True) == {
        "id": "all",
        "label": "全部",
        "from": None,
        "to": None,
    }
