"""The shift board: find a shift to sign up for, across activities and organisations."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, Field

from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    OptionalPrincipalDep,
    ServicesDep,
    wait_for_position,
)
from api.enumerations import CATEGORIES
from api.openapi import NO_TOKEN_NEEDED
from api.pagination import decode_cursor, encode_cursor
from api.readable import local, utc
from api.routing import PrefixedRouter
from domain.errors import InvalidInputError
from domain.organisation import DEFAULT_TIMEZONE
from domain.values import zone
from projections.shift_board.board import BoardFilter, shift_board

router = PrefixedRouter(prefix="/v1/shifts", tags=["shifts"])

ShiftStatus = Literal["scheduled", "running", "completed", "cancelled"]
CategoryParam = Annotated[
    str | None,
    Query(
        description="only activities of this category (the deployment's list)",
        json_schema_extra=CATEGORIES,
    ),
]


class MyPlace(BaseModel):
    """The calling volunteer's place on the shift."""

    status: Literal["confirmed", "waitlisted", "none"]
    waitlist_position: int | None = Field(description="1 for the first in line; else null")


class BoardShiftPublic(BaseModel):
    id: UUID
    activity_id: UUID
    activity_title: str | None = Field(examples=["早高峰文明交通劝导"])
    category: str | None = Field(json_schema_extra=CATEGORIES)
    organisation_id: UUID
    organisation_name: str | None = Field(examples=["和平里社区"])
    place: str | None = Field(description="the shift's place, else the activity's")
    starts_at: AwareDatetime = Field(description="UTC")
    starts_at_local: AwareDatetime = Field(description="in the organisation's time zone")
    ends_at: AwareDatetime
    ends_at_local: AwareDatetime
    capacity: int
    confirmed: int = Field(description="places taken")
    places_left: int
    waitlist_length: int
    status: ShiftStatus = Field(
        description="cancelled; else by the clock: scheduled before the start, running "
        "until the end, completed after it"
    )
    my_place: MyPlace | None = Field(
        description="with a volunteer's token, their place on it; null otherwise"
    )


class ShiftBoardPage(BaseModel):
    items: list[BoardShiftPublic]
    next_cursor: str | None
    position: int


@router.get(
    "",
    summary="The shift board",
    responses={404: {"description": "Unknown organisation"}},
    openapi_extra=NO_TOKEN_NEEDED,
)
def list_shifts(
    services: ServicesDep,
    principal: OptionalPrincipalDep,
    organization_id: Annotated[
        UUID | None, Query(description="this organisation and every one below it")
    ] = None,
    category: CategoryParam = None,
    from_: Annotated[
        date | None,
        Query(alias="from", description="first local day of the start (the organisation's zone)"),
    ] = None,
    to: Annotated[date | None, Query(description="last local day of the start, inclusive")] = None,
    open: Annotated[
        bool | None,
        Query(
            description="true: shifts one can still sign up for (not cancelled, not started; "
            "a place left or the waitlist, which has no limit); false: the others"
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="text in the activity's title"),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> ShiftBoardPage:
    """Shifts of every activity, by start time then id, with their places and waitlist.

    Public: without a token the board shows the shifts that are neither cancelled nor over,
    with their places and nobody's name. With a token it shows every shift; a volunteer sees
    their own place on each (`my_place`). Days (`from`, `to`) are read in the time zone of
    `organization_id`, or the default zone (Asia/Shanghai) without it.
    """
    ledger = services.ledger
    timezone = DEFAULT_TIMEZONE
    if organization_id is not None:
        timezone = ledger.organisation(organization_id).timezone
    if category is not None:
        ledger.policy.require_category(category)
    if from_ is not None and to is not None and to < from_:
        raise InvalidInputError("the day range ends before it starts", field="to")
    position = wait_for_position(services, min_position)
    volunteer = principal.volunteer_id if principal is not None else None
    wanted = BoardFilter(
        now=ledger.now(),
        organisation_id=None if organization_id is None else str(organization_id),
        category=category,
        starts_from=None if from_ is None else _midnight(from_, timezone),
        starts_before=None if to is None else _midnight(to + timedelta(days=1), timezone),
        open=open,
        not_ended=principal is None,
        title_contains=q,
        volunteer_id=None if volunteer is None else str(volunteer),
    )
    page = shift_board(services.views, wanted, limit=limit, after=decode_cursor(cursor))
    return ShiftBoardPage(
        items=[_public(item, mine=volunteer is not None) for item in page.items],
        next_cursor=encode_cursor(page.next_after),
        position=position,
    )


def _midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(), zone(timezone))


def _public(item: dict[str, object], *, mine: bool) -> BoardShiftPublic:
    timezone = str(item["timezone"] or DEFAULT_TIMEZONE)
    starts_at = datetime.fromisoformat(str(item["starts_at"]))
    ends_at = datetime.fromisoformat(str(item["ends_at"]))
    my_place = None
    if mine:
        my_place = MyPlace(
            status=item["my_status"] or "none",  # type: ignore[arg-type]
            waitlist_position=item["my_waitlist_position"],  # type: ignore[arg-type]
        )
    return BoardShiftPublic.model_validate(
        {
            **item,
            "starts_at": utc(starts_at),
            "starts_at_local": local(starts_at, timezone),
            "ends_at": utc(ends_at),
            "ends_at_local": local(ends_at, timezone),
            "waitlist_length": item["waitlisted"],
            "my_place": my_place,
        }
    )
