"""The supervision ledger (督查台账) of an organisation and everything below it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, Field

from api.deps import MinPosition, ServicesDep, wait_for_position
from api.names import Names
from api.period_query import PERIOD_DESCRIPTION, PERIOD_PATTERN, period_for
from api.permissions import OrganisationOrganiser
from api.readable import PeriodPublic, hours, local, period_public
from api.readable_rows import local_of
from api.routes.audit import organisation_subtree
from api.routing import PrefixedRouter
from domain.service_record import RecordStatus
from projections.supervision.queries import supervision

router = PrefixedRouter(prefix="/v1/organizations", tags=["supervision"])


class RecordOnFilePublic(BaseModel):
    """A service record as the supervision ledger shows it, with who made and checked it."""

    record_id: UUID
    volunteer_id: UUID
    volunteer_name: str | None
    volunteer_number: str | None
    activity_id: UUID
    activity_title: str | None
    organisation_id: UUID
    service_date: date
    minutes: int = Field(description="the minutes the record counts now")
    hours: str = Field(examples=["4.25"])
    recorded_by: str = Field(description="the actor who recorded it (account:<id> …)")
    approved_by: str | None
    confirmed_by: str | None = Field(
        description="the volunteer who confirmed the minutes as they stand, if they did"
    )


class RecordDuePublic(RecordOnFilePublic):
    recorded_at: AwareDatetime
    recorded_at_local: AwareDatetime = Field(description="with the organisation's offset")
    days_pending: int = Field(description="days since it was recorded")


class CorrectionRequestPublic(RecordOnFilePublic):
    status: RecordStatus = Field(description="the record's status now")
    requested_minutes: int
    requested_hours: str
    requested_at: AwareDatetime
    requested_at_local: AwareDatetime
    reason: str


class RaisePublic(RecordOnFilePublic):
    status: RecordStatus = Field(description="the record's status now")
    raised_from: int = Field(description="the approved minutes before the raise")
    raised_to: int = Field(description="the minutes the raise made them")
    raised_from_hours: str
    raised_to_hours: str
    raised_by: str = Field(description="the actor who raised them (account:<id> …)")
    raised_at: AwareDatetime
    raised_at_local: AwareDatetime
    reason: str


class NoShowPublic(BaseModel):
    shift_id: UUID
    volunteer_id: UUID
    volunteer_name: str | None
    volunteer_number: str | None
    activity_id: UUID
    activity_title: str | None
    organisation_id: UUID
    starts_at: AwareDatetime
    starts_at_local: AwareDatetime = Field(description="with the organisation's offset")
    local_date: date
    reason: str


class SupervisionPublic(BaseModel):
    organisation_id: UUID
    pending_days: int | None = Field(description="the filter asked for, if any")
    period: str
    period_detail: PeriodPublic = Field(description="the period with its label and its days")
    now: AwareDatetime = Field(description="the ledger's time the waits are measured at")
    now_local: AwareDatetime = Field(description="now, with the organisation's offset")
    pending_approval: list[RecordDuePublic] = Field(
        description="every record pending, oldest first, with its age in days; with "
        "pending_days only those pending longer than that since they were recorded"
    )
    awaiting_review: list[RecordDuePublic] = Field(
        description="pending records of check-ins closed automatically"
    )
    open_correction_requests: list[CorrectionRequestPublic]
    single_organiser_approvals: list[RecordDuePublic] = Field(
        description="approved by whoever recorded or corrected them, with no second party, "
        "under the single-organiser setting"
    )
    single_organiser_raises: list[RaisePublic] = Field(
        description="raises of approved minutes with no second party (not the volunteer's "
        "request, nor more than it asked for), under the single-organiser setting"
    )
    no_shows: list[NoShowPublic] = Field(
        description="on shifts whose local start date falls in the period"
    )
    position: int = Field(description="the ledger position these read models reflect")


@router.get("/{organization_id}/supervision", responses={403: {}, 404: {}, 422: {}})
def get_supervision(
    organization_id: UUID,
    services: ServicesDep,
    principal: OrganisationOrganiser,
    pending_days: Annotated[
        int | None,
        Query(
            ge=0,
            le=3650,
            description="only records pending more than this many days since they were "
            "recorded; without it, every pending record",
        ),
    ] = None,
    period: Annotated[
        str,
        Query(
            pattern=PERIOD_PATTERN,
            description=PERIOD_DESCRIPTION + ", by the shift's local date",
        ),
    ] = "all",
    min_position: MinPosition = None,
) -> SupervisionPublic:
    """What needs attention in the organisation and below: every record waiting for approval
    (oldest first, with its age; ``pending_days`` narrows it to the long waits),
    check-ins closed for review, open correction requests, approvals and raises of approved
    minutes made with no second party, and the period's no-shows.
    Organisers of the organisation (or above it) and admins."""
    ledger = services.ledger
    chosen = period_for(services, organization_id, period)
    position = wait_for_position(services, min_position)
    now = ledger.now()
    found = supervision(
        services.views,
        organisation_subtree(ledger, [organization_id]),
        now=now,
        pending_days=pending_days,
        period=chosen,
    )
    names = Names(ledger, services.views)
    names.learn("organisation", (row["organisation_id"] for rows in found.values() for row in rows))

    def readable(row: dict[str, Any]) -> dict[str, Any]:
        """The row with hours beside its minutes and its instants in the organisation's zone."""
        timezone = names.timezone(row["organisation_id"])
        more: dict[str, Any] = {
            f"{field}_local": local_of(row[field], timezone) for field in _INSTANTS & set(row)
        }
        for field, name in _MINUTES.items():
            if row.get(field) is not None:
                more[name] = hours(row[field])
        return {**row, **more}

    return SupervisionPublic.model_validate(
        {
            **{key: [readable(row) for row in rows] for key, rows in found.items()},
            "organisation_id": organization_id,
            "pending_days": pending_days,
            "period": chosen.text,
            "period_detail": period_public(chosen),
            "now": now,
            "now_local": local(now, ledger.organisation(organization_id).timezone),
            "position": position,
        }
    )


#: The instants of the ledger's rows, each given ``_local`` too, and the minutes given in hours.
_INSTANTS = {"recorded_at", "requested_at", "raised_at", "starts_at"}
_MINUTES = {
    "minutes": "hours",
    "requested_minutes": "requested_hours",
    "raised_from": "raised_from_hours",
    "raised_to": "raised_to_hours",
}
