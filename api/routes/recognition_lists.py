"""Published recognition lists (好人榜): publish a period's board, object, resolve, finalise."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query, status
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
from api.pagination import encode_cursor
from api.period_query import PERIOD_DESCRIPTION, PERIOD_PATTERN, period_for
from api.permissions import RecognitionListOrganiser
from api.readable import PeriodPublic, hours, local, period_public
from api.routes.leaderboards import board_for, public_entries
from api.routes.queues import position_cursor
from api.routing import PrefixedRouter
from api.schemas import Command, Created, Done, Uuid
from domain.errors import InvalidInputError
from domain.periods import CURRENT, Period, periods_in_year
from domain.policy import mask_volunteer_number
from domain.volunteer import ERASED_NAME
from projections.directory.names import pseudonyms_of
from projections.recognition_lists.queries import published_lists

router = PrefixedRouter(
    prefix="/v1/recognition-lists", tags=["recognition"], route_class=TokenFirstRoute
)


class Publish(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organization_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "period": "2026-B6",
                    "title": "2026年11–12月“好人榜”",
                    "size": 10,
                }
            ]
        }
    )

    organization_id: Uuid
    period: str = Field(
        examples=["2026-B1"], pattern=PERIOD_PATTERN, description=PERIOD_DESCRIPTION
    )
    category: str | None = Field(default=None, json_schema_extra=CATEGORIES)
    title: str = Field(min_length=1, max_length=100, examples=["2026年第一期“好人榜”"])
    size: int = Field(default=10, ge=1, le=200, description="how many places the list has")


class FileObjection(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"volunteer_number": "*****6782", "reason": "该时段本人在外地，时长有误"}]
        }
    )

    volunteer_number: str = Field(
        min_length=1,
        max_length=20,
        description="the entry's number in full, or as the list shows it (*****6782)",
    )
    rank: int | None = Field(
        default=None, ge=1, description="the entry's rank, when several show that number"
    )
    reason: str = Field(min_length=1, max_length=500)


class ResolveObjection(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"upheld": False, "resolution": "经核对签到记录，时长无误"}]
        }
    )

    upheld: bool
    resolution: str = Field(min_length=1, max_length=500)


class ListedEntry(BaseModel):
    rank: int
    volunteer_number: str = Field(
        description="its last four digits only (*****6782)", examples=["*****6782"]
    )
    name: str
    approved_minutes: int
    approved_hours: str = Field(examples=["4.25"])
    withdrawn: bool


class RecognitionListHead(BaseModel):
    """What a list is and where its public notice stands, without its entries."""

    id: UUID
    organization_id: UUID
    period: str
    period_detail: PeriodPublic = Field(description="the period with its label and its days")
    category: str | None
    title: str
    published_at: datetime = Field(description="when it was published: its public notice began")
    published_at_local: AwareDatetime = Field(description="with the organisation's offset")
    publicity_ends_at: datetime
    publicity_ends_at_local: AwareDatetime = Field(description="with the organisation's offset")
    open_objections: int
    final: bool


class RecognitionListPublic(RecognitionListHead):
    entries: list[ListedEntry]


class RecognitionListSummary(RecognitionListHead):
    places: int = Field(description="how many entries it has (withdrawn ones included)")


class RecognitionListPage(BaseModel):
    items: list[RecognitionListSummary]
    next_cursor: str | None
    position: int


@router.post(
    "",
    summary="Publish a recognition list",
    status_code=status.HTTP_201_CREATED,
    responses={403: {}, 404: {}, 409: {}},
)
def publish(body: Publish, services: ServicesDep, principal: PrincipalDep) -> Created:
    """Freeze the public view of the period's leaderboard as a numbered list."""
    ledger = services.ledger
    require_organiser_of(ledger, principal, body.organization_id)
    period = period_for(services, body.organization_id, body.period)
    services.runner.wait_for(
        ledger.recorder.max_notification_id() or 0, timeout=services.settings.read_wait_seconds
    )
    board = board_for(
        services,
        body.organization_id,
        period,
        body.category,
        full_names=False,
        limit=body.size,
        after=None,
    )
    shown = public_entries(board, full_names=False)
    entries = [
        {
            "rank": e.rank,
            "volunteer_id": entry["volunteer_id"],
            "volunteer_number": entry["volunteer_number"],  # in full: objections name it
            "name": e.name,
            "minutes": e.approved_minutes,
        }
        for e, entry in zip(shown, board.entries, strict=True)
    ]
    list_id, position = ledger.publish_recognition_list.written(
        organisation_id=body.organization_id,
        period=period.text,
        category=body.category,
        title=body.title,
        entries=entries,
        actor=principal.actor,
        publicity=timedelta(days=services.settings.publicity_days),
    )
    return Created(id=list_id, position=position)


