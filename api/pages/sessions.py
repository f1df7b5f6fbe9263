"""Who is reading the page: the session cookie, the CSRF token of its forms, and the viewer.

The session cookie holds the same signed token the API takes as a bearer header, so every
rule of tokens holds for pages too: it expires with the token, and a log-out, a new password,
a new role or a disabled account ends it on the next request. It is HttpOnly (no script reads
it) and SameSite=Lax (another site's form posts arrive without it), and Secure when the service
is reached over HTTPS.

The CSRF token (double submit, signed): a random value in its own HttpOnly cookie, and in each
form an HMAC of that value under a key derived from the token secret. A post counts only when
the two agree, so another site can neither read nor forge the form's value.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from api.access import Principal
from api.deps import Services, principal_for_token
from api.problems import Unauthenticated
from api.security import IssuedToken

SESSION_COOKIE = "vl_session"
CSRF_COOKIE = "vl_csrf"
CSRF_FIELD = "csrf_token"
#: How long a language chosen on a page is remembered.
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


class CsrfRefused(Exception):  # noqa: N818 (named like the API's errors)
    """A form came without the token this reader's pages carry (a forged or stale post)."""


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def secure_cookies(request: Request) -> bool:
    """Whether cookies set for this request must only travel over HTTPS."""
    return request.url.scheme == "https" or _services(request).settings.public_url.startswith(
        "https:"
    )


def page_viewer(request: Request) -> Principal | None:
    """The account whose session cookie came with the request, or None (no cookie, or one
    whose token no longer holds: that cookie is dropped with the answer)."""
    if hasattr(request.state, "viewer"):
        viewer: Principal | None = request.state.viewer
        return viewer
    token = request.cookies.get(SESSION_COOKIE)
    viewer = None
    if token:
        try:
            viewer = principal_for_token(_services(request), token)
        except Unauthenticated:
            request.state.drop_session = True
    request.state.viewer = viewer
    return viewer


def start_session(request: Request, response: Response, issued: IssuedToken) -> None:
    """Log the reader in: the token in the session cookie, and a fresh CSRF value."""
    response.set_cookie(
        SESSION_COOKIE,
        issued.access_token,
        max_age=issued.expires_in,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )
    _set_csrf_cookie(request, response, secrets.token_urlsafe(32))


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    _set_csrf_cookie(request, response, secrets.token_urlsafe(32))


def _csrf_key(request: Request) -> bytes:
    return _services(request).tokens.derived_key("page forms: csrf")


def _signed(request: Request, value: str) -> str:
    return hmac.new(_csrf_key(request), value.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token this reader's forms carry (a new CSRF cookie is set if they had none)."""
    value = request.cookies.get(CSRF_COOKIE)
    if not value:
        value = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = value
    return _signed(request, value)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a post whose token does not match the reader's CSRF cookie."""
    value = request.cookies.get(CSRF_COOKIE)
    if not value or not submitted or not hmac.compare_digest(_signed(request, value), submitted):
        raise CsrfRefused


def _set_csrf_cookie(request: Request, response: Response, value: str) -> None:
    request.state.new_csrf = None
    response.set_cookie(
        CSRF_COOKIE, value, httponly=True, samesite="lax", secure=secure_cookies(request), path="/"
    )


def remember_choices(request: Request, response: Response) -> None:
    """What every page answer (a page, a redirect, an error) sets besides its body: the
    language picked with ``?lang=``, a new CSRF cookie, and the removal of a session cookie
    that no longer holds."""
    from api.pages.rendering import LANGUAGE_COOKIE, page_language

    language = page_language(request)

    if "lang" in request.query_params:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=LANGUAGE_COOKIE_SECONDS,
            samesite="lax",
            secure=secure_cookies(request),
            httponly=True,
            path="/",
        )
    new_csrf = getattr(request.state, "new_csrf", None)
    if new_csrf:
        _set_csrf_cookie(request, response, new_csrf)
    if getattr(request.state, "drop_session", False):
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
