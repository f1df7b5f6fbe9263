"""Leaderboards: volunteers of an organisation's subtree ranked by approved minutes in a period."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response
from pydantic import BaseModel, Field

from api.access import covers
from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    OptionalPrincipalDep,
    Services,
    ServicesDep,
    wait_for_position,
)
from api.enumerations import CATEGORIES
from api.export_lists import leaderboard_csv
from api.exports import CSV, ListFormatDep, file_types
from api.openapi import NO_TOKEN_NEEDED
from api.pagination import decode_cursor, encode_cursor
from api.period_query import PERIOD_DESCRIPTION, PERIOD_PATTERN, period_for
from api.readable import PeriodPublic, hours, period_public
from api.routing import PrefixedRouter
from domain.periods import Period
from domain.policy import mask_name, mask_volunteer_number
from domain.values import local_date
from projections.hours.queries import Board, leaderboard

router = PrefixedRouter(prefix="/v1/leaderboards", tags=["recognition"])


class EntryPublic(BaseModel):
    rank: int
    volunteer_id: UUID | None = None
    volunteer_number: str = Field(
        description="in full for organisers of the scope; in public its last four digits only "
        "(*****6782)",
        examples=["*****6782"],
    )
    name: str
    approved_minutes: int
    approved_hours: str = Field(examples=["4.25"])


class LeaderboardPublic(BaseModel):
    organization_id: UUID
    period: str
    period_detail: PeriodPublic = Field(description="the period with its label and its days")
    category: str | None
    full_names: bool
    entries: list[EntryPublic]
    next_cursor: str | None
    position: int


def board_for(
    services: Services,
    organisation_id: UUID,
    period: Period,
    category: str | None,
    *,
    full_names: bool,
    limit: int,
    after: tuple[str, str] | None,
) -> Board:
    """The ranked board: everyone for the scope's organisers, the public view for others."""
    ledger = services.ledger
    today = local_date(ledger.now(), services.places.timezone(organisation_id))
    return leaderboard(
        services.views,
        str(organisation_id),
        period,
        category=category,
        public_as_of=None if full_names else today,
        adult_born_by=None if full_names else ledger.policy.adult_born_by(today),
        limit=limit,
        after=after,
    )


def public_entries(board: Board, full_names: bool) -> list[EntryPublic]:
    return [
        EntryPublic(
            rank=entry["rank"],
            volunteer_id=entry["volunteer_id"] if full_names else None,
            volunteer_number=entry["volunteer_number"]
            if full_names
            else mask_volunteer_number(entry["volunteer_number"]),
            name=entry["name"] if full_names else mask_name(entry["name"]),
            approved_minutes=entry["approved_minutes"],
            approved_hours=hours(entry["approved_minutes"]),
        )
        for entry in board.entries
    ]


@router.get(
    "",
    response_model=LeaderboardPublic,
    responses={**file_types(CSV), 404: {}, 422: {}},
    openapi_extra=NO_TOKEN_NEEDED,
)
def get_leaderboard(
    services: ServicesDep,
    principal: OptionalPrincipalDep,
    organization_id: UUID,
    format: ListFormatDep,
    period: Annotated[str, Query(pattern=PERIOD_PATTERN, description=PERIOD_DESCRIPTION)] = "all",
    category: Annotated[str | None, Query(json_schema_extra=CATEGORIES)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> LeaderboardPublic | Response:
    """Public: masked names and volunteer numbers (the last four digits) of those who agreed
    to be listed (minors only with a guardian's consent). Organisers of the organisation see
    everyone with full names and numbers. ``format=csv`` (or ``Accept: text/csv``): every
    entry as a CSV file.
    """
    parsed = period_for(services, organization_id, period)
    full_names = principal is not None and covers(services.places, principal, organization_id)
    position = wait_for_position(services, min_position)
    if format == "csv":
        return leaderboard_csv(
            lambda after: board_for(
                services,
                organization_id,
                parsed,
                category,
                full_names=full_names,
                limit=500,
                after=after,
            ),
            full_names=full_names,
            filename=f"leaderboard-{services.ledger.organisation(organization_id).name}"
            f"-{parsed.text}.csv",
        )
    board = board_for(
        services,
        organization_id,
        parsed,
        category,
        full_names=full_names,
        limit=limit,
        after=decode_cursor(cursor),
    )
    return LeaderboardPublic(
        organization_id=organization_id,
        period=parsed.text,
        period_detail=period_public(parsed),
        category=category,
        full_names=full_names,
        entries=public_entries(board, full_names),
        next_cursor=encode_cursor(board.next_after),
        position=position,
    )
