"""Organisations: the district–street–community tree, and their organisers."""

from __future__ import annotations

from uuid import UUID

from fastapi import status
from pydantic import BaseModel, ConfigDict, Field

from api.access import require_admin, require_organiser_of
from api.deps import PrincipalDep, ServicesDep, TokenFirstRoute
from api.enumerations import ORGANISATION_KINDS
from api.passwords import MAX_LENGTH, check_password
from api.permissions import OrganisationOrganiser
from api.routing import PrefixedRouter
from api.schemas import Command, Created, Secret, Uuid
from api.security import hash_password
from domain.organisation import DEFAULT_TIMEZONE

router = PrefixedRouter(
    prefix="/v1/organizations", tags=["organizations"], route_class=TokenFirstRoute
)


class CreateOrganization(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "和平里第二社区",
                    "kind": "community",
                    "parent_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "timezone": "Asia/Shanghai",
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=100, examples=["和平里街道"])
    kind: str = Field(examples=["street"], json_schema_extra=ORGANISATION_KINDS)
    parent_id: Uuid | None = None
    timezone: str = DEFAULT_TIMEZONE


class OrganizationPublic(BaseModel):
    id: UUID
    name: str
    kind: str
    parent_id: UUID | None
    children: list[UUID]
    timezone: str
    closed: bool


class AddOrganiser(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "李明华",
                    "password": "wide river under 7 bridges",
                    "display_name": "李明华",
                }
            ]
        }
    )

    username: str = Field(
        min_length=2,
        max_length=32,
        examples=["李明华"],
        description="2 to 32 letters of any script, digits or _.-, at least one letter; "
        "stored NFKC-normalised and case-folded",
    )
    password: Secret = Field(
        max_length=MAX_LENGTH, description="at least 10 characters, not easy to guess"
    )
    display_name: str = Field(min_length=1, max_length=50)


@router.post("", status_code=status.HTTP_201_CREATED, responses={403: {}, 404: {}, 409: {}})
def create_organization(
    body: CreateOrganization, services: ServicesDep, principal: PrincipalDep
) -> Created:
    """An admin creates any organisation; an organiser creates one below theirs."""
    if body.parent_id is None:
        require_admin(principal)
    else:
        require_organiser_of(services.ledger, principal, body.parent_id)
    ledger = services.ledger
    new_id, position = ledger.create_organisation.written(
        name=body.name,
        kind=body.kind,
        parent_id=body.parent_id,
        timezone=body.timezone,
        actor=principal.actor,
    )
    return Created(id=new_id, position=position)


@router.get("/{organization_id}", responses={404: {}})
def get_organization(
    organization_id: UUID, services: ServicesDep, principal: PrincipalDep
) -> OrganizationPublic:
    """One organisation: its name, kind, parent, children, time zone and whether it is closed.
    Anyone logged in; 404 for an unknown id."""
    organisation = services.ledger.organisation(organization_id)
    return OrganizationPublic(
        id=organisation.id,
        name=organisation.name,
        kind=organisation.kind,
        parent_id=organisation.parent_id,
        children=organisation.children,
        timezone=organisation.timezone,
        closed=organisation.is_closed,
    )


@router.post(
    "/{organization_id}/organisers",
    status_code=status.HTTP_201_CREATED,
    responses={403: {}, 404: {}, 409: {}},
)
def add_organiser(
    organization_id: UUID,
    body: AddOrganiser,
    services: ServicesDep,
    principal: OrganisationOrganiser,
) -> Created:
    """Create an organiser account for this organisation (and everything below it)."""
    check_password(body.password, staff=True, related=[body.username, body.display_name])
    ledger = services.ledger
    account_id, position = ledger.create_staff_account.written(
        username=body.username,
        display_name=body.display_name,
        password_hash=hash_password(body.password),
        organisation_id=organization_id,
        actor=principal.actor,
    )
    return Created(id=account_id, position=position)
