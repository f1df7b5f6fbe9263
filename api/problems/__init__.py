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

The package: ``errors`` (the tree above), ``table`` (``PROBLEMS``, the one table, and
``problem_for``), ``responses`` (the problem JSON body and the ready-made 500 and 503) and
``handlers`` (the exception handlers and the request-id middleware). Import from the package.
"""

from api.problems.errors import (
    ApiError,
    Forbidden,
    InvalidIdempotencyKey,
    NotFound,
    PayloadTooLarge,
    PdfUnavailable,
    TooManyRequests,
    Unauthenticated,
)
from api.problems.handlers import RequestIdMiddleware, install_problem_handlers
from api.problems.responses import (
    PROBLEM_JSON,
    REQUEST_ID_HEADER,
    STORE_RETRY_AFTER_SECONDS,
    ProblemResponse,
    api_error_response,
    internal_error_response,
    problem_response,
    store_unavailable_response,
)
from api.problems.table import PROBLEMS, Problem, problem_for

__all__ = [
    "PROBLEMS",
    "PROBLEM_JSON",
    "REQUEST_ID_HEADER",
    "STORE_RETRY_AFTER_SECONDS",
    "ApiError",
    "Forbidden",
    "InvalidIdempotencyKey",
    "NotFound",
    "PayloadTooLarge",
    "PdfUnavailable",
    "Problem",
    "ProblemResponse",
    "RequestIdMiddleware",
    "TooManyRequests",
    "Unauthenticated",
    "api_error_response",
    "install_problem_handlers",
    "internal_error_response",
    "problem_for",
    "problem_response",
    "store_unavailable_response",
]
