"""Everything the ledger holds about me, as one JSON file (PIPL's right of access).

``GET /v1/me/export`` with the volunteer's own token: the profile and listing preferences as
they stand, the service records with their status and history, the certificates and requests,
and every event that concerns the volunteer or that they acted in, readable. Personal data is
shown in clear: it is the volunteer's own. Others who acted are given by kind only, and the
secrets of the account (password and reset-code hashes) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, Literal
from uuid import UUID

from fastapi import Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from api.deps import MinPosition, PrincipalDep, Services, ServicesDep, TokenFirstRoute
from api.login import NO_STORE
from api.me_schemas import MyCertificate, MyCertificateRequest, MyCorrectionRequest
from api.my_rows import my_certificate, my_certificate_request, my_correction_request
from api.problems import Forbidden
from api.readable_events import ActorKind, own_events
from api.readable_rows import readable_record
from api.routes.volunteers import ServiceRecordPublic
from api.routing import PrefixedRouter
from domain.volunteer import VolunteerStatus
from projections.paging import Page
from projections.personal import queries
from projections.service_records.queries import records_of_volunteer

router = PrefixedRouter(prefix="/v1/me", tags=["me"], route_class=TokenFirstRoute)

ExportFormat = Literal["volunteer-ledger-export/1"]
_PAGE = 200


class HomeOrganization(BaseModel):
    id: UUID
    name: str


class ExportProfile(BaseModel):
    id: UUID
    volunteer_number: str
    name: str
    phone: str | None = Field(description="null once erased, as is the birth date")
    birth_date: date | None
    organization: HomeOrganization
    skills: list[str]
    status: VolunteerStatus
    guardian_name: str | None
    guardian_consent: bool = Field(description="the guardian's consent to the registration")


class ExportListing(BaseModel):
    public: bool = Field(description="the volunteer agreed to appear on public lists")
    guardian_consent: bool = Field(description="for a minor: the guardian agreed too")


class ExportAccount(BaseModel):
    id: UUID
    display_name: str
    disabled: bool


class ExportEvent(BaseModel):
    position: int = Field(description="the event's place in the ledger")
    event: str = Field(examples=["ServiceRecord.Approved"])
    at: AwareDatetime
    at_local: AwareDatetime = Field(description="with the home organisation's offset")
    actor_kind: ActorKind = Field(
        description="who acted: you, another volunteer, an organiser, an admin, a staff "
        "account, or the ledger itself (system); nobody is named"
    )
    aggregate_kind: str = Field(examples=["service_record"])
    aggregate_id: UUID
    summary: str = Field(description="the audit trail's sentence for it")
    fields: dict[str, Any] = Field(
        description="the event's fields as stored, yours in clear; hashes of passwords and "
        "reset codes left out"
    )


class MyDataExport(BaseModel):
    format: ExportFormat = Field(
        default="volunteer-ledger-export/1", description="this layout, versioned"
    )
    exported_at: AwareDatetime
    position: int = Field(description="the ledger position the read models reflect")
    account: ExportAccount
    profile: ExportProfile
    listing: ExportListing
    service_records: list[ServiceRecordPublic] = Field(description="newest service first")
    certificates: list[MyCertificate] = Field(description="newest first")
    certificate_requests: list[MyCertificateRequest]
    correction_requests: list[MyCorrectionRequest]
    events: list[ExportEvent] = Field(description="oldest first")


def _every(fetch: Callable[[tuple[str, str] | None], Page]) -> Iterator[dict[str, Any]]:
    after = None
    while True:
        page = fetch(after)
        yield from page.items
        after = page.next_after
        if after is None:
            return


@router.get(
    "/export",
    summary="Everything the ledger holds about me",
    responses={
        200: {
            "description": "a JSON file (Content-Disposition: attachment)",
            "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
        },
        401: {},
        403: {"description": "the account is not a volunteer's"},
    },
)
def export_my_data(
    request: Request,
    response: Response,
    services: ServicesDep,
    principal: PrincipalDep,
    min_position: MinPosition = None,
) -> MyDataExport:
    """The volunteer's own data, to keep or to take elsewhere: profile, listing preferences,
    service records with status and history, certificates, requests, and every event about
    them in readable form (type, time, kind of actor, fields). Waits briefly for the read
    models to hold everything stored when asked."""
    if principal.volunteer_id is None:
        raise Forbidden("this is a volunteer's own list; the account is not a volunteer's")
    ledger = services.ledger
    latest = ledger.recorder.max_notification_id() or 0
    position = services.runner.wait_for(
        max(latest, min_position or 0), timeout=services.settings.read_wait_seconds
    )
    volunteer = ledger.volunteer(principal.volunteer_id)
    account = ledger.account(principal.account_id)
    home = ledger.organisation(volunteer.home_organisation_id)
    response.headers.update(NO_STORE)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="volunteer-ledger-{volunteer.volunteer_number}.json"'
    )
    return MyDataExport(
        exported_at=ledger.now(),
        position=position,
        account=ExportAccount(
            id=account.id, display_name=account.display_name, disabled=account.is_disabled
        ),
        profile=ExportProfile(
            id=volunteer.id,
            volunteer_number=volunteer.volunteer_number,
            name=volunteer.name,
            phone=volunteer.phone,
            birth_date=volunteer.birth_date,
            organization=HomeOrganization(id=home.id, name=home.name),
            skills=volunteer.skills,
            status=volunteer.status,
            guardian_name=volunteer.guardian_name,
            guardian_consent=volunteer.guardian_consent,
        ),
        listing=ExportListing(
            public=volunteer.listed_publicly, guardian_consent=volunteer.guardian_listing_consent
        ),
        **_lists(services, request, principal.volunteer_id),
        events=[
            ExportEvent.model_validate(event)
            for event in own_events(ledger, services.views, volunteer.id, account.id, home.timezone)
        ],
    )


def _lists(services: Services, request: Request, volunteer_id: UUID) -> dict[str, Any]:
    views, key = services.views, str(volunteer_id)
    verification_url = request.app.state.certificates.verification_url
    timezones: dict[str, str] = {}

    def timezone(organisation_id: str) -> str:
        if organisation_id not in timezones:
            timezones[organisation_id] = services.ledger.organisation(
                UUID(organisation_id)
            ).timezone
        return timezones[organisation_id]

    def page_of(query: Any) -> Callable[[tuple[str, str] | None], Page]:
        return lambda after: query(views, key, limit=_PAGE, after=after)

    return {
        "service_records": [
            ServiceRecordPublic.model_validate(
                readable_record(item, timezone(str(item["organisation_id"])))
            )
            for item in _every(page_of(records_of_volunteer))
        ],
        "certificates": [
            my_certificate(row, verification_url)
            for row in _every(page_of(queries.my_certificates))
        ],
        "certificate_requests": [
            my_certificate_request(row) for row in _every(page_of(queries.my_certificate_requests))
        ],
        "correction_requests": [
            my_correction_request(row) for row in _every(page_of(queries.my_correction_requests))
        ],
    }
