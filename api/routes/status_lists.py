"""The issuer's W3C Bitstring Status Lists: public, cacheable, signed."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Request
from fastapi.responses import Response

from api.routing import PrefixedRouter
from api.status_lists import StatusListService

router = PrefixedRouter(prefix="/v1/status-lists", tags=["status lists"])

#: Verifiers may keep a list this long: a revocation reaches them within it.
MAX_AGE_SECONDS = 300

_LIST = {
    "description": "the signed BitstringStatusListCredential",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def service(request: Request) -> StatusListService:
    lists: StatusListService = request.app.state.status_lists
    return lists


@router.get(
    "/{purpose}/{list_number}",
    summary="A status list as a signed credential",
    response_class=Response,
    responses={200: _LIST, 304: {"description": "unchanged since the ETag given"}, 404: {}},
)
def status_list(
    request: Request,
    purpose: Annotated[str, Path(description="`revocation`, the one purpose published")],
    list_number: Annotated[int, Path(ge=0, le=1_000_000, description="the list's number")],
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The list a certificate's `credentialStatus` entry points at: a
    `BitstringStatusListCredential` (W3C Bitstring Status List v1.0) whose `encodedList`
    holds one bit per certificate (131,072 per list, GZIP then base64url), signed by the
    issuer's key with `eddsa-jcs-2022`. Bit set: revoked. Public, no login. Answered with
    an ETag (`If-None-Match` gives 304) and `Cache-Control: max-age=300`. 404 for a purpose
    not published or a list no certificate is in."""
    published = service(request).published(purpose, list_number)
    headers = {
        "ETag": published.etag,
        "Cache-Control": f"public, max-age={MAX_AGE_SECONDS}",
    }
    if if_none_match is not None and _matches(if_none_match, published.etag):
        return Response(status_code=304, headers=headers)
    return Response(published.body, media_type="application/json", headers=headers)


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: ``*``, or any of the tags listed (compared weakly)."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
