"""RFC 9457 problem details: one table maps every error to a status, a type and a title.

The API's own errors form one tree beside the ledger's ``LedgerError``:

    ApiError
    ├── Unauthenticated          401, no valid bearer token
    ├── Forbidden                403, the account's role does not allow this
    ├── NotFound                 404, where even the existence of a thing is private
    ├── PayloadTooLarge          413
    ├── InvalidIdempotencyKey    422, not 1–255 visible ASCII characters
    ├── TooManyRequests          429, with Retry-After
    └── PdfUnavailable           503, no CJK font to render a certificate PDF

A database that cannot be reached (``StoreUnavailableError``, or a driver's error that means
the same: a refused or lost connection, a pool timeout, a locked SQLite file) is 503
``store-unavailable`` with Retry-After, wherever it is raised; any other database error is a 500.

They are named in HTTP's words, without the ``Error`` suffix (hence ``noqa: N818``).

Call ``install_problem_handlers(app)`` after adding every other middleware: the request-id
middleware it adds must be outermost so that every response, a 413 or a 500 included, carries
``X-Request-ID``.
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, time
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.store_errors import store_unavailable
from domain import errors as ledger
from domain.storage import StoreUnavailableError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@dataclass(frozen=True)
class Problem:
    """How one kind of error is shown to clients: its status, its type slug and its title."""

    status: int
    slug: str
    title: str

    @property
    def type(self) -> str:
        return f"/problems/{self.slug}"


class ApiError(Exception):
    """Base of the errors the API raises itself, before or beside the ledger."""

    default_detail: ClassVar[str] = "The request cannot be served."

    def __init__(self, detail: str | None = None, **context: Any) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)
        self.context = context

    def headers(self) -> dict[str, str]:
        return {}


class Unauthenticated(ApiError):  # noqa: N818
    default_detail = "A valid bearer token is required."

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(ApiError):  # noqa: N818
    default_detail = "Your account may not do this."


class NotFound(ApiError):  # noqa: N818
    """Raise it for a private thing and for a missing one alike, so the two look the same."""

    default_detail = "Nothing is available at this address."


class PayloadTooLarge(ApiError):  # noqa: N818
    default_detail = "The request body is too large."


class InvalidIdempotencyKey(ApiError):  # noqa: N818
    default_detail = "An Idempotency-Key is 1 to 255 visible ASCII characters."


class TooManyRequests(ApiError):  # noqa: N818
    default_detail = "Too many attempts; try again later."

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PdfUnavailable(ApiError):  # noqa: N818
    default_detail = (
        "PDF certificates cannot be rendered here (no CJK font is available); "
        "the JSON certificate at the same address without .pdf still works."
    )


_RULE = 409
PROBLEMS: dict[type[Exception], Problem] = {
    ledger.LedgerError: Problem(400, "ledger-error", "The ledger refused the request"),
    ledger.NotFoundError: Problem(404, "not-found", "Not found"),
    ledger.InvalidInputError: Problem(422, "invalid-input", "Invalid input"),
    ledger.RuleViolationError: Problem(_RULE, "rule-violation", "Refused by a ledger rule"),
    ledger.OrganisationClosedError: Problem(_RULE, "organisation-closed", "Organisation closed"),
    ledger.ActivityClosedError: Problem(_RULE, "activity-closed", "Activity closed"),
    ledger.RegistrationRefusedError: Problem(422, "registration-refused", "Registration refused"),
    ledger.PhoneInUseError: Problem(_RULE, "phone-in-use", "Phone number already in use"),
    ledger.VolunteerInactiveError: Problem(_RULE, "volunteer-inactive", "Volunteer inactive"),
    ledger.SignUpRefusedError: Problem(_RULE, "sign-up-refused", "Sign-up refused"),
    ledger.NotSignedUpError: Problem(_RULE, "not-signed-up", "Not signed up for this shift"),
    ledger.CapacityError: Problem(_RULE, "capacity", "Shift capacity cannot change that way"),
    ledger.ShiftStateError: Problem(_RULE, "shift-state", "Shift not in a state for this"),
    ledger.AttendanceError: Problem(_RULE, "attendance", "Attendance out of order"),
    ledger.RecordStateError: Problem(_RULE, "record-state", "Record not in a state for this"),
    ledger.TimeAlreadyCountedError: Problem(
        _RULE, "time-already-counted", "Service time already counted"
    ),
    ledger.DailyCapExceededError: Problem(_RULE, "daily-cap-exceeded", "Daily cap exceeded"),
    ledger.UsernameTakenError: Problem(_RULE, "username-taken", "Username taken"),
    ledger.OrganisationNameTakenError: Problem(
        _RULE, "organisation-name-taken", "Organisation name taken"
    ),
    ledger.AccountDisabledError: Problem(_RULE, "account-disabled", "Account disabled"),
    ledger.ResetCodeRefusedError: Problem(_RULE, "reset-code-refused", "Reset code refused"),
    ledger.RecognitionListError: Problem(
        _RULE, "recognition-list", "Not allowed for this recognition list now"
    ),
    ledger.PermissionDeniedError: Problem(403, "permission-denied", "Permission denied"),
    ledger.SelfApprovalError: Problem(403, "self-approval", "Nobody approves their own record"),
    ledger.NotOwnRecordError: Problem(403, "not-own-record", "Not your service record"),
    ledger.SecondPartyRequiredError: Problem(
        403, "second-party-required", "Approval needs a second party"
    ),
    ledger.VolunteerOutOfReachError: Problem(
        403, "volunteer-out-of-reach", "Volunteer outside the organiser's reach"
    ),
    ledger.ConcurrentUpdateError: Problem(409, "concurrent-update", "Concurrent update"),
    ledger.RequestKeyReusedError: Problem(422, "idempotency-key-reused", "Idempotency-Key reused"),
    ApiError: Problem(400, "bad-request", "Bad request"),
    Unauthenticated: Problem(401, "unauthenticated", "Authentication required"),
    Forbidden: Problem(403, "forbidden", "Forbidden"),
    PdfUnavailable: Problem(503, "pdf-unavailable", "PDF rendering unavailable"),
    NotFound: Problem(404, "resource-not-found", "Not found"),
    PayloadTooLarge: Problem(413, "payload-too-large", "Request body too large"),
    InvalidIdempotencyKey: Problem(422, "invalid-idempotency-key", "Invalid Idempotency-Key"),
    TooManyRequests: Problem(429, "too-many-requests", "Too many requests"),
    RequestValidationError: Problem(422, "validation", "The request is not valid"),
    StoreUnavailableError: Problem(503, "store-unavailable", "Store unavailable"),
    Exception: Problem(500, "internal", "Internal server error"),
}


def problem_for(exc_type: type[BaseException]) -> Problem:
    """The row of the nearest class in the error's MRO that has one."""
    for cls in exc_type.__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return PROBLEMS[Exception]


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem_response(
    problem: Problem,
    detail: str,
    instance: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> ProblemResponse:
    body = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": detail,
        "instance": instance,
        **{name: _jsonable(value) for name, value in extensions.items()},
    }
    return ProblemResponse(body, status_code=problem.status, headers=headers)


