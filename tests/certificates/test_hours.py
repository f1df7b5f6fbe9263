"""Service time prints as hours with at most two decimals, from integer minutes."""

from __future__ import annotations

import pytest

from certificates.errors import CertificateDataError
from certificates.hours import format_hours


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (60, "1"),
        (90, "1.5"),
        (100, "1.67"),
        (1, "0.02"),
        (0, "0"),
        (20, "0.33"),
        (50, "0.83"),
        (6000, "100"),
        (6001, "100.02"),
    ],
)
def test_minutes_print_as_hours_rounded_half_up(minutes, shown):
    assert format_hours(minutes) == shown


def test_negative_minutes_are_refused():
    with pytest.raises(CertificateDataError, match="negative"):
        format_hours(-30)
