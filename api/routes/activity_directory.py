"""Finding activities: the list with filters, and one activity with its shifts' summary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, Field

from api.deps import Cursor, Limit, MinPosition, ServicesDep, wait_for_position
from api.enumerations import CATEGORIES
from api.openapi import NO_TOKEN_NEEDED
from api.pagination import decode_cursor, encode_cursor
from api.problems import NotFound
from api.readable import local, utc
from api.routes.shift_board import CategoryParam
from api.routing import PrefixedRouter
from domain.organisation import DEFAULT_TIMEZONE
from projections.directory.activities import ActivityFilter, activities, activity

router = PrefixedRouter(prefix="/v1/activities", tags=["activities"])


class ShiftsSummary(BaseModel):
    """The activity's shifts that have not started and are not cancelled."""

    upcoming: int
    next_starts_at: AwareDatetime | None = Field(description="UTC")
    next_starts_at_local: AwareDatetime | None = Field(description="the organisation's zone")
    places_left: int = Field(description="summed over those shifts (waitlists have no limit)")


class ActivityPublic(BaseModel):
    id: UUID
    title: str = Field(examples=["早高峰文明交通劝导"])
    description: str
    category: str = Field(json_schema_extra=CATEGORIES)
    organisation_id: UUID
    organisation_name: str | None = Field(examples=["和平里社区"])
    place: str = Field(examples=["和平里北街路口"])
    contact: str | None = Field(
        description="who to call about the activity: a name and a phone; null when not given",
        examples=["李老师 010-6401 2345"],
    )
    closed: bool
    shifts: ShiftsSummary


class ActivityPage(BaseModel):
    items: list[ActivityPublic]
    next_cursor: str | None
    position: int


@router.get(
    "",
    summary="Find activities",
    responses={404: {"description": "Unknown organisation"}},
    openapi_extra=NO_TOKEN_NEEDED,
)
def list_activities(
    services: ServicesDep,
    organization_id: Annotated[
        UUID | None, Query(description="this organisation and every one below it")
    ] = None,
    category: CategoryParam = None,
    open: Annotated[
        bool | None,
        Query(description="true: not closed, with a shift one can still sign up for"),
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="text in the title")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> ActivityPage:
    """Activities by title, each with its organisation and a summary of its coming shifts.
    Public: activities carry no personal data."""
    ledger = services.ledger
    if organization_id is not None:
        ledger.organisation(organization_id)
    if category is not None:
        ledger.policy.require_category(category)
    position = wait_for_position(services, min_position)
    wanted = ActivityFilter(
        now=ledger.now(),
        organisation_id=None if organization_id is None else str(organization_id),
        category=category,
        open=open,
        title_contains=q,
    )
    page = activities(services.views, wanted, limit=limit, after=decode_cursor(cursor))
    return ActivityPage(
        items=[_public(item) for item in page.items],
        next_cursor=encode_cursor(page.next_after),
        position=position,
    )


@router.get(
    "/{activity_id}",
    summary="One activity",
    responses={404: {"description": "Unknown activity"}},
    openapi_extra=NO_TOKEN_NEEDED,
)
def get_activity(
    activity_id: UUID, services: ServicesDep, min_position: MinPosition = None
) -> ActivityPublic:
    """The activity's title, description, category, organisation, place, contact (null when
    not given), and a summary of its shifts that have not started: how many, the next start,
    the places left. Public."""
    position = wait_for_position(services, min_position)
    found = activity(services.views, str(activity_id), services.ledger.now())
    if found is None:
        services.ledger.activity(activity_id)  # unknown: 404; else the read model lags
        raise NotFound(
            f"activity {activity_id} is not in the read models yet (position {position})"
        )
    return _public(found)


def _public(item: dict[str, Any]) -> ActivityPublic:
    timezone = item["timezone"] or DEFAULT_TIMEZONE
    next_start = item["next_starts_at"]
    start = None if next_start is None else datetime.fromisoformat(next_start)
    summary = ShiftsSummary(
        upcoming=item["upcoming_shifts"],
        next_starts_at=None if start is None else utc(start),
        next_starts_at_local=None if start is None else local(start, timezone),
        places_left=item["places_left"],
    )
    return ActivityPublic.model_validate({**item, "shifts": summary})
