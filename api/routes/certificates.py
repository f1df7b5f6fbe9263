"""Certificates: issue, read as a signed credential or a PDF, check status, verify, revoke."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Body, Depends, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.convertors import Convertor, register_url_convertor

from api.access import require_organiser_of
from api.certificate_service import CertificateService
from api.deps import PrincipalDep, ServicesDep, TokenFirstRoute
from api.permissions import CertificateNumber, CertificateOrganiser, CertificateReader
from api.problems import PdfUnavailable
from api.routing import PrefixedRouter
from api.schemas import Command, Day, Done, Reason, Uuid
from certificates import FontUnavailableError
from domain.errors import InvalidInputError
from projections.hours.queries import certifiable_records

router = PrefixedRouter(
    prefix="/v1/certificates", tags=["certificates"], route_class=TokenFirstRoute
)


class CertificateNumberSegment(Convertor[str]):
    """A certificate number in a path, in either case (``vc…`` as typed from paper): only such a
    segment reaches the routes below, so ``/v1/certificates/verify`` is not taken for one."""

    regex = "[Vv][Cc][0-9]{13}"

    def convert(self, value: str) -> str:
        return value.upper()

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("certificate_number", CertificateNumberSegment())

Number = CertificateNumber


def get_certificates(request: Request) -> CertificateService:
    service: CertificateService = request.app.state.certificates
    return service


CertificatesDep = Annotated[CertificateService, Depends(get_certificates)]


#: The shape of a credential, cut short: the verdict of this one says which checks fail.
CREDENTIAL_EXAMPLE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/volunteer-ledger/contexts/v1.jsonld",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:volunteer.example.cn", "type": ["Profile"], "name": "和平里社区"},
    "validFrom": "2026-12-07T08:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "certificate": {"number": "VC2026123456782"},
    },
}


class IssueCertificate(Command):
    """Either a period or ``record_ids``; with ``request_id`` the request's period, volunteer
    and issuer are used, and any of them given here must match the request."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "request_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "person_in_charge": "李主任",
                    "handler": "王干事",
                    "contact": "010-64200000",
                },
                {
                    "organization_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "volunteer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "period_start": "2026-01-01",
                    "period_end": "2026-11-30",
                    "person_in_charge": "李主任",
                    "handler": "王干事",
                    "contact": "010-64200000",
                },
            ]
        }
    )

    organization_id: Uuid | None = Field(
        default=None, description="the issuing organisation; with request_id, the request's"
    )
    volunteer_id: Uuid | None = Field(
        default=None, description="the volunteer; with request_id, the request's"
    )
    period_start: Day | None = Field(
        default=None, description="with request_id, the request's period unless given (equal)"
    )
    period_end: Day | None = None
    record_ids: list[Uuid] | None = Field(
        default=None, description="instead of a period: the records to count"
    )
    person_in_charge: str = Field(min_length=1, max_length=50)
    handler: str = Field(min_length=1, max_length=50)
    contact: str = Field(min_length=1, max_length=100)
    request_id: Uuid | None = Field(
        default=None, description="the volunteer's certificate request this fulfils"
    )


class Issued(Done):
    id: UUID
    number: str


class StatusPublic(BaseModel):
    number: str
    status: Literal["valid", "revoked", "superseded"]
    reason: str | None


class CheckPublic(BaseModel):
    name: str
    passed: bool | None = Field(description="null: could not be checked here")
    detail: str


class VerdictPublic(BaseModel):
    verdict: Literal["valid", "revoked", "superseded", "unknown", "invalid", "authentic"] = Field(
        description="invalid when a check failed; else the status, or authentic when the "
        "status could not be asked"
    )
    status: Literal["valid", "revoked", "superseded", "unknown"] | None = Field(
        description="the issuing ledger's answer; unknown: it has no certificate with that "
        "number; null: not asked"
    )
    reason: str | None
    checks: list[CheckPublic]


