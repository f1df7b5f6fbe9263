"""Organisation rankings: the red and black lists of child organisations."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from api.deps import MinPosition, PrincipalDep, ServicesDep, wait_for_position
from api.period_query import PERIOD_DESCRIPTION, PERIOD_PATTERN, period_for
from api.readable import PeriodPublic, hours, period_public
from api.routing import PrefixedRouter
from projections.hours.queries import rank_children

router = PrefixedRouter(prefix="/v1/organizations", tags=["recognition"])


class StandingPublic(BaseModel):
    rank: int | None = Field(
        description="competition rank (1, 2, 2, 4) among the ranked; null when unranked"
    )
    organization_id: UUID
    name: str
    active_volunteers: int
    participants: int = Field(description="active volunteers with approved service in the period")
    approved_minutes: int
    approved_hours: str = Field(examples=["4.25"])
    minutes_per_active_volunteer: int
    hours_per_active_volunteer: str
    participation_percent: int
    list: Literal["red", "black"] | None = Field(description="the list it is on, if any")
    standing: Literal["red", "black", "between", "unranked"] = Field(
        description="red or black list, between them, or unranked: no approved service in "
        "the period, so nothing to compare (on neither list)"
    )


class RankingsPublic(BaseModel):
    organization_id: UUID
    period: str
    period_detail: PeriodPublic = Field(description="the period with its label and its days")
    children: list[StandingPublic]
    position: int


@router.get("/{organization_id}/rankings", responses={404: {}, 422: {}})
def get_rankings(
    organization_id: UUID,
    services: ServicesDep,
    principal: PrincipalDep,
    period: Annotated[str, Query(pattern=PERIOD_PATTERN, description=PERIOD_DESCRIPTION)] = "all",
    n: Annotated[
        int | None, Query(ge=1, le=50, description="size of the red and black lists")
    ] = None,
    min_position: MinPosition = None,
) -> RankingsPublic:
    """Child organisations by approved minutes per active volunteer, then participation rate.

    A child with no approved service in the period is unranked (rank null, on neither list);
    equal scores share a rank and a class; the top ``n`` ranks are the red list and the
    bottom ``n``, counted from below, the black list (ties at the edge included)."""
    parsed = period_for(services, organization_id, period)
    ledger = services.ledger
    organisation = ledger.organisation(organization_id)
    position = wait_for_position(services, min_position)
    children = [(str(c), ledger.organisation(c).name) for c in organisation.children]
    size = n if n is not None else services.settings.red_black_list_size
    ranked = rank_children(services.views, children, parsed, size)
    return RankingsPublic(
        organization_id=organization_id,
        period=parsed.text,
        period_detail=period_public(parsed),
        children=[
            StandingPublic.model_validate(
                {
                    **row,
                    "approved_hours": hours(row["approved_minutes"]),
                    "hours_per_active_volunteer": hours(row["minutes_per_active_volunteer"]),
                }
            )
            for row in ranked
        ],
        position=position,
    )
