"""``/checkin/{code}``: QR check-in. A volunteer scans the code the desk shows for a shift
and is checked in (or, when checked in already, out) after logging in if needed.

Who acts: the volunteer, through the API's own ``check_in`` / ``check_out`` with their own
session. The API already lets a volunteer check themselves in and out at the server's time
when they are confirmed on the shift and the shift takes check-ins; the code adds no
authority to that, so the ledger's event names the volunteer as its actor, truthfully, and
holds the server's time. The code is what keeps the page honest: it is shown only at the
desk, changes every minute and expires after two, so whoever uses it stood at the desk (an
auditor reading the event finds the volunteer and the time; the service's log line ties it
to the shift and the code's minute, with ids only). A phone that opened a good code keeps a
pass for that shift for ten minutes (``check_codes``), so logging in first or waiting before
pressing the button does not send the volunteer back to the desk.

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
from api.pages.check_codes import (
    KEY_PURPOSE,
    PASS_PURPOSE,
    PASS_WINDOWS,
    WINDOW_SECONDS,
    CheckCodeError,
    ExpiredCode,
    code_for,
    shift_of,
    window_of,
)
from api.pages.forms import PostedForm
from api.pages.rendering import render
from api.pages.routing import login_redirect, page_router, require_viewer
from api.pages.sessions import page_viewer, secure_cookies
from api.routes.shifts import Attend, check_in, check_out, get_shift
from domain.attendance import Attendance

router = page_router()
logger = logging.getLogger(__name__)


#: The cookie that holds a scanning phone's pass (``check_codes``), sent to check-in pages only.
PASS_COOKIE = "vl_checkin"


def _shift_of(request: Request, services: Services, code: str) -> tuple[UUID, bool] | Response:
    """The code's shift, and whether the code itself is still good (else the phone's pass for
    that shift stood in for it); or the page that says why neither is."""
    now = services.ledger.now()
    try:
        return shift_of(services.tokens.derived_key(KEY_PURPOSE), code, now), True
    except ExpiredCode as expired:
        kept = request.cookies.get(PASS_COOKIE, "")
        try:
            if shift_of(_pass_key(services), kept, now, PASS_WINDOWS) == expired.shift_id:
                return expired.shift_id, False
        except CheckCodeError:
            pass
        return render(request, "checkin_refused.html", 410, why="expired")
    except CheckCodeError:
        return render(request, "checkin_refused.html", 404, why="forged")


def _pass_key(services: Services) -> bytes:
    return services.tokens.derived_key(PASS_PURPOSE)


def _give_pass(
    request: Request, response: Response, services: Services, shift_id: UUID, fresh: bool
) -> Response:
    """A phone that opened a good code keeps a pass for the shift for ``PASS_WINDOWS``
    minutes: time to log in, or to press the button, without scanning again."""
    if fresh:
        response.set_cookie(
            PASS_COOKIE,
            code_for(_pass_key(services), shift_id, services.ledger.now()),
            max_age=PASS_WINDOWS * WINDOW_SECONDS,
            path="/checkin",
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
        )
    return response


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
    found = _shift_of(request, services, code)
    if isinstance(found, Response):
        return found
    shift_id, fresh = found
    viewer = page_viewer(request)
    if viewer is None:
        return _give_pass(request, login_redirect(request), services, shift_id, fresh)
    step = _next_step(services, viewer, shift_id)
    page = _page(request, services, viewer, shift_id, code, step)
    return _give_pass(request, page, services, shift_id, fresh)


@router.post("/checkin/{code}")
def checkin(code: str, request: Request, services: ServicesDep, form: PostedForm) -> Response:
    found = _shift_of(request, services, code)
    if isinstance(found, Response):
        return found
    shift_id, _ = found
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
