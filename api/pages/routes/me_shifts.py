"""``/me``'s shift forms: sign up for an open shift (or join its waitlist), give up a place.
The API's routes decide: ``POST /v1/shifts/{id}/signups`` and ``DELETE /v1/me/shifts/{id}``."""

from __future__ import annotations

from uuid import UUID

from fastapi import Request
from fastapi.responses import Response

from api.deps import ServicesDep
from api.pages.forms import PostedForm
from api.pages.routes.me import back_to_me, read_filters_query, refused_by, require_volunteer
from api.pages.routes.me_view import read_filters
from api.pages.routing import page_router
from api.problems import ApiError
from api.routes.me import cancel_my_sign_up
from api.routes.shifts import SignUp, sign_up
from domain.errors import LedgerError

router = page_router()

#: The reason the roster keeps when a volunteer gives up a place from this page.
CANCEL_REASON = "cancelled by the volunteer"


@router.post("/me/shifts/{shift_id}/sign-up")
def sign_up_for_shift(
    shift_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """Confirmed while places remain, else on the waitlist; back to the board as filtered."""
    viewer = require_volunteer(request)
    filters = form.get("filters", "")
    try:
        signed = sign_up(shift_id, SignUp(), services, viewer)
    except (LedgerError, ApiError) as error:
        shown = read_filters(request, read_filters_query(filters))
        return refused_by(request, services, viewer, f"signup-{shift_id}", error, filters=shown)
    notice = "signed-up" if signed.status == "confirmed" else "waitlisted"
    return back_to_me(notice, signed.position, "upcoming", filters)


@router.post("/me/shifts/{shift_id}/cancel")
def cancel_shift_place(
    shift_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """Give up my place, or my place in the queue; a freed place goes to the next in line."""
    viewer = require_volunteer(request)
    try:
        done = cancel_my_sign_up(shift_id, services, viewer, reason=CANCEL_REASON)
    except (LedgerError, ApiError) as error:
        return refused_by(request, services, viewer, f"cancel-{shift_id}", error)
    return back_to_me("cancelled", done.position, "upcoming")
