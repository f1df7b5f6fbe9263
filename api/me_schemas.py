"""The answers of /v1/me: the caller's account and roles, and their own shifts, requests and
certificates, each instant in UTC and local time (``api.readable``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas import Done


class PathStep(BaseModel):
    id: UUID
    name: str


class OrganizationRef(BaseModel):
    id: UUID
    name: str = Field(examples=["和平里社区"])
    kind: str = Field(examples=["community"])
    path: list[PathStep] = Field(description="from the root down to this organisation")


class RolePublic(BaseModel):
    role: Literal["admin", "organiser", "volunteer"]
    organization: OrganizationRef | None = Field(
        description="what the role covers, with everything below it; none for an admin "
        "(everything) "
    )


AccountKind = Literal["admin", "organiser", "staff", "volunteer"]


class AccountPublic(BaseModel):
    id: UUID
    kind: AccountKind
    display_name: str


class MyVolunteer(BaseModel):
    id: UUID = Field(description="the volunteer profile's id")
    volunteer_number: str
    organization: OrganizationRef
    stars: int
    approved_minutes: int
    hours: str = Field(description="approved_minutes as exact decimal hours", examples=["4.25"])
    approved_hours: str = Field(description="the same as hours, named by the rule")
    pending_minutes: int = Field(description="awaiting approval; not counted above")
    pending_hours: str
    calendar_url: str = Field(
        description="the secret address of the volunteer's calendar feed; "
        "POST /v1/me/calendar-token replaces it"
    )


class MePublic(BaseModel):
    account: AccountPublic
    roles: list[RolePublic]
    volunteer: MyVolunteer | None = Field(description="for a volunteer's account only")
    position: int


WHEN = "upcoming: not yet ended, soonest first; past: ended, latest first"


class When(StrEnum):
    upcoming = "upcoming"
    past = "past"


class MyShift(BaseModel):
    shift_id: UUID
    activity_id: UUID
    title: str | None = Field(examples=["早高峰文明交通劝导"])
    organization_id: UUID
    organization_name: str | None
    place: str | None
    starts_at: datetime
    starts_at_local: datetime
    ends_at: datetime
    ends_at_local: datetime
    state: Literal["confirmed", "waitlisted", "cancelled_with_shift"] = Field(
        description="my place; cancelled_with_shift: the organiser cancelled the shift"
    )
    waitlist_position: int | None = Field(description="1 is next in line; waitlisted only")
    cancel_reason: str | None = Field(description="why the shift was cancelled")


class MyShiftPage(BaseModel):
    items: list[MyShift]
    next_cursor: str | None
    position: int


class IssuerRef(BaseModel):
    id: UUID
    name: str | None


class MyCertificateRequest(BaseModel):
    id: UUID
    issuer: IssuerRef
    period_start: date
    period_end: date
    status: Literal["open", "fulfilled", "declined"]
    requested_at: datetime
    requested_at_local: datetime
    decided_at: datetime | None
    decided_at_local: datetime | None
    certificate_id: UUID | None
    reason: str | None = Field(description="why it was declined")


class MyCertificate(BaseModel):
    id: UUID
    number: str
    verification_url: str
    issuer: IssuerRef
    total_minutes: int
    hours: str
    total_hours: str = Field(description="the same as hours, named by the rule")
    period_start: date
    period_end: date
    issued_at: datetime
    issued_at_local: datetime
    status: Literal["valid", "revoked"]
    revoked_at: datetime | None
    revoked_at_local: datetime | None
    reason: str | None = Field(description="why it was revoked")


class MyCorrectionRequest(BaseModel):
    service_record_id: UUID
    service_date: date
    record_minutes: int = Field(description="the record's minutes now")
    record_hours: str
    minutes: int = Field(description="the minutes asked for")
    hours: str
    reason: str
    status: Literal["open", "accepted", "declined"]
    requested_at: datetime
    requested_at_local: datetime
    resolved_at: datetime | None
    resolved_at_local: datetime | None
    accepted_minutes: int | None
    accepted_hours: str | None
    decline_reason: str | None


class MyCertificateRequestPage(BaseModel):
    items: list[MyCertificateRequest]
    next_cursor: str | None
    position: int


class MyCertificatePage(BaseModel):
    items: list[MyCertificate]
    next_cursor: str | None
    position: int


class MyCorrectionRequestPage(BaseModel):
    items: list[MyCorrectionRequest]
    next_cursor: str | None
    position: int


class CalendarToken(Done):
    calendar_url: str
