"""The API's own errors: raised before or beside the ledger, each with its headers.

Named in HTTP's words, without the ``Error`` suffix (hence ``noqa: N818``); the tree is drawn in
the package docstring, and ``table.PROBLEMS`` gives each its status, type and title.
"""

from __future__ import annotations

from typing import Any, ClassVar


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
