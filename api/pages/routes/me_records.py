"""``/me``'s record forms: confirm a pending record's minutes
(``POST /v1/service-records/{id}/confirmation``), or ask for its correction with the minutes
and the reason the API asks for (``POST /v1/service-records/{id}/correction-requests``)."""

from __future__ import annotations

from uuid import UUID

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.deps import ServicesDep
from api.pages.forms import PostedForm, blank_to_none, field_errors
from api.pages.routes.me import back_to_me, refused, refused_by, require_volunteer
from api.pages.routing import page_router
from api.permissions import record_volunteer
from api.problems import ApiError
from api.routes.service_records import Correct, confirm, request_correction
from domain.errors import LedgerError

router = page_router()


def whole_number(text: str) -> int | str:
    """A typed number as an int (the API takes minutes as a JSON number); anything else is
    passed on as typed, for the API's model to refuse beside the field."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


@router.post("/me/records/{record_id}/correction-request")
def ask_for_correction(
    record_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """The record's volunteer asks for other minutes; an organiser resolves it at the desk."""
    viewer = require_volunteer(request)
    # Another's record, or none: the API's refusal as a page of its own (no form of it here).
    principal = record_volunteer("ask for its correction")(record_id, services, viewer)
    form_key = f"correction-{record_id}"
    values = {f"{form_key}.{name}": form.get(name, "") for name in ("minutes", "reason")}
    typed = blank_to_none(form)  # a blank field is a missing one, as an API body leaves it out
    given: dict[str, object] = {"reason": typed.get("reason")}
    if typed.get("minutes"):
        given["minutes"] = whole_number(form["minutes"])
    try:
        body = Correct.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as error:
        errors = {f"{form_key}.{k}": v for k, v in field_errors(request, error).items()}
        return refused(request, services, viewer, errors, values, 422)
    try:
        done = request_correction(record_id, body, services, principal)
    except (LedgerError, ApiError) as error:
        return refused_by(request, services, viewer, form_key, error, values)
    return back_to_me("correction-requested", done.position, f"record-{record_id}")


@router.post("/me/records/{record_id}/confirmation")
def confirm_minutes(
    record_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """I confirm the minutes an organiser entered, so that they may approve them."""
    viewer = require_volunteer(request)
    principal = record_volunteer("confirm it")(record_id, services, viewer)
    try:
        done = confirm(record_id, services, principal)
    except (LedgerError, ApiError) as error:
        return refused_by(request, services, viewer, f"confirm-{record_id}", error)
    return back_to_me("confirmed", done.position, f"record-{record_id}")
