"""Shifts: sign-ups, the roster, attendance, and organisers' changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query, status
from pydantic import BaseModel, ConfigDict, Field

from api.access import Principal, require_self_or_organiser
from api.acting import ACTING_FOR, acting_for
from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    PrincipalDep,
    Services,
    ServicesDep,
    TokenFirstRoute,
    wait_for_position,
)
from api.pagination import decode_cursor, encode_cursor
from api.permissions import ShiftOrganiser, SignedUpOrShiftOrganiser
from api.problems import Forbidden
from api.readable import local
from api.roster import RosterPublic, roster_public
from api.routes.activities import ShiftPublic
from api.routing import PrefixedRouter
from api.schemas import Command, Done, Instant, Reason, Uuid
from domain.shift import Shift, SignUpStatus, phase
from projections.shift_board.queries import cancellation, roster

router = PrefixedRouter(prefix="/v1/shifts", tags=["shifts"], route_class=TokenFirstRoute)


class SignUp(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{}, {"volunteer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}]
        }
    )

    volunteer_id: Uuid | None = Field(default=None, description=ACTING_FOR)


class SignedUp(Done):
    status: Literal["confirmed", "waitlisted"]
    waitlist_position: int | None = None


class Attend(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {},
                {
                    "volunteer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "at": "2026-12-12T07:28:00+08:00",
                },
            ]
        }
    )

    volunteer_id: Uuid | None = Field(default=None, description=ACTING_FOR)
    at: Instant | None = Field(
        default=None, description="organisers only: the time from the sign-in sheet"
    )


class RecordAttendance(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "volunteer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "checked_in_at": "2026-12-12T07:28:00+08:00",
                    "checked_out_at": "2026-12-12T09:35:00+08:00",
                }
            ]
        }
    )

    volunteer_id: Uuid
    checked_in_at: Instant
    checked_out_at: Instant


class Attended(Done):
    service_record_id: UUID | None = Field(
        default=None, description="the pending record created, when time was served"
    )


class ChangeCapacity(Command):
    model_config = ConfigDict(json_schema_extra={"examples": [{"capacity": 8}]})

    capacity: int = Field(ge=1, le=10_000)


class Reschedule(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "starts_at": "2026-12-12T08:00:00+08:00",
                    "ends_at": "2026-12-12T10:00:00+08:00",
                    "reason": "路口施工，推迟半小时",
                }
            ]
        }
    )

    starts_at: Instant
    ends_at: Instant
    reason: str = Field(min_length=1, max_length=500)


class ClashPublic(BaseModel):
    volunteer_id: UUID
    overlapping_shift_id: UUID


class Rescheduled(Done):
    clashes: list[ClashPublic] = Field(
        description="confirmed volunteers whose other shifts this one now overlaps"
    )


class NoShow(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "volunteer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "reason": "未到岗，电话未接",
                }
            ]
        }
    )

    volunteer_id: Uuid
    reason: str = Field(min_length=1, max_length=500)


def _detail(shift: Shift, timezone: str, now: datetime) -> ShiftPublic:
    return ShiftPublic(
        id=shift.id,
        activity_id=shift.activity_id,
        organisation_id=shift.organisation_id,
        starts_at=shift.starts_at,
        starts_at_local=local(shift.starts_at, timezone),
        ends_at=shift.ends_at,
        ends_at_local=local(shift.ends_at, timezone),
        capacity=shift.capacity,
        confirmed=len(shift.confirmed),
        waitlisted=len(shift.waitlist),
        status=phase(shift.is_cancelled, shift.starts_at, shift.ends_at, now),
        location=shift.location,
        required_skills=shift.required_skills,
    )


@router.get("/{shift_id}", responses={404: {}})
def get_shift(shift_id: UUID, services: ServicesDep, principal: PrincipalDep) -> ShiftPublic:
    """One shift: its activity, times, place, capacity, how many are confirmed and waitlisted, and
    its status. Anyone logged in; 404 for an unknown id."""
    shift = services.ledger.shift(shift_id)
    timezone = services.ledger.organisation(shift.organisation_id).timezone
    return _detail(shift, timezone, services.ledger.now())


@router.post(
    "/{shift_id}/signups",
    status_code=status.HTTP_201_CREATED,
    responses={403: {}, 404: {}, 409: {}},
)
def sign_up(
    shift_id: UUID, body: SignUp, services: ServicesDep, principal: PrincipalDep
) -> SignedUp:
    """Confirmed while places remain, else waitlisted in order."""
    ledger = services.ledger
    if _for_themselves(principal, body.volunteer_id):
        # Nothing to check before the command, which loads the shift (404 when unknown).
        volunteer_id = acting_for(principal, body.volunteer_id)
    else:
        shift = ledger.shift(shift_id)
        volunteer_id = acting_for(principal, body.volunteer_id)
        require_self_or_organiser(ledger, principal, volunteer_id, shift.organisation_id)
    outcome, position = ledger.sign_up.written(shift_id, volunteer_id, principal.actor)
    waitlist_position = (
        None  # a confirmed volunteer has no place in the waitlist
        if outcome == SignUpStatus.CONFIRMED
        else ledger.shift(shift_id).waitlist_position(volunteer_id)
    )
    return SignedUp(status=outcome.value, waitlist_position=waitlist_position, position=position)


def _for_themselves(principal: Principal, named: UUID | None) -> bool:
    """A volunteer signing themselves up: whom they act for needs no check."""
    return principal.volunteer_id is not None and named in (None, principal.volunteer_id)


@router.delete("/{shift_id}/signups/{volunteer_id}", responses={403: {}, 404: {}, 409: {}})
def cancel_sign_up(
    shift_id: UUID,
    volunteer_id: UUID,
    services: ServicesDep,
    principal: SignedUpOrShiftOrganiser,
    reason: Annotated[str, Query(min_length=1, max_length=500)] = "cancelled by the volunteer",
) -> Done:
    """Cancel a sign-up; a freed place goes to the first on the waitlist."""
    ledger = services.ledger
    position = ledger.cancel_sign_up.written(
        shift_id, volunteer_id, reason, principal.actor
    ).position
    return Done(position=position)


@router.get("/{shift_id}/roster", responses={403: {}, 404: {}})
def get_roster(
    shift_id: UUID,
    services: ServicesDep,
    principal: ShiftOrganiser,
    limit: Limit = 200,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> RosterPublic:
    """Confirmed volunteers in order of sign-up, then the waitlist in order; on a cancelled
    shift, everyone it had (``cancelled_with_shift``) and why. Each with their attendance
    (checked in or out, with times in UTC and local, or a no-show) and their phone, to reach
    them on the day. Organisers of the shift's organisation only."""
    shift = services.ledger.shift(shift_id)
    position = wait_for_position(services, min_position)
    page = roster(services.views, str(shift_id), limit=limit, after=decode_cursor(cursor))
    return roster_public(
        shift,
        services.ledger.organisation(shift.organisation_id).timezone,
        page.items,
        cancellation(services.views, str(shift_id)),
        next_cursor=encode_cursor(page.next_after),
        position=position,
    )


