"""Problem JSON responses: the body RFC 9457 gives an error, with its headers."""

from __future__ import annotations

import math
from datetime import date, time
from typing import Any

from fastapi.responses import JSONResponse

from api.i18n import localise
from api.problems.errors import ApiError
from api.problems.table import PROBLEMS, Problem, problem_for
from domain.storage import StoreUnavailableError

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem_response(
    problem: Problem,
    detail: str,
    instance: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> ProblemResponse:
    texts = localise(problem.title, detail)  # in the language of Accept-Language
    body = {
        "type": problem.type,
        "title": texts.title,
        "status": problem.status,
        "detail": texts.detail,
        "instance": instance,
        **{name: jsonable(value) for name, value in extensions.items()},
    }
    headers = {**texts.headers, **(headers or {})}
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


def jsonable(value: Any) -> Any:
    """JSON as-is where it is JSON already; anything else (an exception, a UUID) as text."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
