"""``/desk/shifts/{id}``: a shift's roster with check-in, check-out and no-show, and, while
check-in is open, the QR code volunteers scan to check themselves in.

The roster and every button go through the API's shift routes (``get_roster``, ``check_in``,
``check_out``, ``mark_no_show``) with the session's viewer, so the organiser of another
organisation is refused exactly as over the API. The QR code carries a check-in code that
rotates every minute (``api.pages.check_codes``); ``desk-qr.js`` fetches the current one from
``/desk/shifts/{id}/check-in-code`` every 30 seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import segno
from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import Services, ServicesDep
from api.pages.check_codes import KEY_PURPOSE, code_for
from api.pages.forms import PostedForm, field_errors, problem_text
from api.pages.rendering import PAGE_HEADERS, render
from api.pages.routes.desk import at_query, desk_scope, latest, refused
from api.pages.routing import page_router
from api.permissions import shift_organiser
from api.problems import ApiError, problem_for
from api.routes.shifts import (
    Attend,
    NoShow,
    check_in,
    check_out,
    get_roster,
    get_shift,
    mark_no_show,
)
from domain.errors import LedgerError

router = page_router()


def check_in_open(services: Services, shift: Any) -> bool:
    """Whether the ledger would take a volunteer's own check-in now (its rule: from
    ``check_in_early`` before the start until the end, on a shift not cancelled)."""
    now = services.ledger.now()
    early = services.ledger.policy.check_in_early
    opens: datetime = shift.starts_at - early
    return bool(shift.status != "cancelled" and opens <= now < shift.ends_at)


def check_in_link(services: Services, shift_id: UUID) -> dict[str, str]:
    """The current check-in address and its QR code (an SVG as a data: URL)."""
    key = services.tokens.derived_key(KEY_PURPOSE)
    code = code_for(key, shift_id, services.ledger.now())
    url = f"{services.settings.public_url.rstrip('/')}/checkin/{code}"
    qr = segno.make(url, error="m").svg_data_uri(scale=5, border=2)
    return {"url": url, "qr": qr}


@router.get("/desk/shifts/{shift_id}")
def roster_page(
    shift_id: UUID, request: Request, services: ServicesDep, at: int | None = None
) -> Response:
    return _roster(request, services, shift_id, min_position=at)


@router.get("/desk/shifts/{shift_id}/check-in-code")
def current_code(shift_id: UUID, request: Request, services: ServicesDep) -> Response:
    """The QR code of this minute, for the roster page's script (JSON, never cached)."""
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    shift_organiser(shift_id, services, scope.viewer)
    shift = get_shift(shift_id, services, scope.viewer)
    if not check_in_open(services, shift):
        return JSONResponse({"open": False}, headers=PAGE_HEADERS)
    return JSONResponse({"open": True, **check_in_link(services, shift_id)}, headers=PAGE_HEADERS)


@router.post("/desk/shifts/{shift_id}/check-in")
def desk_check_in(
    shift_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    return _act(request, services, shift_id, form, "check-in")


@router.post("/desk/shifts/{shift_id}/check-out")
def desk_check_out(
    shift_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    return _act(request, services, shift_id, form, "check-out")


@router.post("/desk/shifts/{shift_id}/no-show")
def desk_no_show(
    shift_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    return _act(request, services, shift_id, form, "no-show")


def _act(
    request: Request, services: Services, shift_id: UUID, form: dict[str, str], action: str
) -> Response:
    """One button of the roster, through the API's route; the roster again, with the outcome."""
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    viewer = scope.viewer
    volunteer = form.get("volunteer_id", "")
    try:
        if action == "no-show":
            body = NoShow.model_validate({"volunteer_id": volunteer, "reason": form.get("reason")})
            position = mark_no_show(
                shift_id, body, services, shift_organiser(shift_id, services, viewer)
            ).position
        elif action == "check-in":
            position = check_in(
                shift_id, Attend.model_validate({"volunteer_id": volunteer}), services, viewer
            ).position
        else:
            position = check_out(
                shift_id, Attend.model_validate({"volunteer_id": volunteer}), services, viewer
            ).position
    except ValidationError as error:
        errors = field_errors(request, error)
        return _roster(request, services, shift_id, errors=errors, about=volunteer, status_code=422)
    except (LedgerError, ApiError) as error:
        status = problem_for(type(error)).status
        message = problem_text(request, error)
        return _roster(request, services, shift_id, general=message, status_code=status)
    target = f"/desk/shifts/{shift_id}?{at_query(position)}done={action}"
    return RedirectResponse(target, status_code=303)


def _roster(
    request: Request,
    services: Services,
    shift_id: UUID,
    *,
    min_position: int | None = None,
    errors: dict[str, str] | None = None,
    about: str = "",
    general: str | None = None,
    status_code: int = 200,
) -> Response:
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    viewer = shift_organiser(shift_id, services, scope.viewer)
    roster = get_roster(
        shift_id, services, viewer, limit=200, min_position=latest(services, min_position)
    )
    shift = get_shift(shift_id, services, viewer)
    open_now = check_in_open(services, shift)
    return render(
        request,
        "desk_roster.html",
        status_code,
        shift=shift,
        activity=services.ledger.activity(shift.activity_id),
        roster=roster,
        started=shift.status in ("running", "completed"),
        check_in=check_in_link(services, shift_id) if open_now else None,
        errors=errors or {},
        about=about,
        general=general,
        done=request.query_params.get("done", ""),
    )
