"""``/me``'s privacy: whether I appear on public lists (``POST /v1/volunteers/{id}/listing``),
everything the ledger holds about me as a file (``GET /v1/me/export``), and erasing myself
with my password (``POST /v1/volunteers/{id}/erasure``), which ends the session."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages.forms import PostedForm
from api.pages.routes.me import back_to_me, refused_by, require_volunteer
from api.pages.routing import page_router
from api.pages.sessions import end_session
from api.permissions import volunteer_viewer
from api.problems import ApiError
from api.routes.erasure import EraseVolunteer, erase_volunteer
from api.routes.me_export import export_my_data
from api.routes.volunteers import ChangeListing, change_listing
from domain.errors import LedgerError

router = page_router()


@router.post("/me/listing")
def change_my_listing(request: Request, services: ServicesDep, form: PostedForm) -> Response:
    """On public lists (``public=yes``) or off them; a minor's guardian consent is an
    organiser's to record, so it is left as it stands."""
    viewer = require_volunteer(request)
    assert viewer.volunteer_id is not None
    public = form.get("public") == "yes"
    try:
        done = change_listing(
            viewer.volunteer_id,
            ChangeListing(public=public),
            services,
            volunteer_viewer(viewer.volunteer_id, services, viewer),
        )
    except (LedgerError, ApiError) as error:
        return refused_by(request, services, viewer, "listing", error)
    return back_to_me("listed" if public else "unlisted", done.position, "privacy")


@router.get("/me/export.json")
def my_data_export(request: Request, services: ServicesDep) -> Response:
    """The API's export of everything held about me, as the same JSON file."""
    viewer = require_volunteer(request)
    answer = Response()
    export = export_my_data(request, answer, services, viewer)
    return JSONResponse(
        export.model_dump(mode="json"),
        headers={
            "Content-Disposition": answer.headers["Content-Disposition"],
            "Cache-Control": answer.headers["Cache-Control"],
        },
    )


@router.post("/me/erasure")
def erase_myself(request: Request, services: ServicesDep, form: PostedForm) -> Response:
    """Erase my personal data, confirmed with my password; the session ends with it."""
    viewer = require_volunteer(request)
    assert viewer.volunteer_id is not None
    try:
        erase_volunteer(
            viewer.volunteer_id,
            EraseVolunteer.model_validate({"password": form.get("password") or None}),
            services,
            volunteer_viewer(viewer.volunteer_id, services, viewer),
            request,
        )
    except (LedgerError, ApiError) as error:
        return refused_by(request, services, viewer, "erasure", error)
    response = RedirectResponse("/me/erased", status_code=303)
    end_session(request, response)
    return response
