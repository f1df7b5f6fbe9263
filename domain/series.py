"""A weekly series of shifts: the rule an organiser gave once, and the shifts it made."""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.values import Actor, WeeklyRecurrence, derived_id, require_reason


class Series(Aggregate):
    """Shifts of an activity on the same weekdays at the same local times, between two dates.

    Its id derives from the activity and the rule (weekdays, dates, times), so that the same
    rule given again finds the series it made instead of making another. Its shifts stay shifts:
    a change "from a date on" changes each of them that has not started and is not cancelled,
    and the series records which it changed.
    """

    class Scheduled(Aggregate.Created):
        activity_id: UUID
        organisation_id: UUID
        weekdays: list[int]
        first_day: date
        last_day: date
        start_time: str
        end_time: str
        capacity: int
        shift_ids: list[UUID]
        actor: str

    class CapacityChanged(Aggregate.Event):
        from_day: date
        capacity: int
        shift_ids: list[UUID]
        actor: str

    class TimesChanged(Aggregate.Event):
        from_day: date
        start_time: str
        end_time: str
        shift_ids: list[UUID]
        reason: str
        actor: str

    class CancelledFrom(Aggregate.Event):
        """The series' shifts from ``from_day`` on that had not started are cancelled."""

        from_day: date
        reason: str
        shift_ids: list[UUID]
        actor: str

    @staticmethod
    def id_for(activity_id: UUID, rule: WeeklyRecurrence) -> UUID:
        return derived_id(
            "series",
            activity_id,
            ",".join(str(day) for day in sorted(rule.weekdays)),
            rule.first_day.isoformat(),
            rule.last_day.isoformat(),
            rule.start_time.isoformat(),
            rule.end_time.isoformat(),
        )

    @classmethod
    def schedule(
        cls,
        *,
        activity_id: UUID,
        organisation_id: UUID,
        rule: WeeklyRecurrence,
        capacity: int,
        shift_ids: list[UUID],
        actor: Actor,
    ) -> Series:
        series: Series = cls._create(
            cls.Scheduled,
            id=cls.id_for(activity_id, rule),
            activity_id=activity_id,
            organisation_id=organisation_id,
            weekdays=sorted(rule.weekdays),
            first_day=rule.first_day,
            last_day=rule.last_day,
            start_time=rule.start_time.isoformat(),
            end_time=rule.end_time.isoformat(),
            capacity=capacity,
            shift_ids=list(shift_ids),
            actor=str(actor),
        )
        return series

    @event(Scheduled)
    def __init__(
        self,
        activity_id: UUID,
        organisation_id: UUID,
        weekdays: list[int],
        first_day: date,
        last_day: date,
        start_time: str,
        end_time: str,
        capacity: int,
        shift_ids: list[UUID],
        actor: str,
    ) -> None:
        self.activity_id = activity_id
        self.organisation_id = organisation_id
        self.weekdays = list(weekdays)
        self.first_day, self.last_day = first_day, last_day
        self.start_time, self.end_time = start_time, end_time
        self.capacity = capacity
        self.shift_ids = list(shift_ids)
        self.cancelled_from: date | None = None

    @property
    def times(self) -> tuple[time, time]:
        return time.fromisoformat(self.start_time), time.fromisoformat(self.end_time)

    def record_capacity(
        self, from_day: date, capacity: int, shift_ids: list[UUID], actor: Actor
    ) -> None:
        self._change_capacity(
            from_day=from_day, capacity=capacity, shift_ids=shift_ids, actor=str(actor)
        )

    def record_times(
        self,
        from_day: date,
        times: tuple[time, time],
        shift_ids: list[UUID],
        reason: str,
        actor: Actor,
    ) -> None:
        self._change_times(
            from_day=from_day,
            start_time=times[0].isoformat(),
            end_time=times[1].isoformat(),
            shift_ids=shift_ids,
            reason=require_reason(reason),
            actor=str(actor),
        )

    def record_cancellation(
        self, from_day: date, reason: str, shift_ids: list[UUID], actor: Actor
    ) -> None:
        self._cancel_from(
            from_day=from_day, reason=require_reason(reason), shift_ids=shift_ids, actor=str(actor)
        )

    @event(CapacityChanged)
    def _change_capacity(
        self, from_day: date, capacity: int, shift_ids: list[UUID], actor: str
    ) -> None:
        self.capacity = capacity

    @event(TimesChanged)
    def _change_times(
        self,
        from_day: date,
        start_time: str,
        end_time: str,
        shift_ids: list[UUID],
        reason: str,
        actor: str,
    ) -> None:
        self.start_time, self.end_time = start_time, end_time

    @event(CancelledFrom)
    def _cancel_from(self, from_day: date, reason: str, shift_ids: list[UUID], actor: str) -> None:
        if self.cancelled_from is None or from_day < self.cancelled_from:
            self.cancelled_from = from_day