def _attendance_actor(services: Services, principal: Principal, shift: Shift, body: Attend) -> UUID:
    volunteer_id = acting_for(principal, body.volunteer_id)
    require_self_or_organiser(services.ledger, principal, volunteer_id, shift.organisation_id)
    if body.at is not None and principal.is_volunteer(volunteer_id):
        raise Forbidden("volunteers check in and out at the time; only organisers give a time")
    return volunteer_id


@router.post("/{shift_id}/check-in", responses={403: {}, 404: {}, 409: {}})
def check_in(shift_id: UUID, body: Attend, services: ServicesDep, principal: PrincipalDep) -> Done:
    """Check in to a shift: a volunteer for themselves at the server's time (leave `volunteer_id`
    out), or an organiser naming the volunteer (and, from a sign-in sheet, `at`). 409 when the
    volunteer is not confirmed on the shift or is checked in already."""
    ledger = services.ledger
    volunteer_id = _attendance_actor(services, principal, ledger.shift(shift_id), body)
    position = ledger.check_in.written(shift_id, volunteer_id, principal.actor, at=body.at).position
    return Done(position=position)


@router.post("/{shift_id}/check-out", responses={403: {}, 404: {}, 409: {}})
def check_out(
    shift_id: UUID, body: Attend, services: ServicesDep, principal: PrincipalDep
) -> Attended:
    """Check out of a shift, which makes a service record from the attendance (its id is in the
    answer). As for check-in; 409 when the volunteer is not checked in."""
    ledger = services.ledger
    volunteer_id = _attendance_actor(services, principal, ledger.shift(shift_id), body)
    record, position = ledger.check_out.written(shift_id, volunteer_id, principal.actor, at=body.at)
    return Attended(service_record_id=record, position=position)


