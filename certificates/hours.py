"""Service time shown as hours, from integer minutes, without floating point."""

from __future__ import annotations

from certificates.errors import CertificateDataError

_MINUTES_PER_HOUR = 60
_HUNDREDTHS_PER_HOUR = 100


def format_hours(minutes: int) -> str:
    """Hours with at most two decimals, rounded half up, trailing zeros dropped.

    60 → "1", 90 → "1.5", 100 → "1.67", 1 → "0.02", 0 → "0". Integer arithmetic only: the
    ledger counts minutes, and a float would print 1.6666… differently on different paths.
    """
    if minutes < 0:
        raise CertificateDataError(
            f"service time cannot be negative: {minutes} minutes", minutes=minutes
        )
    # Hundredths of an hour, rounded half up: add half the divisor before the floor division.
    hundredths = (minutes * _HUNDREDTHS_PER_HOUR + _MINUTES_PER_HOUR // 2) // _MINUTES_PER_HOUR
    whole, fraction = divmod(hundredths, _HUNDREDTHS_PER_HOUR)
    if fraction == 0:
        return str(whole)
    return f"{whole}.{fraction:02d}".rstrip("0")
