"""``/checkin/{code}``: QR check-in. A volunteer scans the code the desk shows for a shift
and is checked in (or, when checked in already, out) after logging in if needed.

Who acts: the volunteer, through the API's own ``check_in`` / ``check_out`` with their own
session. The API already lets a volunteer check themselves in and out at the server's time
when they are confirmed on the shift and the shift takes check-ins; the code adds no
authority to that, so the ledger's event names the volunteer as its actor, truthfully, and
holds the server's time. The code is what keeps the page honest: it is shown only at the
desk, changes every minute and expires after two, so whoever uses it stood at the desk (an
auditor reading the event finds the volunteer and the time; the service's log line ties it
to the shift and the code's minute, with ids only).

A GET only shows what would happen, with a button: a link preview or a prefetch checks no
one in. The POST carries the CSRF token, and its ``action`` says which was meant, so a form
sent twice is refused by the ledger's rules instead of checking the volunteer out.
"""

from __future__ import annotations

import logging
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response

from api.access import Principal
from api.deps import Services, ServicesDep
from api.pages.check_codes import KEY_PURPOSE, CheckCodeError, ExpiredCode, shift_of, window_of
from api.pages.forms import PostedForm
from api.pages.rendering import render
from api.pages.routing import page_router, require_viewer
from api.routes.shifts import Attend, check_in, check_out, get_shift
from domain.attendance import Attendance

router = page_router()
logger = logging.getLogger(__name__)


def _shift_of(request: Request, services: Services, code: str) -> UUID | Response:
    """The code's shift, or the page that says why it is not good."""
    key = services.tokens.derived_key(KEY_PURPOSE)
    try:
        return shift_of(key, code, services.ledger.now())
    except CheckCodeError as refused:
        why = "expired" if isinstance(refused, ExpiredCode) else "forged"
        return render(request, "checkin_refused.html", 410 if why == "expired" else 404, why=why)


def _next_step(services: Services, viewer: Principal, shift_id: UUID) -> str:
    """What the volunteer would do now: ``in``, ``out`` or ``done`` (in and out already);
    ``volunteer`` for an account that is not a volunteer, ``not-on-roster`` for one not
    confirmed on the shift."""
    ledger = services.ledger
    if viewer.volunteer_id is None:
        return "volunteer"
    if viewer.volunteer_id not in ledger.shift(shift_id).confirmed:
        return "not-on-roster"
    if Attendance.id_for(shift_id, viewer.volunteer_id) not in ledger.repository:
        return "in"
    attendance = ledger.attendance(shift_id, viewer.volunteer_id)
    if attendance.checked_in_at is None or attendance.is_no_show:
        return "in"
    return "done" if attendance.checked_out_at is not None else "out"


@router.get("/checkin/{code}")
def checkin_page(code: str, request: Request, services: ServicesDep) -> Response:
    shift_id = _shift_of(request, services, code)
    if isinstance(shift_id, Response):
        return shift_id
    viewer = require_viewer(request)
    step = _next_step(services, viewer, shift_id)
    return _page(request, services, viewer, shift_id, code, step)


@router.post("/checkin/{code}")
def checkin(code: str, request: Request, services: ServicesDep, form: PostedForm) -> Response:
    shift_id = _shift_of(request, services, code)
    if isinstance(shift_id, Response):
        return shift_id
    viewer = require_viewer(request)
    step = _next_step(services, viewer, shift_id)
    if step in ("volunteer", "not-on-roster"):
        return _page(request, services, viewer, shift_id, code, step)
    wanted = "out" if form.get("action") == "out" else "in"
    if wanted == "in":
        check_in(shift_id, Attend(), services, viewer)
    else:
        check_out(shift_id, Attend(), services, viewer)
    logger.info(
        "check-%s by QR code: shift %s, volunteer %s, minute %s",
        wanted,
        shift_id,
        viewer.volunteer_id,
        window_of(services.ledger.now()),
    )
    return _page(request, services, viewer, shift_id, code, f"checked-{wanted}")


def _page(
    request: Request,
    services: Services,
    viewer: Principal,
    shift_id: UUID,
    code: str,
    step: str,
) -> Response:
    shift = get_shift(shift_id, services, viewer)
    status = {"volunteer": 403, "not-on-roster": 403}.get(step, 200)
    return render(
        request,
        "checkin.html",
        status,
        step=step,
        code=code,
        shift=shift,
        activity=services.ledger.activity(shift.activity_id),
        now=services.ledger.now(),
    )