@router.post("/{shift_id}/attendance", responses={403: {}, 404: {}, 409: {}})
def record_attendance(
    shift_id: UUID, body: RecordAttendance, services: ServicesDep, principal: ShiftOrganiser
) -> Attended:
    """An organiser records attendance from a paper sign-in sheet."""
    ledger = services.ledger
    record, position = ledger.record_attendance.written(
        shift_id,
        body.volunteer_id,
        checked_in_at=body.checked_in_at,
        checked_out_at=body.checked_out_at,
        actor=principal.actor,
    )
    return Attended(service_record_id=record, position=position)


@router.post(
    "/{shift_id}/capacity",
    summary="Change a shift's capacity",
    responses={403: {}, 404: {}, 409: {}},
)
def change_capacity(
    shift_id: UUID, body: ChangeCapacity, services: ServicesDep, principal: ShiftOrganiser
) -> Done:
    """Raise (promoting from the waitlist) or lower (never below the confirmed count)."""
    position = services.ledger.change_capacity.written(
        shift_id, body.capacity, principal.actor
    ).position
    return Done(position=position)


@router.post(
    "/{shift_id}/reschedule", summary="Reschedule a shift", responses={403: {}, 404: {}, 409: {}}
)
def reschedule(
    shift_id: UUID, body: Reschedule, services: ServicesDep, principal: ShiftOrganiser
) -> Rescheduled:
    """Move a shift to new times, with the reason. Confirmed volunteers keep their places; those
    whom the new times overlap another of their shifts are listed in `clashes`. Organisers;
    409 when the shift is cancelled or has started."""
    clashes, position = services.ledger.reschedule_shift.written(
        shift_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        reason=body.reason,
        actor=principal.actor,
    )
    return Rescheduled(
        clashes=[
            ClashPublic(volunteer_id=c.volunteer_id, overlapping_shift_id=c.overlapping_shift_id)
            for c in clashes
        ],
        position=position,
    )


@router.post("/{shift_id}/cancel", responses={403: {}, 404: {}, 409: {}})
def cancel_shift(
    shift_id: UUID, body: Reason, services: ServicesDep, principal: ShiftOrganiser
) -> Done:
    """Cancel the shift: every sign-up ends, with the reason; the roster keeps who was on it
    (``cancelled_with_shift``)."""
    position = services.ledger.cancel_shift.written(shift_id, body.reason, principal.actor).position
    return Done(position=position)


@router.post("/{shift_id}/no-shows", responses={403: {}, 404: {}, 409: {}})
def mark_no_show(
    shift_id: UUID, body: NoShow, services: ServicesDep, principal: ShiftOrganiser
) -> Done:
    """Mark a confirmed volunteer as not having come, with the reason. Organisers; 409 when the
    volunteer is not confirmed or has checked in."""
    position = services.ledger.mark_no_show.written(
        shift_id, body.volunteer_id, body.reason, principal.actor
    ).position
    return Done(position=position)


@router.post("/{shift_id}/no-shows/undo", responses={403: {}, 404: {}, 409: {}})
def undo_no_show(
    shift_id: UUID, body: NoShow, services: ServicesDep, principal: ShiftOrganiser
) -> Done:
    """Take back a no-show marked in error, with the reason. Organisers; 409 when the volunteer is
    not marked as a no-show."""
    position = services.ledger.undo_no_show.written(
        shift_id, body.volunteer_id, body.reason, principal.actor
    ).position
    return Done(position=position)
