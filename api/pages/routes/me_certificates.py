"""``/me``'s certificates: ask an organisation for one (``POST /v1/certificate-requests``),
and download my certificates as the signed credential (JSON) or the PDF.

The API's download routes take a bearer token, which a link cannot carry; these routes take
the session instead, check it with the API's own access check (``certificate_reader``: the
volunteer, the issuer's organisers, admins; anyone else learns nothing, not even that the
number exists) and answer the same bytes the API answers.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from api.deps import ServicesDep
from api.pages.forms import PostedForm, blank_to_none, field_errors
from api.pages.routes.me import back_to_me, refused, refused_by, require_volunteer
from api.pages.routing import page_router, require_viewer
from api.permissions import certificate_reader
from api.problems import ApiError
from api.routes.certificate_requests import RequestCertificate, request_certificate
from api.routes.certificates import credential, get_certificates, pdf
from domain.errors import LedgerError

router = page_router()

FORM = "certificate"
FIELDS = ("organization_id", "period_start", "period_end")


@router.post("/me/certificate-requests")
def ask_for_certificate(request: Request, services: ServicesDep, form: PostedForm) -> Response:
    """Ask an organisation to certify my approved hours of a period."""
    viewer = require_volunteer(request)
    values = {f"{FORM}.{name}": form.get(name, "") for name in FIELDS}
    typed = blank_to_none(form)
    given = {name: typed.get(name) for name in FIELDS if typed.get(name) is not None}
    try:
        body = RequestCertificate.model_validate(given)
    except ValidationError as error:
        errors = {f"{FORM}.{k}": v for k, v in field_errors(request, error).items()}
        return refused(request, services, viewer, errors, values, 422)
    try:
        done = request_certificate(body, services, viewer)
    except (LedgerError, ApiError) as error:
        return refused_by(request, services, viewer, FORM, error, values)
    return back_to_me("certificate-requested", done.position, "certificates")


@router.get("/me/certificates/{number:certificate_number}.pdf")
def certificate_pdf(number: str, request: Request, services: ServicesDep) -> Response:
    """The certificate's PDF, as ``GET /v1/certificates/{number}.pdf`` answers it."""
    principal = certificate_reader(number, services, require_viewer(request))
    return pdf(number, services, principal, get_certificates(request))


@router.get("/me/certificates/{number:certificate_number}.json")
def certificate_json(number: str, request: Request, services: ServicesDep) -> Response:
    """The signed credential, as ``GET /v1/certificates/{number}`` answers it, as a file."""
    principal = certificate_reader(number, services, require_viewer(request))
    signed = credential(number, services, principal, get_certificates(request))
    return JSONResponse(
        signed,
        headers={
            "Content-Disposition": f'attachment; filename="{number}.json"',
            "Cache-Control": "no-store",
        },
    )
