"""``/me``: the volunteer's own page — my shifts, open shifts to sign up for, my records and
stars, my certificates, my privacy. Its forms post to the modules beside this one
(``me_shifts``, ``me_records``, ``me_certificates``, ``me_privacy``); each answers with a
redirect back here and a notice, or this page again with the error beside the field.

Everything is read and done through the API's own route functions (``api.routes.me``, the
shift board, the volunteer's records and summary …), so the page holds no rule of its own.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response

from api.access import Principal
from api.deps import Services, ServicesDep
from api.pages.forms import error_field, problem_text
from api.pages.rendering import render, translate
from api.pages.routes.me_view import FILTER_FIELDS, Filters, me_context, read_filters
from api.pages.routing import page_router, require_viewer
from api.problems import Forbidden, problem_for

router = page_router()


def notice_text(request: Request, key: str) -> str | None:
    """What a post did, by the key its redirect carries: only these words are ever shown, so
    a link cannot put text of its own on the page."""
    notices = {
        "signed-up": translate(request, "You are signed up for the shift."),
        "waitlisted": translate(request, "The shift is full: you are on its waitlist."),
        "cancelled": translate(request, "Your place on the shift is cancelled."),
        "correction-requested": translate(
            request, "Your correction request was sent to the organisers."
        ),
        "certificate-requested": translate(
            request, "Your certificate request was sent to the organisation."
        ),
        "confirmed": translate(request, "You confirmed the minutes of the record."),
        "listed": translate(request, "You appear on public recognition lists again."),
        "unlisted": translate(request, "You no longer appear on public recognition lists."),
    }
    return notices.get(key)


At = Annotated[int | None, Query(ge=0, description="the position of the post just made")]


@router.get("/me")
def me_page(request: Request, services: ServicesDep, at: At = None) -> Response:
    viewer = require_viewer(request)
    if viewer.volunteer_id is None:
        return render(request, "me_none.html")
    filters = read_filters(request, dict(request.query_params))
    return render(
        request,
        "me.html",
        notice=notice_text(request, request.query_params.get("notice", "")),
        general=None,
        errors={},
        values={},
        **me_context(request, services, viewer, filters, at),
    )


@router.get("/me/erased")
def erased_page(request: Request) -> Response:
    """Where an erasure lands: the session has ended, the person is a pseudonym now."""
    return render(request, "me_erased.html")


def require_volunteer(request: Request) -> Principal:
    """The signed-in volunteer: log in first; an account without a volunteer is refused (403)
    as the API's routes of ``/v1/me`` refuse it."""
    viewer = require_viewer(request)
    if viewer.volunteer_id is None:
        raise Forbidden("this is a volunteer's own list; the account is not a volunteer's")
    return viewer


def back_to_me(
    notice: str, position: int | None, anchor: str, filters: str | None = None
) -> RedirectResponse:
    """303 back to ``/me`` at ``anchor``, with the notice, the position to read (so the page
    shows the change at once) and the board's filters as they were."""
    query: dict[str, str] = {"notice": notice}
    if position is not None:
        query["at"] = str(position)
    if filters:
        query.update(read_filters_query(filters))
    return RedirectResponse(f"/me?{urlencode(query)}#{anchor}", status_code=303)


def read_filters_query(text: str) -> dict[str, str]:
    """The board filters kept from a posted ``filters`` field (nothing else passes)."""
    return {k: v[:100] for k, v in parse_qsl(text[:1000]) if k in FILTER_FIELDS and v}


def refused(
    request: Request,
    services: Services,
    viewer: Principal,
    errors: dict[str, str],
    values: dict[str, str],
    status_code: int,
    filters: Filters | None = None,
    general: str | None = None,
) -> Response:
    """``/me`` again with ``errors`` beside the fields (or forms) they concern, and what was
    typed in ``values``, answered with the API's status for the error; ``general`` is said
    at the top as well (an error of a whole form, whose form may be far down the page)."""
    shown = filters if filters is not None else read_filters(request, {})
    return render(
        request,
        "me.html",
        status_code,
        notice=None,
        general=general,
        errors=errors,
        values=values,
        **me_context(request, services, viewer, shown),
    )


def refused_by(
    request: Request,
    services: Services,
    viewer: Principal,
    form_key: str,
    error: Exception,
    values: dict[str, str] | None = None,
    filters: Filters | None = None,
) -> Response:
    """``/me`` again with what the API answered to ``error`` beside the form ``form_key``
    (beside its field, when the error names one)."""
    field_name = error_field(error)
    key = f"{form_key}.{field_name}" if field_name else form_key
    status = problem_for(type(error)).status
    message = problem_text(request, error)
    general = None if field_name else message
    return refused(
        request, services, viewer, {key: message}, values or {}, status, filters, general
    )
