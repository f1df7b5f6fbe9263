"""A form too large for the service, answered as a page: the body-size limit refuses it
before any route runs, so this is rendered without a session (a person's upload on /verify,
sent from a browser without JavaScript to warn first, lands here)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import Headers
from starlette.types import Scope

from api.i18n.catalogue import ENGLISH, LANGUAGE_TAGS, catalogue
from api.pages.rendering import N_, PAGE_HEADERS, environment, page_language

FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
TOO_LARGE = N_("The file or form is too large to send here: at most %(kb)s KB.")


def too_large_page(scope: Scope, max_bytes: int) -> Response | None:
    """The 413 page for a form posted to a page; None for the API (it answers problem JSON)."""
    if scope["path"].startswith("/v1/"):
        return None
    if not Headers(scope=scope).get("content-type", "").startswith(FORMS):
        return None
    request = Request(scope)
    language = page_language(request)
    message = catalogue(language).gettext(TOO_LARGE) % {"kb": max_bytes // 1024}
    html = (
        environment(language)
        .get_template("problem.html")
        .render(
            request=request,
            lang=LANGUAGE_TAGS[language],
            english=language == ENGLISH,
            viewer=None,
            csrf_token="",
            message=message,
        )
    )
    return HTMLResponse(html, status_code=413, headers=PAGE_HEADERS)
