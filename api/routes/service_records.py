"""Service records: manual entry and the hours workflow of approval and correction."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, status
from pydantic import ConfigDict, Field

from api.access import Principal, covers, require_organiser_of
from api.deps import PrincipalDep, Services, ServicesDep, TokenFirstRoute, store_read
from api.permissions import RecordOrganiser, record_volunteer
from api.routing import PrefixedRouter
from api.schemas import Command, Created, Done, Instant, Reason, Uuid
from domain.errors import NotFoundError, VolunteerOutOfReachError

router = PrefixedRouter(
    prefix="/v1/service-records", tags=["service records"], route_class=TokenFirstRoute
)

MAX_MINUTES = 24 * 60


class RecordService(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "volunteer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "activity_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "started_at": "2026-12-05T07:30:00+08:00",
                    "ended_at": "2026-12-05T09:45:00+08:00",
                    "description": "路口文明交通劝导",
                    "beneficiary": "和平里北街过往行人",
                }
            ]
        }
    )

    volunteer_id: Uuid
    activity_id: Uuid
    started_at: Instant
    ended_at: Instant
    description: str = Field(min_length=1, max_length=2000)
    beneficiary: str | None = Field(default=None, max_length=200)


class Correct(Command):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"minutes": 135, "reason": "签退时间登记有误"}]}
    )

    minutes: int = Field(ge=1, le=MAX_MINUTES)
    reason: str = Field(min_length=1, max_length=500)


class ResolveCorrectionRequest(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"accept": True, "reason": "与签到表核对无误"},
                {"accept": False, "reason": "签到表显示按时离开"},
            ]
        }
    )

    accept: bool
    minutes: int | None = Field(
        default=None,
        ge=1,
        le=MAX_MINUTES,
        description="when accepting: minutes other than those requested",
    )
    reason: str = Field(min_length=1, max_length=500)


def _may_see_volunteer(services: Services, principal: Principal, volunteer_id: UUID) -> bool:
    """As ``require_may_see_volunteer``: the volunteer, or an organiser of their home."""
    if principal.is_volunteer(volunteer_id):
        return True
    home = services.ledger.volunteer(volunteer_id).home_organisation_id
    return covers(services.ledger, principal, home)


@router.post("", status_code=status.HTTP_201_CREATED, responses={403: {}, 404: {}, 409: {}})
def record_service(body: RecordService, services: ServicesDep, principal: PrincipalDep) -> Created:
    """An organiser records service outside shifts (a home visit, say); it starts pending.

    Only for a volunteer with a place on a shift of the activity, or of an organisation the
    organiser organises (or one below it). Anyone else is a 404, as if the volunteer did not
    exist, to an organiser who may not see them, and a 403 to one who may.
    """
    ledger = services.ledger
    require_organiser_of(ledger, principal, ledger.activity(body.activity_id).organisation_id)
    try:
        record_id, position = ledger.record_service.written(
            volunteer_id=body.volunteer_id,
            activity_id=body.activity_id,
            started_at=body.started_at,
            ended_at=body.ended_at,
            description=body.description,
            beneficiary=body.beneficiary,
            actor=principal.actor,
        )
    except VolunteerOutOfReachError:
        if not _may_see_volunteer(services, principal, body.volunteer_id):
            raise NotFoundError("volunteer", body.volunteer_id) from None
        raise
    return Created(id=record_id, position=position)


@router.post(
    "/{record_id}/approve",
    summary="Approve a service record",
    responses={403: {}, 404: {}, 409: {}},
)
def approve(record_id: UUID, services: ServicesDep, principal: RecordOrganiser) -> Done:
    """Under the second-party rule: whoever recorded or corrected the minutes approves them
    only once the volunteer has confirmed them (see ``/confirmation``)."""
    position = services.ledger.approve_record.written(record_id, principal.actor).position
    return Done(position=position)


@router.post(
    "/{record_id}/confirmation",
    summary="Confirm a service record",
    status_code=status.HTTP_201_CREATED,
    responses={403: {}, 404: {}, 409: {}},
)
def confirm(
    record_id: UUID,
    services: ServicesDep,
    principal: Annotated[Principal, Depends(store_read(record_volunteer("confirm it")))],
) -> Done:
    """The volunteer confirms a pending record's minutes as they stand: the second party that
    lets whoever recorded them approve them. A later correction needs a new confirmation."""
    position = services.ledger.confirm_record.written(record_id, principal.actor).position
    return Done(position=position)


@router.post(
    "/{record_id}/reject", summary="Reject a service record", responses={403: {}, 404: {}, 409: {}}
)
def reject(
    record_id: UUID, body: Reason, services: ServicesDep, principal: RecordOrganiser
) -> Done:
    """Reject a pending record, with the reason: its minutes never count. Organisers of the
    record's organisation (or above); 409 when the record is not pending."""
    position = services.ledger.reject_record.written(
        record_id, body.reason, principal.actor
    ).position
    return Done(position=position)


@router.post(
    "/{record_id}/corrections",
    summary="Correct a service record's minutes",
    responses={403: {}, 404: {}, 409: {}},
)
def correct(
    record_id: UUID, body: Correct, services: ServicesDep, principal: RecordOrganiser
) -> Done:
    """New minutes, with the reason; the earlier figure stays in the record's history.
    Raising approved minutes needs a second party (403 second-party-required): the volunteer
    asks for the correction and an organiser accepts it, unless the deployment's
    single-organiser setting is on."""
    position = services.ledger.correct_record.written(
        record_id, body.minutes, body.reason, principal.actor
    ).position
    return Done(position=position)


@router.post(
    "/{record_id}/revoke",
    summary="Revoke an approved service record",
    responses={403: {}, 404: {}, 409: {}},
)
def revoke(
    record_id: UUID, body: Reason, services: ServicesDep, principal: RecordOrganiser
) -> Done:
    """Withdraw an approved record, with the reason: its minutes stop counting, and its history
    stays. Organisers of the record's organisation (or above); 409 when its state does not
    allow it."""
    position = services.ledger.revoke_record.written(
        record_id, body.reason, principal.actor
    ).position
    return Done(position=position)


@router.post(
    "/{record_id}/correction-requests",
    status_code=status.HTTP_201_CREATED,
    responses={403: {}, 404: {}, 409: {}},
)
def request_correction(
    record_id: UUID,
    body: Correct,
    services: ServicesDep,
    principal: Annotated[
        Principal, Depends(store_read(record_volunteer("ask for its correction")))
    ],
) -> Done:
    """The volunteer asks for their record to be corrected; an organiser resolves it."""
    position = services.ledger.request_correction.written(
        record_id, body.minutes, body.reason, principal.actor
    ).position
    return Done(position=position)


@router.post("/{record_id}/correction-requests/resolve", responses={403: {}, 404: {}, 409: {}})
def resolve_correction_request(
    record_id: UUID,
    body: ResolveCorrectionRequest,
    services: ServicesDep,
    principal: RecordOrganiser,
) -> Done:
    """Accept (`accept: true`, optionally with other `minutes`) or decline
    a volunteer's open correction request, with the reason. Organisers of the record's
    organisation (or above); 409 when no request is open; accepting with more minutes than an
    approved record has is a 403 `second-party-required`."""
    ledger = services.ledger
    if body.accept:
        written = ledger.accept_correction_request.written(
            record_id, body.reason, principal.actor, minutes=body.minutes
        )
    else:
        written = ledger.decline_correction_request.written(record_id, body.reason, principal.actor)
    return Done(position=written.position)
