"""Organisers' queues in their scope: records to approve, and correction requests to resolve."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, Field

from api.access import Principal, require_organiser_of
from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    PrincipalDep,
    Services,
    ServicesDep,
    wait_for_position,
)
from api.pagination import decode_cursor, encode_cursor
from api.problems import Forbidden
from api.readable import hours, local, utc
from api.routes.audit import organisation_subtree
from api.routing import PrefixedRouter
from domain.errors import InvalidInputError
from domain.organisation import DEFAULT_TIMEZONE
from domain.policy import mask_name
from domain.second_party import SecondPartyReason, second_party
from domain.service_record import RecordSource, RecordStatus
from projections.service_records.queue import queue
from projections.supervision.correction_requests import open_correction_requests

router = PrefixedRouter(tags=["service records"])

ScopeParam = Annotated[
    UUID | None,
    Query(
        description="this organisation and every one below it; without it, every "
        "organisation the caller organises (an admin: all)"
    ),
]
SCOPE_STATUSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not an organiser of that organisation"},
    404: {"description": "Unknown organisation"},
}


def scope_of(
    services: Services, principal: Principal, organization_id: UUID | None
) -> list[str] | None:
    """The organisations an organiser's queue covers (None: all, for an admin)."""
    ledger = services.ledger
    if organization_id is not None:
        require_organiser_of(ledger, principal, organization_id)
        return organisation_subtree(ledger, [organization_id])
    if principal.is_admin:
        return None
    if not principal.is_organiser:
        raise Forbidden("only organisers have queues")
    return organisation_subtree(ledger, principal.organisations)


def position_cursor(cursor: str | None) -> tuple[str, str] | None:
    """A cursor of a list in ledger order: its first part is a position."""
    after = decode_cursor(cursor)
    if after is not None and not after[0].isdigit():
        raise InvalidInputError("the cursor is not one this service gave out", field="cursor")
    return after


def at(text: str | None, timezone: str) -> tuple[datetime | None, datetime | None]:
    """A stored instant as UTC and local, or two nulls."""
    if text is None:
        return None, None
    moment = datetime.fromisoformat(text)
    return utc(moment), local(moment, timezone)


class SecondPartyPublic(BaseModel):
    """What stands as the second party of the minutes (the second-party rule), or who lacks
    one: whoever recorded by hand or corrected the minutes may not approve them alone until
    the volunteer confirms them."""

    reason: SecondPartyReason
    makers: list[str] = Field(description="who may not approve alone now (account:<id> …)")
    you_may_approve: bool = Field(
        description="whether the caller's approval now passes the rule (or the deployment "
        "lets one organiser approve alone)"
    )


class QueuedRecordPublic(BaseModel):
    id: UUID
    volunteer_id: UUID
    volunteer_name: str | None = Field(description="masked", examples=["王*明"])
    volunteer_number: str | None
    activity_id: UUID
    activity_title: str | None
    organisation_id: UUID
    organisation_name: str | None
    shift_id: UUID | None
    shift_starts_at: AwareDatetime | None
    shift_starts_at_local: AwareDatetime | None
    started_at: AwareDatetime
    started_at_local: AwareDatetime
    ended_at: AwareDatetime
    ended_at_local: AwareDatetime
    service_date: date = Field(description="the local date of service")
    minutes: int
    hours: str = Field(examples=["4.25"])
    status: RecordStatus
    source: RecordSource
    needs_review: bool = Field(description="made by closing a forgotten check-in")
    requested_minutes: int | None = Field(description="an open correction request's minutes")
    requested_hours: str | None
    recorded_by: str
    recorded_at: AwareDatetime
    recorded_at_local: AwareDatetime
    age_days: int = Field(description="whole days since it was recorded")
    second_party: SecondPartyPublic


class QueuedRecordPage(BaseModel):
    items: list[QueuedRecordPublic]
    next_cursor: str | None
    position: int


