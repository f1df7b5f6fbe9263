"""An organiser finds a volunteer of their organisations by name, phone or volunteer number."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from api.access import mask_phone, require_organiser_of
from api.deps import Cursor, Limit, MinPosition, PrincipalDep, ServicesDep, wait_for_position
from api.pagination import decode_cursor, encode_cursor
from api.routing import PrefixedRouter
from projections.directory.search import volunteers_of

router = PrefixedRouter(prefix="/v1/organizations", tags=["volunteers"])


class VolunteerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


class FoundVolunteer(BaseModel):
    id: UUID
    volunteer_number: str = Field(examples=["123456782"])
    name: str = Field(examples=["王小明"])
    phone: str | None = Field(
        description="masked; null once the volunteer was erased", examples=["139****0001"]
    )
    organisation_id: UUID = Field(description="the volunteer's home organisation")
    organisation_name: str | None
    status: VolunteerStatus


class FoundVolunteerPage(BaseModel):
    items: list[FoundVolunteer]
    next_cursor: str | None
    position: int


@router.get(
    "/{organization_id}/volunteers",
    summary="Find a volunteer",
    responses={
        403: {"description": "Not an organiser of this organisation"},
        404: {"description": "Unknown organisation"},
    },
)
def find_volunteers(
    organization_id: UUID,
    services: ServicesDep,
    principal: PrincipalDep,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=50,
            description="part of the name; or digits (4 or more): part of the phone "
            "(139-1000-7919, +86 … and separators are fine) or the start of the volunteer "
            "number",
        ),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> FoundVolunteerPage:
    """Volunteers whose home is the organisation or one below it, by volunteer number, with
    the phone masked as elsewhere. Organisers of the organisation (or one above it) and
    admins."""
    ledger = services.ledger
    ledger.organisation(organization_id)
    require_organiser_of(ledger, principal, organization_id)
    position = wait_for_position(services, min_position)
    page = volunteers_of(
        services.views, str(organization_id), q, limit=limit, after=decode_cursor(cursor)
    )
    return FoundVolunteerPage(
        items=[
            FoundVolunteer.model_validate(
                {**item, "phone": mask_phone(item["phone"]) if item["phone"] else None}
            )
            for item in page.items
        ],
        next_cursor=encode_cursor(page.next_after),
        position=position,
    )
