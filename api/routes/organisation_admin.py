"""Housekeeping of organisations: rename, close, list their organisers, end an appointment."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.access import Principal, require_admin, require_organiser_of
from api.deps import (
    MinPosition,
    PrincipalDep,
    Services,
    ServicesDep,
    TokenFirstRoute,
    wait_for_position,
)
from api.readable import local, utc
from api.routing import PrefixedRouter
from api.schemas import Command, Done, Reason
from projections.staff.queries import organisers_of

router = PrefixedRouter(
    prefix="/v1/organizations", tags=["organizations"], route_class=TokenFirstRoute
)


class RenameOrganization(Command):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "和平里第一社区", "reason": "社区更名"}]}
    )

    name: str = Field(min_length=1, max_length=100, description="free among its siblings")
    reason: str = Field(min_length=1, max_length=500)


class CloseOrganization(Reason):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "并入相邻社区"}]})


class EndAppointment(Reason):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "调任其他街道"}]})


class OrganiserPublic(BaseModel):
    account_id: UUID
    username: str
    display_name: str
    disabled: bool = Field(description="the account may not log in")
    appointed_at: AwareDatetime
    appointed_at_local: AwareDatetime
    appointed_by: str = Field(description="the actor who appointed them (account:<id> …)")


class OrganisersPublic(BaseModel):
    organization_id: UUID
    organisers: list[OrganiserPublic]
    position: int


def _require_manager(services: Services, principal: Principal, organisation_id: UUID) -> None:
    """An admin, or an organiser of the parent (or above): nobody renames or closes their own
    organisation alone. A top-level organisation is the admins'."""
    parent_id = services.ledger.organisation(organisation_id).parent_id
    if parent_id is None:
        require_admin(principal)
    else:
        require_organiser_of(services.ledger, principal, parent_id)


@router.post(
    "/{organization_id}/rename",
    summary="Rename an organisation",
    responses={403: {}, 404: {}, 409: {"description": "closed, or a sibling has the name"}},
)
def rename_organization(
    organization_id: UUID, body: RenameOrganization, services: ServicesDep, principal: PrincipalDep
) -> Done:
    """A new name, with the reason (`Organisation.Renamed`). Admins, and organisers of the
    parent or above. 409 `organisation-name-taken` (naming the sibling that has it) or
    `organisation-closed`; 422 when the name is the current one."""
    _require_manager(services, principal, organization_id)
    written = services.ledger.rename_organisation.written(
        organization_id, body.name, principal.actor, reason=body.reason
    )
    return Done(position=written.position)


@router.post(
    "/{organization_id}/close",
    summary="Close an organisation",
    responses={403: {}, 404: {}, 409: {"description": "already closed"}},
)
def close_organization(
    organization_id: UUID, body: CloseOrganization, services: ServicesDep, principal: PrincipalDep
) -> Done:
    """Close it, with the reason (`Organisation.Closed`): it keeps its history, and takes no
    new children, activities, shifts or volunteers (409 `organisation-closed`); its name is
    free for a successor. Admins, and organisers of the parent or above."""
    _require_manager(services, principal, organization_id)
    written = services.ledger.close_organisation.written(
        organization_id, body.reason, principal.actor
    )
    return Done(position=written.position)


@router.get(
    "/{organization_id}/organisers",
    summary="List an organisation's organisers",
    responses={403: {}, 404: {}},
)
def list_organisers(
    organization_id: UUID,
    services: ServicesDep,
    principal: PrincipalDep,
    min_position: MinPosition = None,
) -> OrganisersPublic:
    """The accounts appointed to organise this organisation itself (not those above or below
    it), longest-serving first. Admins, and organisers of it or above it."""
    ledger = services.ledger
    organisation = ledger.organisation(organization_id)
    require_organiser_of(ledger, principal, organization_id)
    position = wait_for_position(services, min_position)
    rows = organisers_of(services.views, str(organization_id))
    return OrganisersPublic(
        organization_id=organization_id,
        organisers=[
            OrganiserPublic(
                **{k: v for k, v in row.items() if k != "appointed_at"},
                appointed_at=utc(datetime.fromisoformat(row["appointed_at"])),
                appointed_at_local=local(
                    datetime.fromisoformat(row["appointed_at"]), organisation.timezone
                ),
            )
            for row in rows
        ],
        position=position,
    )


@router.post(
    "/{organization_id}/organisers/{account_id}/end",
    summary="End an organiser's appointment",
    responses={403: {}, 404: {}, 422: {"description": "the account does not organise it"}},
)
def end_appointment(
    organization_id: UUID,
    account_id: UUID,
    body: EndAppointment,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Done:
    """The account stops organising this organisation, with the reason
    (`Account.OrganiserDismissed`); its tokens lose the role at the next request. Admins, and
    organisers of it or above it."""
    ledger = services.ledger
    ledger.organisation(organization_id)
    require_organiser_of(ledger, principal, organization_id)
    written = ledger.dismiss_organiser.written(
        account_id, organization_id, body.reason, principal.actor
    )
    return Done(position=written.position)
