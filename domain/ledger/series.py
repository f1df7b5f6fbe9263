"""Commands on weekly series of shifts: schedule one, and change or cancel it from a date on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from uuid import UUID

from domain.errors import InvalidInputError, SeriesExistsError
from domain.ledger.command import command
from domain.ledger.organising import OrganisingCommands
from domain.series import Series
from domain.shift import Shift
from domain.timesheet import Timesheet
from domain.values import Actor, Clash, WeeklyRecurrence, local_date, local_range


class SeriesCommands(OrganisingCommands):
    @command
    def schedule_series(
        self,
        activity_id: UUID,
        recurrence: WeeklyRecurrence,
        *,
        capacity: int,
        location: str | None = None,
        required_skills: list[str] | None = None,
        actor: Actor,
    ) -> UUID:
        """One shift per matching day still to come, as one series; returns its id.

        The same rule again (whatever the capacity) is refused with the series' id: a series
        changes through its own commands. A shift the rule would make that the activity has
        already (made by the same rule before series existed) joins the series as it is.
        """
        activity = self.activity(activity_id)
        series_id = Series.id_for(activity.id, recurrence)
        if self._exists(series_id):
            raise SeriesExistsError(
                "this weekly series exists already; change its capacity or times from a date "
                "on, or cancel it from a date on",
                series_id=str(series_id),
            )
        shift_ids, shifts = self._recurring_shifts(
            activity,
            recurrence,
            capacity=capacity,
            location=location,
            required_skills=required_skills,
            actor=actor,
        )
        if not shift_ids:
            raise InvalidInputError("no day of this series is still to come", field="recurrence")
        series = Series.schedule(
            activity_id=activity.id,
            organisation_id=activity.organisation_id,
            rule=recurrence,
            capacity=capacity,
            shift_ids=shift_ids,
            actor=actor,
        )
        self._save(activity, series, *shifts)
        return series.id

    def series(self, id: UUID) -> Series:
        return self._load(Series, "series", id)

    @command
    def change_series_capacity(
        self, series_id: UUID, *, from_day: date, capacity: int, actor: Actor
    ) -> list[UUID]:
        """Set the capacity of each shift of the series on or after ``from_day`` (local) that
        is still to come and not cancelled; returns those changed. All or none: a shift with
        more confirmed volunteers than the new capacity refuses the whole change."""
        series = self.series(series_id)
        changed: list[UUID] = []
        timesheets: dict[UUID, Timesheet] = {}
        touched: list[Shift] = []
        for shift in self._shifts_to_come(series, from_day):
            if shift.capacity == capacity:
                continue
            shift.change_capacity(capacity, now=self.now(), actor=actor)
            self._promote_sharing(shift, timesheets, actor)
            changed.append(shift.id)
            touched.append(shift)
        if not changed:
            raise InvalidInputError(
                f"every shift of the series still to come from {from_day.isoformat()} on has "
                f"capacity {capacity} already, or there is none",
                series_id=str(series.id),
            )
        series.record_capacity(from_day, capacity, changed, actor)
        self._save(series, *touched, *timesheets.values())
        return changed

    @command
    def change_series_times(
        self,
        series_id: UUID,
        *,
        from_day: date,
        start_time: time,
        end_time: time,
        reason: str,
        actor: Actor,
    ) -> list[Clash]:
        """Move each shift of the series on or after ``from_day`` that is still to come to the
        new local times on its own day; confirmed volunteers keep their places, and those
        whose other shifts one now overlaps are returned, as for one shift."""
        series = self.series(series_id)
        timezone = self.organisation(series.organisation_id).timezone
        now = self.now()
        moved, clashes, changed = [], [], []
        timesheets: dict[UUID, Timesheet] = {}
        for shift in self._shifts_to_come(series, from_day):
            day = local_date(shift.starts_at, timezone)
            new_time = local_range(day, start_time, end_time, timezone)
            if new_time == shift.time:
                continue
            shift.reschedule(new_time, reason=reason, now=now, actor=actor)
            for volunteer_id in shift.confirmed:
                timesheet = self._shared_timesheet(timesheets, volunteer_id, actor)
                clash = timesheet.move_shift(shift.id, new_time, actor)
                if clash is not None:
                    clashes.append(Clash(volunteer_id, clash))
            moved.append(shift)
            changed.append(shift.id)
        if not changed:
            raise InvalidInputError(
                f"every shift of the series still to come from {from_day.isoformat()} on has "
                "these times already, or there is none",
                series_id=str(series.id),
            )
        series.record_times(from_day, (start_time, end_time), changed, reason, actor)
        self._save(series, *moved, *timesheets.values())
        return clashes

    @command
    def cancel_series(
        self, series_id: UUID, *, from_day: date, reason: str, actor: Actor
    ) -> list[UUID]:
        """Cancel each shift of the series on or after ``from_day`` that is still to come;
        returns those cancelled. Their sign-ups end with them, as for one shift."""
        series = self.series(series_id)
        now = self.now()
        shifts: list[Shift] = []
        timesheets: dict[UUID, Timesheet] = {}
        for shift in self._shifts_to_come(series, from_day):
            confirmed = list(shift.confirmed)
            shift.cancel(reason=reason, now=now, actor=actor)
            for volunteer_id in confirmed:
                self._shared_timesheet(timesheets, volunteer_id, actor).release_shift(
                    shift.id, actor
                )
            shifts.append(shift)
        cancelled = [shift.id for shift in shifts]
        if not cancelled:
            raise InvalidInputError(
                f"the series has no shift still to come from {from_day.isoformat()} on",
                series_id=str(series.id),
            )
        series.record_cancellation(from_day, reason, cancelled, actor)
        self._save(series, *shifts, *timesheets.values())
        return cancelled

    def _shared_timesheet(
        self, timesheets: dict[UUID, Timesheet], volunteer_id: UUID, actor: Actor
    ) -> Timesheet:
        """One timesheet object per volunteer across the series' shifts: a volunteer on
        several of them is changed once, in one save, not by rival copies."""
        if volunteer_id not in timesheets:
            timesheets[volunteer_id] = self._timesheet(volunteer_id, actor)
        return timesheets[volunteer_id]

    def _promote_sharing(
        self, shift: Shift, timesheets: dict[UUID, Timesheet], actor: Actor
    ) -> None:
        """``_fill_places`` over the shared timesheets."""

        def can_take(volunteer_id: UUID) -> bool:
            timesheet = self._shared_timesheet(timesheets, volunteer_id, actor)
            clash = timesheet.clashing_shift(shift.time, apart_from=shift.id)
            return self.volunteer(volunteer_id).is_active and clash is None

        for volunteer_id in shift.fill_places(can_take, actor):
            timesheets[volunteer_id].hold_shift(shift.id, shift.time, actor)

    def _shifts_to_come(self, series: Series, from_day: date) -> Iterator[Shift]:
        """The series' shifts on or after ``from_day`` (local date of the start) that have not
        started and are not cancelled, in order."""
        timezone = self.organisation(series.organisation_id).timezone
        now = self.now()
        for shift_id in series.shift_ids:
            shift = self.shift(shift_id)
            if shift.is_cancelled or shift.has_started(now):
                continue
            if local_date(shift.starts_at, timezone) >= from_day:
                yield shift
