"""The certificate requests an organiser's organisations were asked for, to issue or decline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, Field

from api.deps import Cursor, Limit, MinPosition, PrincipalDep, ServicesDep, wait_for_position
from api.pagination import encode_cursor
from api.readable import local, utc
from api.routes.queues import SCOPE_STATUSES, ScopeParam, position_cursor, scope_of
from api.routing import PrefixedRouter
from domain.organisation import DEFAULT_TIMEZONE
from domain.policy import mask_name
from projections.certificate_requests.queries import requests_to

router = PrefixedRouter(prefix="/v1/certificate-requests", tags=["certificates"])

RequestStatus = Literal["open", "fulfilled", "declined"]


class CertificateRequestPublic(BaseModel):
    id: UUID
    volunteer_id: UUID
    volunteer_name: str | None = Field(description="masked", examples=["王*明"])
    volunteer_number: str | None
    organisation_id: UUID = Field(description="the organisation asked to certify")
    organisation_name: str | None
    period_start: date = Field(description="the period asked for: its first local day")
    period_end: date = Field(description="its last local day; issuing the request uses both")
    status: RequestStatus
    requested_at: AwareDatetime
    requested_at_local: AwareDatetime
    age_days: int = Field(description="whole days since it was asked")
    certificate_id: UUID | None = Field(description="the certificate that fulfilled it")
    reason: str | None = Field(description="why it was declined")


class CertificateRequestPage(BaseModel):
    items: list[CertificateRequestPublic]
    next_cursor: str | None
    position: int


@router.get("", summary="Certificate requests to issue", responses=SCOPE_STATUSES)
def list_certificate_requests(
    services: ServicesDep,
    principal: PrincipalDep,
    status: Annotated[RequestStatus, Query(description="open: neither issued nor declined")] = (
        "open"
    ),
    organization_id: ScopeParam = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> CertificateRequestPage:
    """Requests made to the organisations in the caller's scope, oldest first, with the period
    each asks for; issue one with `request_id` in `POST /v1/certificates`, or decline it.
    Organisers and admins; a volunteer's own requests are at `/v1/me/certificate-requests`."""
    scope = scope_of(services, principal, organization_id)
    position = wait_for_position(services, min_position)
    page = requests_to(services.views, scope, status, limit=limit, after=position_cursor(cursor))
    now = services.ledger.now()
    items = []
    for item in page.items:
        asked = datetime.fromisoformat(item["requested_at"])
        name = item["volunteer_name"]
        items.append(
            CertificateRequestPublic.model_validate(
                {
                    **item,
                    "volunteer_name": None if name is None else mask_name(name),
                    "organisation_id": item["issuer_id"],
                    "organisation_name": item["issuer_name"],
                    "requested_at": utc(asked),
                    "requested_at_local": local(asked, item["timezone"] or DEFAULT_TIMEZONE),
                    "age_days": (now - asked).days,
                }
            )
        )
    return CertificateRequestPage(
        items=items, next_cursor=encode_cursor(page.next_after), position=position
    )
