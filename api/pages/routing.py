"""Page routes: every error a page meets is answered as a page, never as problem JSON.

``PageRoute`` catches what the API's handlers would turn into problem details (the same
table, ``api.problems.problem_for``, gives the status) and renders ``problem.html`` with the
API's title and detail in the page's language. A page that needs a signed-in reader raises
``LoginRequired`` (``require_viewer``), which answers a redirect to ``/login?next=…``.

A post that redirects (303) leaves the ledger's position in a short-lived cookie, and the
next page waits for the read models to reach it: whoever just signed up, approved or issued
sees it on the page they land on, with no page having to pass a position along.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.access import Principal
from api.deps import Services, wait_for_position
from api.pages.forms import problem_text
from api.pages.rendering import render, translate
from api.pages.sessions import CsrfRefused, page_viewer, remember_choices
from api.problems import ApiError, Unauthenticated, problem_for
from api.routing import PrefixedRouter
from domain.errors import LedgerError


class LoginRequired(Exception):  # noqa: N818 (named like the API's errors)
    """The page is for a signed-in reader."""


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            if request.method == "GET" and READ_AT_COOKIE in request.cookies:
                await run_in_threadpool(_wait_for_own_write, request)
            response = await _answer(request)
            remember_choices(request, response)
            if request.method == "POST" and response.status_code == 303:
                await run_in_threadpool(_mark_own_write, request, response)
            elif READ_AT_COOKIE in request.cookies:
                response.delete_cookie(READ_AT_COOKIE, path="/", httponly=True, samesite="lax")
            return response

        async def _answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (LoginRequired, Unauthenticated):
                return login_redirect(request)
            except CsrfRefused:
                message = translate(
                    request, "This form has expired or came from another site. Please try again."
                )
                return render(request, "problem.html", 403, message=message)
            except RequestValidationError:
                message = translate(request, "This address holds a value that is not valid.")
                return render(request, "problem.html", 422, message=message)
            except (LedgerError, ApiError) as error:
                status = problem_for(type(error)).status
                message = problem_text(request, error)
                return render(request, "problem.html", status, message=message)

        return page_handler


#: The ledger's position after a page's post, for the page it redirects to: that page is
#: read once the read models have reached it, so a reader sees their own write at once.
READ_AT_COOKIE = "vl_at"
READ_AT_SECONDS = 60


def _mark_own_write(request: Request, response: Response) -> None:
    services: Services = request.app.state.services
    position = services.ledger.recorder.max_notification_id() or 0
    response.set_cookie(
        READ_AT_COOKIE, str(position), max_age=READ_AT_SECONDS, httponly=True, samesite="lax"
    )


def _wait_for_own_write(request: Request) -> None:
    text = request.cookies.get(READ_AT_COOKIE, "")
    if text.isdigit() and len(text) < 20:
        wait_for_position(request.app.state.services, int(text))


def page_router() -> PrefixedRouter:
    """A router of pages: HTML for people, left out of the OpenAPI document."""
    return PrefixedRouter(route_class=PageRoute, include_in_schema=False)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def require_viewer(request: Request) -> Principal:
    """The signed-in reader; ``LoginRequired`` when there is none."""
    viewer = page_viewer(request)
    if viewer is None:
        raise LoginRequired
    return viewer


def local_target(target: str | None, fallback: str) -> str:
    """A ``next=`` target only if it is a path of this service (never ``//host`` or a URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def home_of(viewer: Principal) -> str:
    """Where a reader lands after logging in: organisers at the desk, volunteers at /me."""
    return "/desk" if viewer.is_organiser or viewer.is_admin else "/me"
