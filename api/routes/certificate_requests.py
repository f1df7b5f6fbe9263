"""A volunteer asks for a certificate; an organiser of the issuer issues it or declines."""

from __future__ import annotations

from uuid import UUID

from fastapi import status
from pydantic import ConfigDict, Field

from api.deps import PrincipalDep, ServicesDep, TokenFirstRoute
from api.permissions import CertificateRequestOrganiser
from api.problems import Forbidden
from api.routing import PrefixedRouter
from api.schemas import Command, Created, Day, Done, Reason, Uuid

router = PrefixedRouter(
    prefix="/v1/certificate-requests", tags=["certificates"], route_class=TokenFirstRoute
)


class RequestCertificate(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organization_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "period_start": "2026-01-01",
                    "period_end": "2026-11-30",
                }
            ]
        }
    )

    organization_id: Uuid = Field(description="the organisation asked to certify")
    period_start: Day
    period_end: Day


@router.post("", status_code=status.HTTP_201_CREATED, responses={403: {}, 404: {}, 422: {}})
def request_certificate(
    body: RequestCertificate, services: ServicesDep, principal: PrincipalDep
) -> Created:
    """The volunteer's own request; issue it with ``request_id`` in POST /v1/certificates."""
    if principal.volunteer_id is None:
        raise Forbidden("only a volunteer asks for their own certificate")
    ledger = services.ledger
    request_id, position = ledger.request_certificate.written(
        volunteer_id=principal.volunteer_id,
        issuer_id=body.organization_id,
        period_start=body.period_start,
        period_end=body.period_end,
        actor=principal.actor,
    )
    return Created(id=request_id, position=position)


@router.post(
    "/{request_id}/decline",
    summary="Decline a certificate request",
    responses={403: {}, 404: {}, 409: {}},
)
def decline(
    request_id: UUID, body: Reason, services: ServicesDep, principal: CertificateRequestOrganiser
) -> Done:
    """Decline an open certificate request, with the reason the volunteer will see. Organisers of
    the organisation asked, or above; 409 when the request is no longer open."""
    ledger = services.ledger
    position = ledger.decline_certificate_request.written(
        request_id, body.reason, principal.actor
    ).position
    return Done(position=position)
