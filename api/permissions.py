"""Who may call a route, said in its signature: the checks of ``api.access`` as dependencies.

A route names the caller it accepts as the type of its ``principal`` parameter, e.g.
``principal: ShiftOrganiser``. The dependency loads what the path names (a shift, a record, a
volunteer …), answers 404 when it does not exist and 403 (or 404, where even its existence is
private) when the caller may not act on it, and otherwise hands the route the ``Principal``.
Checks that need the request body (an organisation id inside the JSON) stay in the route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path

from api.access import (
    Principal,
    covers,
    require_admin,
    require_may_see_volunteer,
    require_organiser_of,
    require_self_or_organiser,
)
from api.deps import PrincipalDep, Services, ServicesDep, store_read
from api.problems import Forbidden, NotFound

CertificateNumber = Annotated[str, Path(pattern=r"^[Vv][Cc]\d{13}$", examples=["VC2026123456782"])]


async def admin(principal: PrincipalDep) -> Principal:
    require_admin(principal)
    return principal


def organisation_organiser(
    organization_id: UUID, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """An organiser of the organisation in the path, or of one above it, or an admin."""
    require_organiser_of(services.ledger, principal, organization_id)
    return principal


def activity_organiser(
    activity_id: UUID, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """An organiser of the activity's organisation (or above it), or an admin."""
    activity = services.ledger.activity(activity_id)
    require_organiser_of(services.ledger, principal, activity.organisation_id)
    return principal


def shift_organiser(shift_id: UUID, services: ServicesDep, principal: PrincipalDep) -> Principal:
    """An organiser of the shift's organisation (or above it), or an admin."""
    shift = services.ledger.shift(shift_id)
    require_organiser_of(services.ledger, principal, shift.organisation_id)
    return principal


def signed_up_or_shift_organiser(
    shift_id: UUID, volunteer_id: UUID, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """The volunteer in the path themselves, or an organiser of the shift's organisation."""
    shift = services.ledger.shift(shift_id)
    require_self_or_organiser(services.ledger, principal, volunteer_id, shift.organisation_id)
    return principal


def record_organiser(record_id: UUID, services: ServicesDep, principal: PrincipalDep) -> Principal:
    """An organiser of the service record's organisation (or above it), or an admin."""
    record = services.ledger.service_record(record_id)
    require_organiser_of(services.ledger, principal, record.organisation_id)
    return principal


def record_volunteer(to_do: str) -> Callable[[UUID, Services, Principal], Principal]:
    """The volunteer the service record belongs to, and no one else, ``to_do`` this
    ("confirm it"): a route names it as ``Depends(record_volunteer("confirm it"))``."""

    def the_records_volunteer(
        record_id: UUID, services: ServicesDep, principal: PrincipalDep
    ) -> Principal:
        record = services.ledger.service_record(record_id)
        if not principal.is_volunteer(record.volunteer_id):
            raise Forbidden(f"only the volunteer the record belongs to can {to_do}")
        return principal

    return the_records_volunteer


def volunteer_organiser(
    volunteer_id: UUID, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """An organiser of the volunteer's home organisation (or above it), or an admin."""
    volunteer = services.ledger.volunteer(volunteer_id)
    require_organiser_of(services.ledger, principal, volunteer.home_organisation_id)
    return principal


@dataclass(frozen=True)
class Viewer:
    """Who looks at a volunteer: the volunteer themselves, or (``as_organiser``) an organiser
    of their home organisation, who sees the phone masked."""

    principal: Principal
    as_organiser: bool
    home: UUID | None = None
    """The volunteer's home organisation, when it was read to check an organiser."""


def volunteer_viewer(volunteer_id: UUID, services: ServicesDep, principal: PrincipalDep) -> Viewer:
    """The volunteer, or an organiser of their home organisation; to anyone else the volunteer
    does not exist (404), since whether someone is registered is private."""
    home = require_may_see_volunteer(services.places, principal, volunteer_id)
    return Viewer(principal, as_organiser=home is not None, home=home)


def recognition_list_organiser(
    list_id: UUID, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """An organiser of the organisation that published the list (or above it), or an admin."""
    published = services.ledger.recognition_list(list_id)
    require_organiser_of(services.ledger, principal, published.organisation_id)
    return principal


def certificate_request_organiser(
    request_id: UUID, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """An organiser of the organisation asked to certify (or above it), or an admin."""
    requested = services.ledger.certificate_request(request_id)
    require_organiser_of(services.ledger, principal, requested.issuer_id)
    return principal


def certificate_organiser(
    number: CertificateNumber, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """An organiser of the certificate's issuer (or above it), or an admin."""
    certificate = services.ledger.certificate(number)
    require_organiser_of(services.ledger, principal, certificate.issuer_id)
    return principal


def certificate_reader(
    number: CertificateNumber, services: ServicesDep, principal: PrincipalDep
) -> Principal:
    """The volunteer, organisers of the issuer, admins; others learn nothing, not even that
    the certificate exists (its status is public, without personal data)."""
    certificate = services.ledger.certificate(number)
    if principal.is_volunteer(certificate.volunteer_id):
        return principal
    if not covers(services.ledger, principal, certificate.issuer_id):
        raise NotFound(f"certificate {number} was not found")
    return principal


Admin = Annotated[Principal, Depends(admin)]
OrganisationOrganiser = Annotated[Principal, Depends(store_read(organisation_organiser))]
ActivityOrganiser = Annotated[Principal, Depends(store_read(activity_organiser))]
ShiftOrganiser = Annotated[Principal, Depends(store_read(shift_organiser))]
SignedUpOrShiftOrganiser = Annotated[Principal, Depends(store_read(signed_up_or_shift_organiser))]
RecordOrganiser = Annotated[Principal, Depends(store_read(record_organiser))]
VolunteerOrganiser = Annotated[Principal, Depends(store_read(volunteer_organiser))]
VolunteerViewer = Annotated[Viewer, Depends(store_read(volunteer_viewer))]
RecognitionListOrganiser = Annotated[Principal, Depends(store_read(recognition_list_organiser))]
CertificateRequestOrganiser = Annotated[
    Principal, Depends(store_read(certificate_request_organiser))
]
CertificateOrganiser = Annotated[Principal, Depends(store_read(certificate_organiser))]
CertificateReader = Annotated[Principal, Depends(store_read(certificate_reader))]