def api_error_response(exc: ApiError, instance: str) -> ProblemResponse:
    """The problem response for an API error; middleware sends it as an ASGI app."""
    extensions = {"context": exc.context} if exc.context else {}
    return problem_response(
        problem_for(type(exc)), exc.detail, instance, exc.headers(), **extensions
    )


def internal_error_response(request_id: str, instance: str) -> ProblemResponse:
    detail = "Something went wrong on our side. Quote the request id if you report it."
    return problem_response(
        PROBLEMS[Exception],
        detail,
        instance,
        {REQUEST_ID_HEADER: request_id},
        request_id=request_id,
    )


#: Seconds a client is asked to wait before trying again while the store is unavailable.
STORE_RETRY_AFTER_SECONDS = 5


def store_unavailable_response(request_id: str, instance: str) -> ProblemResponse:
    detail = "The database cannot be reached just now. Try again shortly."
    headers = {"Retry-After": str(STORE_RETRY_AFTER_SECONDS), REQUEST_ID_HEADER: request_id}
    return problem_response(PROBLEMS[StoreUnavailableError], detail, instance, headers)


def _jsonable(value: Any) -> Any:
    """JSON as-is where it is JSON already; anything else (an exception, a UUID) as text."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    found = []
    for error in exc.errors():
        entry = {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        if error.get("ctx"):  # the offending input is left out: it may be a password
            entry["ctx"] = _jsonable(error["ctx"])
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
    body = {
        "type": "about:blank",
        "title": title,
        "status": exc.status_code,
        "detail": str(exc.detail),
        "instance": request.url.path,
    }
    return ProblemResponse(body, status_code=exc.status_code, headers=exc.headers)


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
    return sent if sent and _SANE_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


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
