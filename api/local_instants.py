"""Moments as people type them in a filter: an instant, a local time, or a whole local day.

``since`` and ``until`` of the audit trail take any of:

- an instant with an offset: ``2026-12-02T07:30:00+08:00`` or ``2026-12-01T23:30:00Z``;
- a local time without an offset, read in the organisation's time zone:
  ``2026-12-02T07:30`` or ``2026-12-02 07:30:00``;
- a local date, ``2026-12-02``: as ``since``, the start of that day; as ``until``, the end of
  it (the start of the next day), so ``since=D&until=D`` is the whole day D.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from domain.errors import InvalidInputError
from domain.values import zone

_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
_OFFSET = r"([Zz]|[+-]\d{2}(:?\d{2})?)"
MOMENT_PATTERN = rf"^{_DATE}([Tt ]{_TIME}{_OFFSET}?)?$"
MOMENT_DESCRIPTION = (
    "an instant with an offset (2026-12-02T07:30:00+08:00), a local time without one "
    "(2026-12-02T07:30, in the organisation's time zone, Asia/Shanghai when none is given), "
    "or a local date (2026-12-02: the whole day)"
)


def moment_from(text: str, timezone: str, *, field: str, end_of_day: bool = False) -> datetime:
    """The UTC instant ``text`` names (module docstring); ``end_of_day`` for an upper bound."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
            moment = datetime.combine(day, time(), zone(timezone))
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone(timezone))
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInputError(
            f"{field} {text!r} is not a date, a local time or an instant", field=field
        ) from None
