"""The organisation tree, for finding where to serve: public, names and kinds only."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from api.deps import MinPosition, ServicesDep, wait_for_position
from api.enumerations import ORGANISATION_KINDS
from api.openapi import NO_TOKEN_NEEDED
from api.routing import PrefixedRouter
from projections.directory.tree import organisation_tree

router = PrefixedRouter(prefix="/v1/organizations", tags=["organizations"])


class OrganisationNode(BaseModel):
    id: UUID
    name: str = Field(examples=["和平里街道"])
    kind: str = Field(json_schema_extra=ORGANISATION_KINDS)
    timezone: str = Field(examples=["Asia/Shanghai"])
    closed: bool
    children: list[OrganisationNode] = Field(description="by name")


class OrganisationTree(BaseModel):
    organisations: list[OrganisationNode] = Field(
        description="the top organisations (or the one asked for), each with those below it"
    )
    position: int


@router.get(
    "",
    summary="The organisation tree",
    responses={404: {"description": "Unknown root"}},
    openapi_extra=NO_TOKEN_NEEDED,
)
def get_tree(
    services: ServicesDep,
    root: Annotated[UUID | None, Query(description="only this organisation and below")] = None,
    min_position: MinPosition = None,
) -> OrganisationTree:
    """Every organisation as a tree (district → street → community …), or the subtree under
    `root`, with kinds and time zones. Public: organisations carry no personal data."""
    if root is not None:
        services.ledger.organisation(root)
    position = wait_for_position(services, min_position)
    nodes = organisation_tree(services.views, None if root is None else str(root))
    return OrganisationTree(
        organisations=[OrganisationNode.model_validate(node) for node in nodes],
        position=position,
    )