@router.post(
    "",
    summary="Issue a certificate",
    status_code=status.HTTP_201_CREATED,
    responses={403: {}, 404: {}, 409: {}},
)
def issue(body: IssueCertificate, services: ServicesDep, principal: PrincipalDep) -> Issued:
    """Certify a volunteer's approved records in a period (or the records named) that the
    issuing organisation or those below it organised. With ``request_id`` the request's
    period, volunteer and issuer apply: dates, volunteer or organisation given as well must
    be the request's (else 422)."""
    ledger = services.ledger
    issuer_id, volunteer_id = body.organization_id, body.volunteer_id
    period_start, period_end = body.period_start, body.period_end
    if body.request_id is not None:
        requested = ledger.certificate_request(body.request_id)
        issuer_id = issuer_id or requested.issuer_id  # the ledger refuses another one
        volunteer_id = volunteer_id or requested.volunteer_id
        if body.record_ids is None:
            period_start, period_end = requested.period_for(period_start, period_end)
    if issuer_id is None or volunteer_id is None:
        raise InvalidInputError("give organization_id and volunteer_id, or a request_id")
    require_organiser_of(ledger, principal, issuer_id)
    if body.record_ids is not None:
        record_ids = body.record_ids
    elif period_start is not None and period_end is not None:
        services.runner.wait_for(
            ledger.recorder.max_notification_id() or 0, timeout=services.settings.read_wait_seconds
        )
        record_ids = [
            UUID(r)
            for r in certifiable_records(
                services.views, str(volunteer_id), str(issuer_id), period_start, period_end
            )
        ]
    else:
        raise InvalidInputError("give a period (period_start and period_end) or record_ids")
    certificate_id, position = ledger.issue_certificate.written(
        issuer_id=issuer_id,
        volunteer_id=volunteer_id,
        record_ids=record_ids,
        person_in_charge=body.person_in_charge,
        handler=body.handler,
        contact=body.contact,
        actor=principal.actor,
        request_id=body.request_id,
    )
    number = ledger.certificate_number_of(certificate_id)
    return Issued(id=certificate_id, number=number, position=position)


@router.post("/verify", summary="Verify a certificate's credential")
def verify(
    credential: Annotated[
        dict[str, Any],
        Body(
            description="the signed credential, as issued",
            openapi_examples={
                "credential": {
                    "summary": "a credential as GET /v1/certificates/{number} gives it (cut short)",
                    "value": CREDENTIAL_EXAMPLE,
                }
            },
        ),
    ],
    certificates: CertificatesDep,
) -> VerdictPublic:
    """Check a credential: signature, issuer key, log proofs, consistency, status. Public."""
    verdict = certificates.verify(credential)
    return VerdictPublic.model_validate(
        {
            "verdict": verdict.verdict,
            "status": verdict.status,
            "reason": verdict.reason,
            "checks": [
                CheckPublic(name=c.name, passed=c.passed, detail=c.detail) for c in verdict.checks
            ],
        }
    )


@router.get(
    "/{number:certificate_number}.pdf",
    summary="A certificate as a PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 404: {}, 503: {}},
)
def pdf(
    number: Number,
    services: ServicesDep,
    principal: CertificateReader,
    certificates: CertificatesDep,
) -> Response:
    """A4 PDF with a QR code; the credential is attached, so the file verifies offline."""
    try:
        content = certificates.pdf(number)
    except FontUnavailableError:
        raise PdfUnavailable from None
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{number}.pdf"'},
    )


@router.get(
    "/{number:certificate_number}",
    summary="A certificate as a signed credential",
    responses={404: {}},
)
def credential(
    number: Number,
    services: ServicesDep,
    principal: CertificateReader,
    certificates: CertificatesDep,
) -> dict[str, Any]:
    """The signed Open Badges 3.0 credential with its log proofs."""
    return certificates.credential(number)


@router.get("/{number:certificate_number}/status", responses={404: {}})
def certificate_status(number: Number, services: ServicesDep) -> StatusPublic:
    """Public, and without personal data: valid, revoked (with the reason) or superseded."""
    found = services.ledger.certificate_status(number)
    return StatusPublic.model_validate(
        {"number": found.number, "status": found.status, "reason": found.reason}
    )


@router.post(
    "/{number:certificate_number}/revoke",
    summary="Revoke a certificate",
    responses={403: {}, 404: {}, 409: {}},
)
def revoke(
    number: Number, body: Reason, services: ServicesDep, principal: CertificateOrganiser
) -> Done:
    """Revoke an issued certificate, with the reason; its status then answers `revoked` to anyone
    who checks it. Organisers of the issuing organisation (or above); 409 when its state
    does not allow it."""
    ledger = services.ledger
    position = ledger.revoke_certificate.written(number, body.reason, principal.actor).position
    return Done(position=position)
