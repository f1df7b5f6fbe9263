"""``/desk/queue``: the approval queue (approve, reject or correct, with a reason) and the
volunteers' correction requests (accept or decline), through the API's routes: the queue's
scope, masking and the second-party rule are theirs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import Services, ServicesDep
from api.pages.forms import PostedForm, error_field, field_errors, problem_text
from api.pages.rendering import render, translate
from api.pages.routes.desk import at_query, desk_scope, latest, refused
from api.pages.routing import page_router
from api.permissions import record_organiser
from api.problems import ApiError, problem_for
from api.routes.queues import list_correction_requests, list_service_records
from api.routes.service_records import (
    Correct,
    ResolveCorrectionRequest,
    approve,
    correct,
    reject,
    resolve_correction_request,
)
from api.schemas import Reason
from domain.errors import LedgerError

router = page_router()

SHOWN = 100
ACTIONS = ("approve", "reject", "correct", "resolve")


@router.get("/desk/queue")
def queue_page(request: Request, services: ServicesDep, at: int | None = None) -> Response:
    return _queue(request, services, min_position=at)


@router.post("/desk/records/{record_id}/{action}")
def record_action(
    record_id: UUID, action: str, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """Approve, reject (reason), correct (minutes and reason) or resolve a correction request
    (accept or decline, reason, minutes optional)."""
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    if action not in ACTIONS:
        return render(request, "problem.html", 404, message=_unknown(request))
    try:
        position = _carry_out(
            services, record_organiser(record_id, services, scope.viewer), record_id, action, form
        )
    except ValidationError as error:
        errors = field_errors(request, error)
        return _queue(
            request,
            services,
            errors=errors,
            about=(str(record_id), action),
            form=form,
            status_code=422,
        )
    except (LedgerError, ApiError) as error:
        status = problem_for(type(error)).status
        field = error_field(error)
        message = problem_text(request, error)
        if field:
            return _queue(
                request,
                services,
                errors={field: message},
                about=(str(record_id), action),
                form=form,
                status_code=status,
            )
        return _queue(request, services, general=message, status_code=status)
    return RedirectResponse(f"/desk/queue?{at_query(position)}done={action}", status_code=303)


def _carry_out(
    services: Services, viewer: Any, record_id: UUID, action: str, form: dict[str, str]
) -> int | None:
    reason = form.get("reason", "")
    if action == "approve":
        return approve(record_id, services, viewer).position
    if action == "reject":
        return reject(
            record_id, Reason.model_validate({"reason": reason}), services, viewer
        ).position
    if action == "correct":
        body = Correct.model_validate(
            {"minutes": _number(form.get("minutes", "")), "reason": reason}
        )
        return correct(record_id, body, services, viewer).position
    resolution: dict[str, Any] = {"accept": form.get("accept") == "yes", "reason": reason}
    if form.get("minutes", "").strip():
        resolution["minutes"] = _number(form["minutes"])
    body_r = ResolveCorrectionRequest.model_validate(resolution)
    return resolve_correction_request(record_id, body_r, services, viewer).position


def _number(text: str) -> Any:
    """A whole number as an int; anything else as typed, for the model to refuse."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 9 else (text or None)


def _unknown(request: Request) -> str:
    return translate(request, "This address holds a value that is not valid.")


def _queue(
    request: Request,
    services: Services,
    *,
    min_position: int | None = None,
    errors: dict[str, str] | None = None,
    about: tuple[str, str] = ("", ""),
    form: dict[str, str] | None = None,
    general: str | None = None,
    status_code: int = 200,
) -> Response:
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    records = list_service_records(
        services, scope.viewer, limit=SHOWN, min_position=latest(services, min_position)
    )
    requests = list_correction_requests(services, scope.viewer, limit=SHOWN)
    return render(
        request,
        "desk_queue.html",
        status_code,
        records=records.items,
        requests=requests.items,
        errors=errors or {},
        about=about,
        form=form or {},
        general=general,
        done=request.query_params.get("done", ""),
    )
