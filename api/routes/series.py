"""Weekly series of shifts: read one, change its capacity or times from a date on, cancel it."""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.access import require_organiser_of
from api.deps import PrincipalDep, ServicesDep, TokenFirstRoute
from api.routing import PrefixedRouter
from api.schemas import Command, Day, Done, LocalTime
from domain.series import Series

router = PrefixedRouter(prefix="/v1/series", tags=["series"], route_class=TokenFirstRoute)

FROM_DAY = Field(
    description="the first local date affected: shifts on it and after that have not started "
    "and are not cancelled",
    examples=["2026-12-12"],
)
REASON = Field(min_length=1, max_length=500, examples=["场地施工"])


class SeriesPublic(BaseModel):
    id: UUID
    activity_id: UUID
    organisation_id: UUID
    weekdays: list[int] = Field(description="0 = Monday … 6 = Sunday")
    first_day: date
    last_day: date
    start_time: time = Field(description="local time of the organisation")
    end_time: time = Field(description="at or before start_time: the next day")
    capacity: int = Field(description="the latest capacity given to the series")
    shift_ids: list[UUID] = Field(description="its shifts, by start")
    cancelled_from: date | None = Field(description="the earliest date it was cancelled from")


class ChangeSeriesCapacity(Command):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"from_day": "2026-12-14", "capacity": 8}]}
    )

    from_day: Day = FROM_DAY
    capacity: int = Field(ge=1, le=10_000, examples=[8])


class ChangeSeriesTimes(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "from_day": "2026-12-14",
                    "start_time": "14:00",
                    "end_time": "16:00",
                    "reason": "场地上午施工",
                }
            ]
        }
    )

    from_day: Day = FROM_DAY
    start_time: LocalTime = Field(examples=["14:00"])
    end_time: LocalTime = Field(examples=["16:00"])
    reason: str = REASON


class CancelSeries(Command):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"from_day": "2026-12-14", "reason": "场地施工"}]}
    )

    from_day: Day = FROM_DAY
    reason: str = REASON


class SeriesShiftsChanged(Done):
    shift_ids: list[UUID] = Field(description="the shifts changed or cancelled")


class ClashPublic(BaseModel):
    volunteer_id: UUID
    overlapping_shift_id: UUID


class SeriesRescheduled(Done):
    clashes: list[ClashPublic] = Field(
        description="confirmed volunteers whose other shifts a moved shift now overlaps"
    )


def _organised(services: ServicesDep, principal: PrincipalDep, series_id: UUID) -> Series:
    series = services.ledger.series(series_id)
    require_organiser_of(services.ledger, principal, series.organisation_id)
    return series


@router.get("/{series_id}", responses={404: {}})
def get_series(series_id: UUID, services: ServicesDep, principal: PrincipalDep) -> SeriesPublic:
    """A weekly series: its rule, its latest capacity and times, and its shifts.

    Made by ``POST /v1/activities/{id}/shifts`` with a ``recurrence``, which answers its
    ``series_id``. Anyone logged in may read it (no personal data).
    """
    series = services.ledger.series(series_id)
    start_time, end_time = series.times
    return SeriesPublic(
        id=series.id,
        activity_id=series.activity_id,
        organisation_id=series.organisation_id,
        weekdays=series.weekdays,
        first_day=series.first_day,
        last_day=series.last_day,
        start_time=start_time,
        end_time=end_time,
        capacity=series.capacity,
        shift_ids=series.shift_ids,
        cancelled_from=series.cancelled_from,
    )


@router.post(
    "/{series_id}/capacity",
    summary="Change the capacity of a series",
    responses={403: {}, 404: {}, 409: {}, 422: {}},
)
def change_capacity(
    series_id: UUID, body: ChangeSeriesCapacity, services: ServicesDep, principal: PrincipalDep
) -> SeriesShiftsChanged:
    """Set the capacity of every shift of the series from ``from_day`` on that is still to
    come; raising promotes from each waitlist. All or none: 409 ``capacity`` when a shift has
    more confirmed volunteers than that (its id in the problem); 422 when no shift would
    change (every one has that capacity already, or none is still to come)."""
    _organised(services, principal, series_id)
    changed, position = services.ledger.change_series_capacity.written(
        series_id, from_day=body.from_day, capacity=body.capacity, actor=principal.actor
    )
    return SeriesShiftsChanged(shift_ids=changed, position=position)


@router.post("/{series_id}/times", responses={403: {}, 404: {}, 409: {}, 422: {}})
def change_times(
    series_id: UUID, body: ChangeSeriesTimes, services: ServicesDep, principal: PrincipalDep
) -> SeriesRescheduled:
    """Move every shift of the series from ``from_day`` on that is still to come to the new
    local times on its own day. Confirmed volunteers keep their places; those whose other
    shifts one now overlaps are listed. 422 when no shift would change."""
    _organised(services, principal, series_id)
    clashes, position = services.ledger.change_series_times.written(
        series_id,
        from_day=body.from_day,
        start_time=body.start_time,
        end_time=body.end_time,
        reason=body.reason,
        actor=principal.actor,
    )
    return SeriesRescheduled(
        clashes=[
            ClashPublic(volunteer_id=c.volunteer_id, overlapping_shift_id=c.overlapping_shift_id)
            for c in clashes
        ],
        position=position,
    )


@router.post(
    "/{series_id}/cancel",
    summary="Cancel a series from a day",
    responses={403: {}, 404: {}, 409: {}, 422: {}},
)
def cancel(
    series_id: UUID, body: CancelSeries, services: ServicesDep, principal: PrincipalDep
) -> SeriesShiftsChanged:
    """Cancel every shift of the series from ``from_day`` on that is still to come, with the
    reason; their rosters keep who was on them (``cancelled_with_shift``). 422 when none is
    left to cancel."""
    _organised(services, principal, series_id)
    cancelled, position = services.ledger.cancel_series.written(
        series_id, from_day=body.from_day, reason=body.reason, actor=principal.actor
    )
    return SeriesShiftsChanged(shift_ids=cancelled, position=position)
