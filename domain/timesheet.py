"""A volunteer's timesheet: the shifts they hold and the time already counted for them.

It exists so that the rules spanning a volunteer's many shifts and records (no overlapping
confirmed shifts, no time counted twice, the daily cap) are checked on one aggregate, and
concurrent commands for the same volunteer collide on its version instead of both passing.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import DailyCapExceededError, SignUpRefusedError, TimeAlreadyCountedError
from domain.values import Actor, TimeRange, derived_id


class Timesheet(Aggregate):
    """One per volunteer, with an id derived from the volunteer's."""

    class Opened(Aggregate.Created):
        volunteer_id: UUID
        actor: str

    class ShiftHeld(Aggregate.Event):
        shift_id: UUID
        starts_at: datetime
        ends_at: datetime
        actor: str

    class ShiftReleased(Aggregate.Event):
        shift_id: UUID
        actor: str

    class TimeCounted(Aggregate.Event):
        record_id: UUID
        started_at: datetime
        ended_at: datetime
        service_date: date
        minutes: int
        actor: str

    class CountedMinutesChanged(Aggregate.Event):
        record_id: UUID
        minutes: int
        actor: str

    class TimeUncounted(Aggregate.Event):
        record_id: UUID
        actor: str

    @staticmethod
    @lru_cache(maxsize=4096)
    def id_for(volunteer_id: UUID) -> UUID:
        """The id of a volunteer's timesheet (a sign-up works it out three times: kept for
        the volunteers signing up most recently)."""
        return derived_id("timesheet", volunteer_id)

    @classmethod
    def open(cls, volunteer_id: UUID, actor: Actor) -> Timesheet:
        timesheet: Timesheet = cls._create(
            cls.Opened, id=cls.id_for(volunteer_id), volunteer_id=volunteer_id, actor=str(actor)
        )
        return timesheet

    @event(Opened)
    def __init__(self, volunteer_id: UUID, actor: str) -> None:
        self.volunteer_id = volunteer_id
        # Keys are ids as strings, so that snapshots stay plain JSON.
        self.shifts: dict[str, list[datetime]] = {}
        self.entries: dict[str, dict[str, Any]] = {}

    def clashing_shift(self, time: TimeRange, *, apart_from: UUID | None = None) -> UUID | None:
        """A held shift that overlaps ``time`` (back-to-back is not an overlap), if any."""
        for shift_id, (start, end) in self.shifts.items():
            if shift_id != str(apart_from) and time.overlaps(TimeRange(start, end)):
                return UUID(shift_id)
        return None

    def holds(self, shift_id: UUID) -> bool:
        return str(shift_id) in self.shifts

    def hold_shift(self, shift_id: UUID, time: TimeRange, actor: Actor) -> None:
        clash = self.clashing_shift(time, apart_from=shift_id)
        if clash is not None:
            raise SignUpRefusedError(
                "the shift overlaps another shift the volunteer is confirmed for",
                volunteer_id=str(self.volunteer_id),
                shift_id=str(shift_id),
                overlapping_shift_id=str(clash),
            )
        self._hold(shift_id=shift_id, starts_at=time.start, ends_at=time.end, actor=str(actor))

    def move_shift(self, shift_id: UUID, time: TimeRange, actor: Actor) -> UUID | None:
        """Follow a rescheduled shift; returns a held shift it now overlaps, if any."""
        self._hold(shift_id=shift_id, starts_at=time.start, ends_at=time.end, actor=str(actor))
        return self.clashing_shift(time, apart_from=shift_id)

    def release_shift(self, shift_id: UUID, actor: Actor) -> None:
        if self.holds(shift_id):
            self._release(shift_id=shift_id, actor=str(actor))

    def count(
        self,
        record_id: UUID,
        time: TimeRange,
        service_date: date,
        minutes: int,
        cap: int,
        actor: Actor,
    ) -> None:
        """Count a record's time; refused if it overlaps counted time or passes the daily cap."""
        for other_id, entry in self.entries.items():
            if time.overlaps(TimeRange(entry["started_at"], entry["ended_at"])):
                raise TimeAlreadyCountedError(
                    "this time overlaps service already recorded for the volunteer",
                    volunteer_id=str(self.volunteer_id),
                    other_record_id=other_id,
                )
        self._require_within_cap(service_date, minutes, cap)
        self._count(
            record_id=record_id,
            started_at=time.start,
            ended_at=time.end,
            service_date=service_date,
            minutes=minutes,
            actor=str(actor),
        )

    def recount(self, record_id: UUID, minutes: int, cap: int, actor: Actor) -> None:
        entry = self.entries[str(record_id)]
        self._require_within_cap(entry["service_date"], minutes, cap, apart_from=record_id)
        self._recount(record_id=record_id, minutes=minutes, actor=str(actor))

    def uncount(self, record_id: UUID, actor: Actor) -> None:
        if str(record_id) in self.entries:
            self._uncount(record_id=record_id, actor=str(actor))

    def minutes_on(self, day: date) -> int:
        return sum(e["minutes"] for e in self.entries.values() if e["service_date"] == day)

    def _require_within_cap(
        self, day: date, minutes: int, cap: int, apart_from: UUID | None = None
    ) -> None:
        counted = self.minutes_on(day)
        if apart_from is not None:
            counted -= self.entries[str(apart_from)]["minutes"]
        if counted + minutes > cap:
            raise DailyCapExceededError(
                f"{counted + minutes} minutes on {day.isoformat()} would pass the daily cap "
                f"of {cap} minutes",
                volunteer_id=str(self.volunteer_id),
                service_date=day.isoformat(),
                counted_minutes=counted,
                cap_minutes=cap,
            )

    @event(ShiftHeld)
    def _hold(self, shift_id: UUID, starts_at: datetime, ends_at: datetime, actor: str) -> None:
        self.shifts[str(shift_id)] = [starts_at, ends_at]

    @event(ShiftReleased)
    def _release(self, shift_id: UUID, actor: str) -> None:
        del self.shifts[str(shift_id)]

    @event(TimeCounted)
    def _count(
        self,
        record_id: UUID,
        started_at: datetime,
        ended_at: datetime,
        service_date: date,
        minutes: int,
        actor: str,
    ) -> None:
        self.entries[str(record_id)] = {
            "started_at": started_at,
            "ended_at": ended_at,
            "service_date": service_date,
            "minutes": minutes,
        }

    @event(CountedMinutesChanged)
    def _recount(self, record_id: UUID, minutes: int, actor: str) -> None:
        self.entries[str(record_id)]["minutes"] = minutes

    @event(TimeUncounted)
    def _uncount(self, record_id: UUID, actor: str) -> None:
        del self.entries[str(record_id)]
