"""``/desk/certificates``: the certificate requests made to an organiser's organisations, to
issue or decline, through the API's own routes (the same scope and rules)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import ServicesDep
from api.pages.forms import PostedForm, blank_to_none, field_errors, problem_text
from api.pages.rendering import N_, render, translate
from api.pages.routing import page_router, require_viewer
from api.permissions import certificate_request_organiser
from api.problems import ApiError
from api.routes.certificate_request_queue import list_certificate_requests
from api.routes.certificate_requests import decline
from api.routes.certificates import IssueCertificate, issue
from api.schemas import Reason
from domain.errors import LedgerError

router = page_router()

#: What a notice after a redirect says (the query names one; nothing else is echoed).
NOTICES = {
    "issued": N_("The certificate is issued. The volunteer can download it now."),
    "declined": N_("The request is declined; the volunteer sees your reason."),
}


@router.get("/desk/certificates")
def certificate_requests_page(
    request: Request,
    services: ServicesDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
    number: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Open requests in the organiser's scope, oldest first, each with its two forms."""
    return _page(request, services, notice=NOTICES.get(done or ""), number=number)


def _page(
    request: Request,
    services: ServicesDep,
    *,
    notice: str | None = None,
    number: str | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    failed: str | None = None,
    status_code: int = 200,
) -> Response:
    viewer = require_viewer(request)
    requests = list_certificate_requests(services, viewer, "open", limit=100)
    return render(
        request,
        "desk_certificates.html",
        status_code,
        requests=requests.items,
        notice=translate(request, notice) if notice else None,
        number=number if number and number.isalnum() else None,
        errors=errors or {},
        failed=failed,
    )


@router.post("/desk/certificates/{request_id}/issue")
def issue_requested(
    request_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """Issue the certificate a volunteer asked for: the request's period and issuer."""
    viewer = require_viewer(request)
    values = blank_to_none(form)
    body = {"request_id": str(request_id)} | {
        name: values.get(name)
        for name in ("person_in_charge", "handler", "contact")
        if values.get(name) is not None
    }
    try:
        issued = issue(IssueCertificate.model_validate(body), services, viewer)
    except ValidationError as error:
        errors = {str(request_id): field_errors(request, error)}
        return _page(request, services, errors=errors, status_code=422)
    except (LedgerError, ApiError) as error:
        return _page(request, services, failed=problem_text(request, error), status_code=409)
    return RedirectResponse(f"/desk/certificates?done=issued&number={issued.number}", 303)


@router.post("/desk/certificates/{request_id}/decline")
def decline_requested(
    request_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """Decline a request with the reason the volunteer will read."""
    viewer = certificate_request_organiser(request_id, services, require_viewer(request))
    try:
        reason = Reason.model_validate({"reason": form.get("reason", "").strip()})
    except ValidationError as error:
        errors = {str(request_id): field_errors(request, error)}
        return _page(request, services, errors=errors, status_code=422)
    decline(request_id, reason, services, viewer)
    return RedirectResponse("/desk/certificates?done=declined", 303)
