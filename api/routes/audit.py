"""The audit trail: every event of the ledger, filtered, limited to what the reader may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import Query
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, Field

from api.access import Principal, require_organiser_of
from api.deps import Cursor, Limit, MinPosition, PrincipalDep, ServicesDep, wait_for_position
from api.export_lists import audit_csv
from api.exports import CSV, ListFormatDep, file_types
from api.local_instants import MOMENT_DESCRIPTION, MOMENT_PATTERN, moment_from
from api.names import Names, directory_lookup
from api.pagination import decode_cursor, encode_cursor
from api.problems import Forbidden, NotFound
from api.readable_rows import local_of
from api.routing import PrefixedRouter
from domain.errors import InvalidInputError
from domain.ledger import Ledger
from domain.organisation import DEFAULT_TIMEZONE
from projections.audit.queries import AuditFilter, audit_page

router = PrefixedRouter(prefix="/v1/audit", tags=["audit"])


class AuditEntryPublic(BaseModel):
    position: int
    at: AwareDatetime
    at_local: AwareDatetime = Field(
        description="at, with the offset of the event's organisation (of organization_id, "
        "else Asia/Shanghai, for an event of none)"
    )
    actor: str
    aggregate_id: UUID | None
    aggregate_kind: str
    volunteer_id: UUID | None
    organisation_id: UUID | None
    event_type: str
    summary: str
    reason: str | None


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    next_cursor: str | None
    position: int


def organisation_subtree(ledger: Ledger, roots: Iterable[UUID]) -> list[str]:
    """The organisations given and every one below them, as text ids."""
    found: set[UUID] = set()
    todo = list(roots)
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += ledger.organisation(current).children
    return sorted(str(organisation) for organisation in found)


def _scope(
    ledger: Ledger, principal: Principal, volunteer_id: UUID | None, organisation_id: UUID | None
) -> tuple[UUID | None, list[str] | None]:
    """The volunteer and the organisations the reader's rows are limited to (None: any).

    Admins read everything; an organiser, the rows of the organisations they organise and
    those below; a volunteer, the rows about themselves.
    """
    if principal.is_admin:
        pass
    elif principal.volunteer_id is not None:
        if volunteer_id not in (None, principal.volunteer_id):
            raise NotFound(f"volunteer {volunteer_id} was not found")
        volunteer_id = principal.volunteer_id
    elif not principal.is_organiser:
        raise Forbidden("only admins, organisers and volunteers themselves read the audit trail")
    elif organisation_id is None:
        return volunteer_id, organisation_subtree(ledger, principal.organisations)
    else:
        require_organiser_of(ledger, principal, organisation_id)
    if organisation_id is None:
        return volunteer_id, None
    return volunteer_id, organisation_subtree(ledger, [organisation_id])


def _moment(
    ledger: Ledger, organisation_id: UUID | None, text: str | None, field: str
) -> datetime | None:
    """A bound as typed: local ones in the organisation's time zone (api/local_instants.py)."""
    if text is None:
        return None
    timezone = (
        DEFAULT_TIMEZONE
        if organisation_id is None
        else ledger.organisation(organisation_id).timezone
    )
    return moment_from(text, timezone, field=field, end_of_day=field == "until")


@router.get(
    "",
    response_model=AuditPage,
    responses={
        **file_types(CSV),
        403: {},
        404: {},
        422: {},
    },
)
def read_audit_trail(
    services: ServicesDep,
    principal: PrincipalDep,
    format: ListFormatDep,
    volunteer_id: UUID | None = None,
    organization_id: Annotated[
        UUID | None, Query(description="this organisation and those below it")
    ] = None,
    actor_id: Annotated[
        str | None, Query(max_length=100, description="the id in an event's actor")
    ] = None,
    event_type: Annotated[
        str | None, Query(max_length=100, examples=["ServiceRecord.Corrected"])
    ] = None,
    since: Annotated[
        str | None,
        Query(pattern=MOMENT_PATTERN, description=f"from this moment on: {MOMENT_DESCRIPTION}"),
    ] = None,
    until: Annotated[
        str | None,
        Query(pattern=MOMENT_PATTERN, description=f"before this moment: {MOMENT_DESCRIPTION}"),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> AuditPage | Response:
    """Events oldest first, each with a one-line summary. ``format=csv`` (or ``Accept:
    text/csv``): every matching row as CSV, people by name, local times, the ledger's own
    bookkeeping left out (the cursor and limit do not apply)."""
    volunteer, organisations = _scope(services.ledger, principal, volunteer_id, organization_id)
    where = AuditFilter(
        volunteer_id=None if volunteer is None else str(volunteer),
        organisation_ids=organisations,
        actor_id=actor_id,
        event_type=event_type,
        since=_moment(services.ledger, organization_id, since, "since"),
        until=_moment(services.ledger, organization_id, until, "until"),
    )
    position = wait_for_position(services, min_position)
    if format == "csv":
        return audit_csv(services, where)
    items, after = audit_page(
        services.views,
        where,
        names=directory_lookup(services.views),
        limit=limit,
        after=_after(cursor),
    )
    names = Names(services.ledger, services.views)
    names.learn("organisation", (item["organisation_id"] for item in items))
    asked = None if organization_id is None else str(organization_id)
    return AuditPage(
        items=[
            AuditEntryPublic.model_validate(
                {
                    **item,
                    "at_local": local_of(
                        item["at"], names.timezone(item["organisation_id"] or asked)
                    ),
                }
            )
            for item in items
        ],
        next_cursor=encode_cursor(None if after is None else (str(after), "")),
        position=position,
    )


def _after(cursor: str | None) -> int | None:
    decoded = decode_cursor(cursor)
    if decoded is None:
        return None
    try:
        return int(decoded[0])
    except ValueError:
        raise InvalidInputError("the cursor is not one this service gave out") from None
