"""A shift's roster as the organiser reads it: each person's place, attendance and phone."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from api.readable import local, utc
from domain.shift import Shift


class AttendanceState(StrEnum):
    NOT_CHECKED_IN = "not_checked_in"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    NO_SHOW = "no_show"


class AttendancePublic(BaseModel):
    """What the attendance says: the same facts supervision and statistics count."""

    state: AttendanceState = Field(
        description="no_show wins over times; checked_out once a check-out (or the sign-in "
        "sheet, or the automatic close after the grace period) gave the time they left"
    )
    checked_in_at: AwareDatetime | None = Field(description="UTC")
    checked_in_at_local: AwareDatetime | None = Field(
        description="the same instant in the organisation's time zone"
    )
    checked_out_at: AwareDatetime | None = Field(description="UTC")
    checked_out_at_local: AwareDatetime | None
    needs_review: bool = Field(description="closed automatically: nobody checked out")


class RosterEntry(BaseModel):
    volunteer_id: UUID
    status: Literal["confirmed", "waitlisted", "cancelled_with_shift"] = Field(
        description="the sign-up's state; cancelled_with_shift once the shift is cancelled"
    )
    held: Literal["confirmed", "waitlisted"] = Field(
        description="the place held (on a cancelled shift: the place held when it was cancelled)"
    )
    name: str | None
    volunteer_number: str | None
    phone: str | None = Field(
        description="to reach them on the day: shown in full to the shift's organisers, the "
        "only readers of a roster; none once the volunteer has withdrawn",
        examples=["13911110001"],
    )
    attendance: AttendancePublic


class RosterPublic(BaseModel):
    shift_id: UUID
    shift_status: Literal["scheduled", "cancelled"]
    cancelled_at: AwareDatetime | None = Field(description="UTC")
    cancelled_at_local: AwareDatetime | None
    cancel_reason: str | None
    confirmed: list[RosterEntry]
    waitlisted: list[RosterEntry]
    cancelled_with_shift: list[RosterEntry] = Field(
        description="on a cancelled shift, everyone it had: confirmed first, then the waitlist"
    )
    next_cursor: str | None = Field(description="the next page: more confirmed, then waitlisted")
    position: int


def _instant(text: str | None, timezone: str) -> tuple[datetime | None, datetime | None]:
    if text is None:
        return None, None
    moment = datetime.fromisoformat(text)
    return utc(moment), local(moment, timezone)


def attendance_public(row: dict[str, Any], timezone: str) -> AttendancePublic:
    checked_in_at, checked_in_at_local = _instant(row["checked_in_at"], timezone)
    checked_out_at, checked_out_at_local = _instant(row["checked_out_at"], timezone)
    if row["no_show"]:
        state = AttendanceState.NO_SHOW
    elif checked_out_at is not None:
        state = AttendanceState.CHECKED_OUT
    elif checked_in_at is not None:
        state = AttendanceState.CHECKED_IN
    else:
        state = AttendanceState.NOT_CHECKED_IN
    return AttendancePublic(
        state=state,
        checked_in_at=checked_in_at,
        checked_in_at_local=checked_in_at_local,
        checked_out_at=checked_out_at,
        checked_out_at_local=checked_out_at_local,
        needs_review=bool(row["needs_review"]),
    )


def roster_entry(row: dict[str, Any], timezone: str) -> RosterEntry:
    withdrawn = row["volunteer_status"] == "withdrawn"
    return RosterEntry(
        volunteer_id=row["volunteer_id"],
        status=row["status"],
        held=row["held"],
        name=row["name"],
        volunteer_number=row["volunteer_number"],
        phone=None if withdrawn else row["phone"] or None,  # erased: no phone
        attendance=attendance_public(row, timezone),
    )


def roster_public(
    shift: Shift,
    timezone: str,
    rows: list[dict[str, Any]],
    cancellation: tuple[str | None, str | None],
    *,
    next_cursor: str | None,
    position: int,
) -> RosterPublic:
    """The roster page's rows split by status; ``cancellation`` is the board's
    ``(cancelled_at, cancel_reason)``."""
    entries = [roster_entry(row, timezone) for row in rows]
    cancelled_at, cancelled_at_local = _instant(cancellation[0], timezone)
    return RosterPublic(
        shift_id=shift.id,
        shift_status="cancelled" if shift.is_cancelled else "scheduled",
        cancelled_at=cancelled_at,
        cancelled_at_local=cancelled_at_local,
        cancel_reason=cancellation[1],
        confirmed=[e for e in entries if e.status == "confirmed"],
        waitlisted=[e for e in entries if e.status == "waitlisted"],
        cancelled_with_shift=[e for e in entries if e.status == "cancelled_with_shift"],
        next_cursor=next_cursor,
        position=position,
    )