@router.get(
    "/v1/service-records",
    summary="The approval queue",
    responses=SCOPE_STATUSES,
)
def list_service_records(
    services: ServicesDep,
    principal: PrincipalDep,
    status: Annotated[RecordStatus, Query(description="pending: the approval queue")] = (
        RecordStatus.PENDING
    ),
    organization_id: ScopeParam = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> QueuedRecordPage:
    """Service records in the caller's scope in one status, oldest recorded first, each with
    the volunteer's masked name, the shift, minutes and hours, its age in days, and what makes
    it need a second party (`second_party`). Organisers and admins."""
    scope = scope_of(services, principal, organization_id)
    position = wait_for_position(services, min_position)
    page = queue(services.views, scope, str(status), limit=limit, after=position_cursor(cursor))
    now = services.ledger.now()
    alone_allowed = services.ledger.policy.single_organiser_approval
    me = str(principal.actor)
    items = []
    for item in page.items:
        timezone = item["timezone"] or DEFAULT_TIMEZONE
        standing = second_party(
            item["source"], item["recorded_by"], item["corrected_by"], confirmed=item["confirmed"]
        )
        recorded = datetime.fromisoformat(item["recorded_at"])
        shift_at, shift_local = at(item["shift_starts_at"], timezone)
        started, started_local = at(item["started_at"], timezone)
        ended, ended_local = at(item["ended_at"], timezone)
        items.append(
            QueuedRecordPublic.model_validate(
                {
                    **item,
                    "volunteer_name": _masked(item["volunteer_name"]),
                    "shift_starts_at": shift_at,
                    "shift_starts_at_local": shift_local,
                    "started_at": started,
                    "started_at_local": started_local,
                    "ended_at": ended,
                    "ended_at_local": ended_local,
                    "hours": hours(item["minutes"]),
                    "requested_hours": None
                    if item["requested_minutes"] is None
                    else hours(item["requested_minutes"]),
                    "recorded_at": utc(recorded),
                    "recorded_at_local": local(recorded, timezone),
                    "age_days": (now - recorded).days,
                    "second_party": SecondPartyPublic(
                        reason=standing.reason,
                        makers=list(standing.makers),
                        you_may_approve=alone_allowed or standing.may_approve_alone(me),
                    ),
                }
            )
        )
    return QueuedRecordPage(
        items=items, next_cursor=encode_cursor(page.next_after), position=position
    )


class CorrectionRequestStatus(StrEnum):
    OPEN = "open"
    """Asked, and neither accepted nor declined."""


class CorrectionRequestPublic(BaseModel):
    record_id: UUID
    volunteer_id: UUID
    volunteer_name: str | None = Field(description="masked", examples=["王*明"])
    volunteer_number: str | None
    activity_id: UUID
    activity_title: str | None
    organisation_id: UUID
    organisation_name: str | None
    shift_id: UUID | None
    service_date: date
    record_status: RecordStatus
    minutes: int = Field(description="what the record counts now")
    hours: str
    requested_minutes: int
    requested_hours: str
    reason: str = Field(description="the volunteer's reason")
    requested_at: AwareDatetime
    requested_at_local: AwareDatetime
    age_days: int = Field(description="whole days since it was asked")


class CorrectionRequestPage(BaseModel):
    items: list[CorrectionRequestPublic]
    next_cursor: str | None
    position: int


@router.get(
    "/v1/correction-requests",
    summary="Open correction requests",
    responses=SCOPE_STATUSES,
)
def list_correction_requests(
    services: ServicesDep,
    principal: PrincipalDep,
    status: Annotated[
        CorrectionRequestStatus,
        Query(description="open: asked, and neither accepted nor declined"),
    ] = CorrectionRequestStatus.OPEN,
    organization_id: ScopeParam = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> CorrectionRequestPage:
    """Volunteers' requests to correct a record's minutes that nobody has resolved yet, in
    the caller's scope, oldest first; resolve one with
    `POST /v1/service-records/{id}/correction-requests/resolve`. Organisers and admins."""
    scope = scope_of(services, principal, organization_id)
    position = wait_for_position(services, min_position)
    page = open_correction_requests(services.views, scope, limit=limit, after=decode_cursor(cursor))
    now = services.ledger.now()
    items = []
    for item in page.items:
        asked = datetime.fromisoformat(item["requested_at"])
        items.append(
            CorrectionRequestPublic.model_validate(
                {
                    **item,
                    "volunteer_name": _masked(item["volunteer_name"]),
                    "record_status": item["status"],
                    "hours": hours(item["minutes"]),
                    "requested_hours": hours(item["requested_minutes"]),
                    "requested_at": utc(asked),
                    "requested_at_local": local(asked, item["timezone"] or DEFAULT_TIMEZONE),
                    "age_days": (now - asked).days,
                }
            )
        )
    return CorrectionRequestPage(
        items=items, next_cursor=encode_cursor(page.next_after), position=position
    )


def _masked(name: str | None) -> str | None:
    return None if name is None else mask_name(name)
