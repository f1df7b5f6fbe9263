"""Activities and their shifts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import Body, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.access import require_organiser_of
from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    PrincipalDep,
    ServicesDep,
    TokenFirstRoute,
    wait_for_position,
)
from api.enumerations import CATEGORIES
from api.pagination import decode_cursor, encode_cursor
from api.permissions import ActivityOrganiser
from api.readable_rows import local_of
from api.routing import PrefixedRouter
from api.schemas import Command, Created, Day, Done, Instant, LocalTime, Text, Uuid
from domain.errors import InvalidInputError
from domain.shift import Phase, phase
from domain.values import WeeklyRecurrence
from projections.shift_board.queries import shifts_of_activity

router = PrefixedRouter(prefix="/v1/activities", tags=["activities"], route_class=TokenFirstRoute)


class CreateActivity(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "早高峰文明交通劝导",
                    "category": "文明劝导",
                    "organization_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "location": "和平里北街路口",
                    "description": "在路口劝导行人和非机动车遵守信号灯。",
                    "contact": "李老师 010-6401 2345",
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=100, examples=["早高峰文明交通劝导"])
    category: str = Field(examples=["文明劝导"], json_schema_extra=CATEGORIES)
    organization_id: Uuid
    location: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    contact: Text | None = Field(
        default=None,
        max_length=100,
        description="who to call about the activity: a name and a phone",
        examples=["李老师 010-6401 2345"],
    )


class Recurrence(Command):
    weekdays: list[int] = Field(min_length=1, max_length=7, description="0 = Monday … 6 = Sunday")
    first_day: Day
    last_day: Day
    start_time: LocalTime = Field(description="local time of the organising organisation")
    end_time: LocalTime = Field(description="at or before start_time: the next day")


class ScheduleShift(Command):
    """Either ``starts_at`` and ``ends_at`` for one shift, or a weekly ``recurrence``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "starts_at": "2026-12-12T07:30:00+08:00",
                    "ends_at": "2026-12-12T09:30:00+08:00",
                    "capacity": 6,
                    "location": "和平里北街路口",
                },
                {
                    "recurrence": {
                        "weekdays": [0, 2, 4],
                        "first_day": "2026-12-14",
                        "last_day": "2027-01-29",
                        "start_time": "07:30",
                        "end_time": "09:30",
                    },
                    "capacity": 6,
                },
            ]
        }
    )

    starts_at: Instant | None = None
    ends_at: Instant | None = None
    recurrence: Recurrence | None = None
    capacity: int = Field(ge=1, le=10_000)
    location: str | None = Field(default=None, max_length=200)
    required_skills: list[str] = Field(default_factory=list, max_length=20)


class ShiftsScheduled(Done):
    ids: list[UUID] = Field(description="the shift, or the series' shifts")
    series_id: UUID | None = Field(
        default=None, description="for a recurrence: the series, at GET /v1/series/{id}"
    )


class ShiftPublic(BaseModel):
    id: UUID
    activity_id: UUID
    organisation_id: UUID
    starts_at: AwareDatetime
    starts_at_local: AwareDatetime = Field(description="with the organisation's offset")
    ends_at: AwareDatetime
    ends_at_local: AwareDatetime
    capacity: int
    confirmed: int
    waitlisted: int
    status: Phase = Field(
        description="cancelled; else by the clock: scheduled before the start, running "
        "until the end, completed after it"
    )
    location: str | None
    required_skills: list[str]


class ShiftPage(BaseModel):
    items: list[ShiftPublic]
    next_cursor: str | None
    position: int


@router.post("", status_code=status.HTTP_201_CREATED, responses={403: {}, 404: {}, 409: {}})
def create_activity(
    body: CreateActivity, services: ServicesDep, principal: PrincipalDep
) -> Created:
    """A new activity of an organisation, under which shifts are scheduled. Organisers of the
    organisation (or above) and admins; 404 for an unknown organisation, 409 when it is closed."""
    require_organiser_of(services.ledger, principal, body.organization_id)
    ledger = services.ledger
    activity_id, position = ledger.create_activity.written(
        title=body.title,
        category=body.category,
        organisation_id=body.organization_id,
        location=body.location,
        description=body.description,
        actor=principal.actor,
        contact=body.contact,
    )
    return Created(id=activity_id, position=position)


@router.post(
    "/{activity_id}/shifts",
    status_code=status.HTTP_201_CREATED,
    responses={403: {}, 404: {}, 409: {}, 422: {}},
)
def schedule_shifts(
    activity_id: UUID,
    body: Annotated[ScheduleShift, Body()],
    services: ServicesDep,
    principal: ActivityOrganiser,
) -> ShiftsScheduled:
    """One shift, or a weekly recurrence: a series (``series_id``) with one shift per matching
    day still to come. The same recurrence again (same weekdays, dates and times, whatever the
    capacity) is a 409 ``series-exists`` whose ``series_id`` names the series: change it with
    ``POST /v1/series/{id}/capacity`` or ``/times``, or ``/cancel`` it, from a date on."""
    ledger = services.ledger
    if body.recurrence is not None and body.starts_at is None and body.ends_at is None:
        rule = body.recurrence
        series_id, position = ledger.schedule_series.written(
            activity_id,
            WeeklyRecurrence(
                frozenset(rule.weekdays),
                rule.first_day,
                rule.last_day,
                rule.start_time,
                rule.end_time,
            ),
            capacity=body.capacity,
            location=body.location,
            required_skills=body.required_skills,
            actor=principal.actor,
        )
        ids = ledger.series(series_id).shift_ids
        return ShiftsScheduled(ids=ids, series_id=series_id, position=position)
    if body.recurrence is None and body.starts_at is not None and body.ends_at is not None:
        shift_id, position = ledger.add_shift.written(
            activity_id,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            capacity=body.capacity,
            location=body.location,
            required_skills=body.required_skills,
            actor=principal.actor,
        )
        return ShiftsScheduled(ids=[shift_id], position=position)
    raise InvalidInputError("give either starts_at and ends_at, or a recurrence")


@router.get("/{activity_id}/shifts", responses={404: {}})
def list_shifts(
    activity_id: UUID,
    services: ServicesDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> ShiftPage:
    """The activity's shifts by start time, with places taken and waitlisted."""
    activity = services.ledger.activity(activity_id)
    timezone = services.ledger.organisation(activity.organisation_id).timezone
    position = wait_for_position(services, min_position)
    page = shifts_of_activity(
        services.views, str(activity_id), limit=limit, after=decode_cursor(cursor)
    )
    now = services.ledger.now()
    return ShiftPage(
        items=[
            ShiftPublic.model_validate(
                {
                    **item,
                    "status": phase(
                        item["status"] == "cancelled",
                        datetime.fromisoformat(item["starts_at"]),
                        datetime.fromisoformat(item["ends_at"]),
                        now,
                    ),
                    "starts_at_local": local_of(item["starts_at"], timezone),
                    "ends_at_local": local_of(item["ends_at"], timezone),
                }
            )
            for item in page.items
        ],
        next_cursor=encode_cursor(page.next_after),
        position=position,
    )