@router.get("", summary="Published recognition lists", responses={404: {}})
def list_lists(
    services: ServicesDep,
    organization_id: Annotated[
        UUID | None, Query(description="only the lists this organisation published")
    ] = None,
    year: Annotated[
        int | None,
        Query(ge=2000, le=2100, description="only the lists of the year, its cycles and months"),
    ] = None,
    period: Annotated[
        str | None, Query(pattern=PERIOD_PATTERN, description="only the lists of this period")
    ] = None,
    category: Annotated[str | None, Query(max_length=50, json_schema_extra=CATEGORIES)] = None,
    final: Annotated[
        bool | None, Query(description="true: made final; false: still under public notice")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> RecognitionListPage:
    """Public: the lists published, newest first, each with its period, its places and where
    its public notice stands; `GET /v1/recognition-lists/{list_id}` shows one's entries."""
    if organization_id is not None:
        services.places.timezone(organization_id)  # an unknown organisation is a 404
    periods = None if year is None else periods_in_year(year)
    if period is not None:
        if period == CURRENT and organization_id is None:
            raise InvalidInputError(
                "current is the cycle of today where an organisation is: name the organisation",
                field="period",
            )
        if organization_id is not None:
            period = period_for(services, organization_id, period).text
        periods = [p for p in periods or [period] if p == period]
    position = wait_for_position(services, min_position)
    page = published_lists(
        services.views,
        None if organization_id is None else str(organization_id),
        periods=periods,
        category=category,
        final=final,
        limit=limit,
        after=position_cursor(cursor),
    )
    items = []
    for row in page.items:
        timezone = services.places.timezone(UUID(row["organisation_id"]))
        published_at = datetime.fromisoformat(row["published_at"])
        ends_at = datetime.fromisoformat(row["publicity_ends_at"])
        items.append(
            RecognitionListSummary(
                id=row["id"],
                organization_id=row["organisation_id"],
                period=row["period"],
                period_detail=period_public(Period.parse(row["period"])),
                category=row["category"],
                title=row["title"],
                places=row["entries"],
                published_at=published_at,
                published_at_local=local(published_at, timezone),
                publicity_ends_at=ends_at,
                publicity_ends_at_local=local(ends_at, timezone),
                open_objections=row["open_objections"],
                final=row["final"],
            )
        )
    return RecognitionListPage(
        items=items, next_cursor=encode_cursor(page.next_after), position=position
    )


@router.get("/{list_id}", responses={404: {}})
def get_list(
    list_id: UUID, services: ServicesDep, min_position: MinPosition = None
) -> RecognitionListPublic:
    """Public: the list as published, withdrawn entries marked; an erased volunteer's entry
    under their pseudonym."""
    wait_for_position(services, min_position)
    published = services.ledger.recognition_list(list_id)
    timezone = services.ledger.organisation(published.organisation_id).timezone
    # An erased volunteer's entry keeps its place and hours under their pseudonym.
    erased = pseudonyms_of(services.views, {str(e["volunteer_id"]) for e in published.entries})
    return RecognitionListPublic(
        id=published.id,
        organization_id=published.organisation_id,
        period=published.period,
        period_detail=period_public(Period.parse(published.period)),
        category=published.category,
        title=published.title,
        entries=[
            ListedEntry(
                rank=e["rank"],
                volunteer_number=mask_volunteer_number(e["volunteer_number"]),
                name=erased.get(str(e["volunteer_id"])) or e["name"] or ERASED_NAME,
                approved_minutes=e["minutes"],
                approved_hours=hours(e["minutes"]),
                withdrawn=e["volunteer_id"] in published.withdrawn,
            )
            for e in published.entries
        ],
        published_at=published.created_on,
        published_at_local=local(published.created_on, timezone),
        publicity_ends_at=published.publicity_ends_at,
        publicity_ends_at_local=local(published.publicity_ends_at, timezone),
        open_objections=len(published.open_objections),
        final=published.is_final,
    )


@router.post(
    "/{list_id}/objections",
    status_code=status.HTTP_201_CREATED,
    responses={404: {}, 409: {}, 422: {}},
)
def file_objection(
    list_id: UUID, body: FileObjection, services: ServicesDep, principal: PrincipalDep
) -> Created:
    """Anyone logged in may object to an entry during the publicity window, naming it by its
    volunteer number as the list shows it (or in full), and by its rank when several entries
    show the same number."""
    ledger = services.ledger
    published = ledger.recognition_list(list_id)
    entry = entry_named(published.entries, body.volunteer_number, body.rank)
    objection, position = ledger.file_objection.written(
        list_id, UUID(entry["volunteer_id"]), body.reason, principal.actor
    )
    return Created(id=objection, position=position)


def entry_named(entries: list[dict[str, Any]], number: str, rank: int | None) -> dict[str, Any]:
    """The one entry with this number, in full or masked as shown, and this rank if given."""
    matching = [
        e
        for e in entries
        if number in (e["volunteer_number"], mask_volunteer_number(e["volunteer_number"]))
        and rank in (None, e["rank"])
    ]
    if not matching:
        raise InvalidInputError(
            "no entry with that volunteer number on this list", field="volunteer_number"
        )
    if len(matching) > 1:
        raise InvalidInputError(
            "several entries show that volunteer number; give the rank too", field="rank"
        )
    return matching[0]


@router.post("/{list_id}/objections/{objection_id}/resolve", responses={403: {}, 404: {}, 409: {}})
def resolve_objection(
    list_id: UUID,
    objection_id: UUID,
    body: ResolveObjection,
    services: ServicesDep,
    principal: RecognitionListOrganiser,
) -> Done:
    """Uphold or dismiss an objection to a recognition list, with the resolution. Organisers of the
    list's organisation (or above); 409 when the objection or
    the list no longer allows it."""
    ledger = services.ledger
    position = ledger.resolve_objection.written(
        list_id, objection_id, upheld=body.upheld, resolution=body.resolution, actor=principal.actor
    ).position
    return Done(position=position)


@router.post(
    "/{list_id}/finalise",
    summary="Finalise a recognition list",
    responses={403: {}, 404: {}, 409: {}},
)
def finalise(list_id: UUID, services: ServicesDep, principal: RecognitionListOrganiser) -> Done:
    """Close a recognition list's objection period: its places are final. Organisers of the list's
    organisation (or above); 409 when the list's state does not allow it."""
    ledger = services.ledger
    position = ledger.finalise_recognition_list.written(list_id, principal.actor).position
    return Done(position=position)
