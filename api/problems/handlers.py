"""Where errors become problem JSON: the app's exception handlers and the request-id middleware.

Call ``install_problem_handlers(app)`` after adding every other middleware: the request-id
middleware it adds must be outermost so that every response, a 413 or a 500 included, carries
``X-Request-ID``.
"""

from __future__ import annotations

import logging
import random
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.allowed_methods import allowed_methods
from api.i18n import localise
from api.problems.errors import ApiError
from api.problems.responses import (
    REQUEST_ID_HEADER,
    ProblemResponse,
    api_error_response,
    internal_error_response,
    jsonable,
    problem_response,
    store_unavailable_response,
)
from api.problems.table import PROBLEMS, problem_for
from api.store_errors import store_unavailable
from domain import errors as ledger

#: Named for the package, as before it was split: logging set-ups refer to it.
logger = logging.getLogger("api.problems")

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    found = []
    for error in exc.errors():
        entry = {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        if error.get("ctx"):  # the offending input is left out: it may be a password
            entry["ctx"] = jsonable(error["ctx"])
        found.append(entry)
    return found


async def _ledger_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, ledger.LedgerError)
    extensions = {"context": exc.context} if exc.context else {}
    return problem_response(problem_for(type(exc)), exc.message, request.url.path, **extensions)


async def _api_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, ApiError)
    return api_error_response(exc, request.url.path)


async def _validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    detail = "Some fields are missing or not valid; see errors."
    problem = PROBLEMS[RequestValidationError]
    return problem_response(problem, detail, request.url.path, errors=_field_errors(exc))


async def _http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, HTTPException)
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    texts = localise(title, str(exc.detail))
    body = {
        "type": "about:blank",
        "title": texts.title,
        "status": exc.status_code,
        "detail": texts.detail,
        "instance": request.url.path,
    }
    headers = {**texts.headers, **(exc.headers or {})}
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    return ProblemResponse(body, status_code=exc.status_code, headers=headers)


async def _unexpected_error(request: Request, exc: Exception) -> ProblemResponse:
    """Only for errors raised outside the request-id middleware (in an outer middleware)."""
    request_id = _request_id(request.scope)
    _log_unexpected(request.scope, request_id, exc)
    return internal_error_response(request_id, request.url.path)


def _request_id(scope: Scope) -> str:
    known = scope.get("state", {}).get("request_id")
    if isinstance(known, str):
        return known
    sent = Headers(scope=scope).get(REQUEST_ID_HEADER)
    return sent if sent and _SANE_REQUEST_ID.fullmatch(sent) else _new_request_id()


def _new_request_id() -> str:
    """32 random hex digits, as ``uuid4().hex`` gave, without its system call for 16 bytes
    of the kernel's randomness on every request: an id to find a request's log lines by, not
    a secret, so the process's own generator will do."""
    return f"{random.getrandbits(128):032x}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _log_unexpected(scope: Scope, request_id: str, exc: BaseException) -> None:
    logger.error(
        "unexpected error in %s %s [request id %s]",
        scope.get("method"),
        scope.get("path"),
        request_id,
        exc_info=exc,
    )


class RequestIdMiddleware:
    """Gives each request an id, echoes it in X-Request-ID, and turns a crash into a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if started:  # too late for a problem response; the outer handler logs it
                raise
            if store_unavailable(exc):
                logger.warning(
                    "store unavailable in %s %s [request id %s]: %s",
                    scope.get("method"),
                    scope.get("path"),
                    request_id,
                    _first_line(exc),
                )
                response = store_unavailable_response(request_id, scope["path"])
            else:
                _log_unexpected(scope, request_id, exc)
                response = internal_error_response(request_id, scope["path"])
            await response(scope, receive, send_with_id)


def install_problem_handlers(app: FastAPI) -> None:
    """Every error, expected or not, leaves the app as problem JSON with a request id."""
    app.add_exception_handler(ledger.LedgerError, _ledger_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(RequestIdMiddleware)
