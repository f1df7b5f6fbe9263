"""Value objects of the ledger: actors, phone numbers, volunteer numbers and time ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidInputError

#: Namespace of every deterministic id the ledger derives (index aggregates, recurring shifts).
LEDGER_NAMESPACE = UUID("6f0c9a4e-2b1d-5a7e-9c3f-1d2e3f4a5b6c")


def derived_id(*parts: object) -> UUID:
    """A deterministic id for the given parts: the same parts always give the same id."""
    return uuid5(LEDGER_NAMESPACE, "/".join(str(part) for part in parts))


@dataclass(frozen=True)
class Actor:
    """Who did something: a volunteer, an organiser or admin account, or the system itself.

    ``volunteer_id`` is the volunteer the acting person is, when they are one: it is what the
    rule "nobody approves their own record" compares with.
    """

    kind: str
    id: str
    volunteer_id: UUID | None = None

    KINDS = frozenset({"volunteer", "account", "system"})

    def __post_init__(self) -> None:
        if self.kind not in self.KINDS:
            raise InvalidInputError(f"unknown actor kind {self.kind!r}", kind=self.kind)

    @classmethod
    def volunteer(cls, volunteer_id: UUID) -> Actor:
        return cls("volunteer", str(volunteer_id), volunteer_id)

    @classmethod
    def account(cls, account_id: UUID | str, volunteer_id: UUID | None = None) -> Actor:
        return cls("account", str(account_id), volunteer_id)

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


SYSTEM = Actor("system", "ledger")


@dataclass(frozen=True)
class Clash:
    """After a reschedule, a confirmed volunteer whose shifts now overlap."""

    volunteer_id: UUID
    overlapping_shift_id: UUID


_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise_phone(raw: str) -> str:
    """A mainland-China mobile number as its 11 digits, with or without +86 and separators."""
    phone = _PHONE_SEPARATORS.sub("", raw)
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    if not _MAINLAND_MOBILE.fullmatch(phone):
        # The input is not echoed: it is someone's phone number, perhaps mistyped.
        raise InvalidInputError(
            "the phone number must be a mobile number: 11 digits starting with 13-19",
            field="phone",
        )
    return phone


def _luhn_check_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def volunteer_number_from(random_value: int) -> str:
    """A volunteer number: eight digits from ``random_value`` and a Luhn check digit.

    Short enough to read out over the phone, and the check digit catches a mistyped digit or
    two swapped neighbours when a volunteer logs in with it. It is never an ID-card number.
    """
    body = f"{random_value % 10**8:08d}"
    return body + _luhn_check_digit(body)


def is_volunteer_number(text: str) -> bool:
    return len(text) == 9 and text.isdigit() and _luhn_check_digit(text[:8]) == text[8]


def require_aware(moment: datetime, field: str) -> datetime:
    """The moment in UTC; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(f"{field} must carry a time zone offset", field=field)
    return moment.astimezone(UTC)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(f"{name!r} is not a known time zone", timezone=name) from None


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of ``moment`` in the given time zone (a record's service date)."""
    return moment.astimezone(zone(timezone)).date()


@dataclass(frozen=True)
class TimeRange:
    """A half-open span of time [start, end): back-to-back ranges do not overlap."""

    start: datetime
    end: datetime

    @classmethod
    def checked(cls, start: datetime, end: datetime, what: str = "time range") -> TimeRange:
        start = require_aware(start, f"{what} start")
        end = require_aware(end, f"{what} end")
        if end <= start:
            raise InvalidInputError(
                f"the {what} must end after it starts", start=start.isoformat(), end=end.isoformat()
            )
        return cls(start, end)

    def overlaps(self, other: TimeRange) -> bool:
        return self.start < other.end and other.start < self.end

    def intersection_minutes(self, other: TimeRange) -> int:
        """Whole minutes the two ranges share, rounded down; 0 when they do not meet."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        if end <= start:
            return 0
        return (end - start) // timedelta(minutes=1)

    @property
    def minutes(self) -> int:
        return (self.end - self.start) // timedelta(minutes=1)


def require_text(value: str, field: str, max_length: int = 200) -> str:
    """``value`` stripped; refused when empty or longer than ``max_length`` characters."""
    text = value.strip()
    if not text or len(text) > max_length:
        raise InvalidInputError(f"{field} must have 1 to {max_length} characters", field=field)
    return text


def require_reason(reason: str) -> str:
    """Every correction, refusal and cancellation says why."""
    return require_text(reason, "reason", 500)


@dataclass(frozen=True)
class WeeklyRecurrence:
    """Shifts every week on the given weekdays (0 = Monday) between two dates, inclusive,
    from ``start_time`` to ``end_time`` local time; an end at or before the start is the next day.
    """

    weekdays: frozenset[int]
    first_day: date
    last_day: date
    start_time: time
    end_time: time

    MAX_DAYS = 366

    def ranges(self, timezone: str) -> list[TimeRange]:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise InvalidInputError("weekdays must be numbers from 0 (Monday) to 6 (Sunday)")
        if self.last_day < self.first_day:
            raise InvalidInputError("the last day comes before the first")
        if (self.last_day - self.first_day).days >= self.MAX_DAYS:
            raise InvalidInputError(f"a recurrence spans at most {self.MAX_DAYS} days")
        ranges = []
        day = self.first_day
        while day <= self.last_day:
            if day.weekday() in self.weekdays:
                ranges.append(local_range(day, self.start_time, self.end_time, timezone))
            day += timedelta(days=1)
        return ranges


def local_range(day: date, start_time: time, end_time: time, timezone: str) -> TimeRange:
    """``start_time`` to ``end_time`` local time on ``day``; an end at or before the start is
    the next day."""
    tz = zone(timezone)
    start = datetime.combine(day, start_time, tz)
    end_day = day if end_time > start_time else day + timedelta(days=1)
    end = datetime.combine(end_day, end_time, tz)
    return TimeRange(start.astimezone(UTC), end.astimezone(UTC))
