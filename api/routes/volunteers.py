"""Volunteers: self-registration, profiles, and their service records."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import Request, Response, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.access import mask_phone
from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    ServicesDep,
    TokenFirstRoute,
    wait_for_position,
)
from api.export_lists import records_csv
from api.exports import CSV, ListFormatDep, file_types
from api.login import client_address
from api.names import Names
from api.pagination import decode_cursor, encode_cursor
from api.passwords import check_password
from api.permissions import VolunteerViewer
from api.problems import Forbidden
from api.readable import PeriodPublic
from api.readable_rows import readable_record, readable_summary
from api.routing import PrefixedRouter
from api.schemas import Command, Day, Done, Password, Uuid
from api.security import hash_password
from domain.service_record import RecordSource, RecordStatus
from domain.values import local_date
from domain.volunteer import VolunteerStatus
from projections.hours.queries import volunteer_summary
from projections.service_records.queries import records_of_volunteer
from projections.shift_board.queries import upcoming_shifts

router = PrefixedRouter(prefix="/v1/volunteers", tags=["volunteers"], route_class=TokenFirstRoute)


class Guardian(Command):
    name: str = Field(min_length=1, max_length=50)
    consent: bool


class RegisterVolunteer(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "王小明",
                    "phone": "13800138000",
                    "password": "wide river under 7 bridges",
                    "birth_date": "1990-05-04",
                    "organization_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "skills": ["急救"],
                    "consent": True,
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=50, examples=["王小明"])
    phone: str = Field(min_length=11, max_length=20, examples=["13800138000"])
    password: Password
    birth_date: Day
    organization_id: Uuid
    skills: list[str] = Field(default_factory=list, max_length=30)
    guardian: Guardian | None = None
    consent: bool = Field(description="consent to the privacy notice; registration needs it")


class Registered(Done):
    id: UUID
    volunteer_number: str


class VolunteerPublic(BaseModel):
    id: UUID
    volunteer_number: str
    name: str
    phone: str | None
    """None once the volunteer has been erased; so is the birth date."""
    birth_date: date | None
    organization_id: UUID
    skills: list[str]
    status: VolunteerStatus
    guardian_name: str | None


class HistoryEntryPublic(BaseModel):
    position: int
    event: str
    at: str
    at_local: AwareDatetime = Field(description="at, with the organisation's offset")
    actor: str
    minutes: int | None
    hours: str | None = Field(description="minutes as exact decimal hours", examples=["4.25"])
    reason: str | None


class ServiceRecordPublic(BaseModel):
    id: UUID
    volunteer_id: UUID
    activity_id: UUID
    organisation_id: UUID
    shift_id: UUID | None
    source: RecordSource
    started_at: str
    started_at_local: AwareDatetime = Field(description="with the organisation's offset")
    ended_at: str
    ended_at_local: AwareDatetime
    service_date: date
    minutes: int
    hours: str = Field(description="minutes as exact decimal hours", examples=["4.25"])
    status: RecordStatus
    needs_review: bool
    description: str
    beneficiary: str | None
    requested_minutes: int | None
    requested_hours: str | None
    history: list[HistoryEntryPublic]


class ServiceRecordPage(BaseModel):
    items: list[ServiceRecordPublic]
    next_cursor: str | None
    position: int = Field(description="the ledger position these read models reflect")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "no organisation has that organization_id"},
        409: {},
        422: {},
        429: {"description": "too many registrations from this address within the hour"},
    },
)
def register_volunteer(
    body: RegisterVolunteer, services: ServicesDep, request: Request
) -> Registered:
    """Register yourself as a volunteer; log in afterwards with your phone or volunteer number.

    Each registration that passes the checks of its input counts against the client's address
    (`VOLUNTEER_LEDGER_REGISTRATIONS_PER_ADDRESS` an hour, whether it succeeds or the phone is
    taken); past that, 429 with `Retry-After`."""
    check_password(body.password, staff=False, related=[body.phone, body.name])
    services.registrations.admit(client_address(request))
    ledger = services.ledger
    volunteer_id, position = ledger.register_volunteer.written(
        name=body.name,
        phone=body.phone,
        birth_date=body.birth_date,
        home_organisation_id=body.organization_id,
        skills=body.skills,
        privacy_consent=body.consent,
        guardian_name=body.guardian.name if body.guardian else None,
        guardian_consent=body.guardian.consent if body.guardian else False,
        password_hash=hash_password(body.password),
    )
    number = ledger.volunteer(volunteer_id).volunteer_number
    return Registered(id=volunteer_id, volunteer_number=number, position=position)


@router.get("/{volunteer_id}", responses={404: {}})
def get_volunteer(
    volunteer_id: UUID, services: ServicesDep, viewer: VolunteerViewer
) -> VolunteerPublic:
    """The volunteer sees their profile; organisers of their organisation see the phone masked."""
    volunteer = services.ledger.volunteer(volunteer_id)
    return VolunteerPublic(
        id=volunteer.id,
        volunteer_number=volunteer.volunteer_number,
        name=volunteer.name,
        phone=(
            mask_phone(volunteer.phone)
            if viewer.as_organiser and volunteer.phone
            else volunteer.phone
        ),
        birth_date=volunteer.birth_date,
        organization_id=volunteer.home_organisation_id,
        skills=volunteer.skills,
        status=volunteer.status,
        guardian_name=volunteer.guardian_name,
    )


@router.get(
    "/{volunteer_id}/service-records",
    response_model=ServiceRecordPage,
    responses={**file_types(CSV), 404: {}},
)
def list_service_records(
    volunteer_id: UUID,
    services: ServicesDep,
    viewer: VolunteerViewer,
    format: ListFormatDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> ServiceRecordPage | Response:
    """The volunteer's records, newest first, with status and every change made to each.
    ``format=csv`` (or ``Accept: text/csv``): every record as a CSV file, in local times."""
    position = wait_for_position(services, min_position)
    if format == "csv":
        return records_csv(services, volunteer_id)
    page = records_of_volunteer(
        services.views, str(volunteer_id), limit=limit, after=decode_cursor(cursor)
    )
    names = Names(services.ledger, services.views)
    names.learn("organisation", (item["organisation_id"] for item in page.items))
    return ServiceRecordPage(
        items=[
            ServiceRecordPublic.model_validate(
                readable_record(item, names.timezone(item["organisation_id"]))
            )
            for item in page.items
        ],
        next_cursor=encode_cursor(page.next_after),
        position=position,
    )


class CategoryMinutes(BaseModel):
    category: str
    approved_minutes: int
    approved_hours: str = Field(examples=["4.25"])


class PeriodMinutes(BaseModel):
    period: str
    period_detail: PeriodPublic = Field(description="the period with its label and its days")
    approved_minutes: int
    approved_hours: str = Field(examples=["4.25"])


class SummaryPublic(BaseModel):
    volunteer_id: UUID
    approved_minutes: int
    approved_hours: str = Field(examples=["4.25"])
    this_year: PeriodMinutes
    this_bimonth: PeriodMinutes
    by_category: list[CategoryMinutes]
    pending_minutes: int = Field(description="awaiting approval; never counted above")
    pending_hours: str
    pending_records: int
    stars: int
    next_star_at_minutes: int | None
    next_star_at_hours: str | None
    minutes_to_next_star: int | None
    hours_to_next_star: str | None
    upcoming_shifts: int = Field(description="confirmed places on shifts still to come")
    position: int


class ChangeListing(Command):
    model_config = ConfigDict(json_schema_extra={"examples": [{"public": True}]})

    public: bool = Field(description="appear on public recognition lists")
    guardian_consent: bool | None = Field(
        default=None, description="for a minor: the guardian's consent, relayed by an organiser"
    )


@router.get("/{volunteer_id}/summary", responses={404: {}})
def get_summary(
    volunteer_id: UUID,
    services: ServicesDep,
    viewer: VolunteerViewer,
    min_position: MinPosition = None,
) -> SummaryPublic:
    """Approved hours as they stand (corrections and revocations included) and the star level."""
    ledger, places = services.ledger, services.places
    home = viewer.home or places.home_of(volunteer_id)
    today = local_date(ledger.now(), places.timezone(home))
    position = wait_for_position(services, min_position)
    summary = volunteer_summary(
        services.views, str(volunteer_id), today, ledger.policy.star_minutes
    )
    upcoming = upcoming_shifts(services.views, str(volunteer_id), ledger.now().isoformat())
    return SummaryPublic.model_validate(
        {
            **readable_summary(summary),
            "volunteer_id": volunteer_id,
            "upcoming_shifts": upcoming,
            "position": position,
        }
    )


@router.post("/{volunteer_id}/listing", responses={403: {}, 404: {}})
def change_listing(
    volunteer_id: UUID, body: ChangeListing, services: ServicesDep, viewer: VolunteerViewer
) -> Done:
    """Opt out of public lists, or back in; a guardian's consent is relayed by an organiser."""
    ledger = services.ledger
    volunteer = ledger.volunteer(volunteer_id)
    guardian_consent = volunteer.guardian_listing_consent
    if body.guardian_consent is not None and body.guardian_consent != guardian_consent:
        if not viewer.as_organiser:
            raise Forbidden("a guardian's consent is recorded by an organiser")
        guardian_consent = body.guardian_consent
    position = ledger.change_listing.written(
        volunteer_id,
        public=body.public,
        guardian_consent=guardian_consent,
        actor=viewer.principal.actor,
    ).position
    return Done(position=position)
