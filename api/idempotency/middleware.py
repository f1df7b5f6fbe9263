"""The middleware that runs a POST with an Idempotency-Key once and replays its answer.

See ``api.idempotency`` for the two layers that keep the promise; this is the HTTP side of both.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.idempotency.stores import IdempotencyStore, Remembered, StoredResponse
from api.limits import read_body, replay_body
from api.problems import (
    ApiError,
    InvalidIdempotencyKey,
    api_error_response,
    problem_for,
    problem_response,
)
from domain.errors import RequestKeyReusedError
from domain.ledger.receipts import keyed_request

logger = logging.getLogger(__name__)

_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_KEPT_HEADERS = {b"content-type", b"location"}


class IdempotencyMiddleware:
    """Runs a POST with an Idempotency-Key once; a retry with the same key gets its answer.

    It reads the whole body into memory to fingerprint it, and holds the answer until it is
    remembered: add it inside ``BodySizeLimit``.
    """

    def __init__(self, app: ASGIApp, store: IdempotencyStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            await _problem(InvalidIdempotencyKey(), scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return  # the client went away before sending its request
        request_scope = _sha256(
            json.dumps([headers.get("authorization", ""), scope["method"], scope["path"]]).encode()
        )
        query: bytes = scope.get("query_string", b"")
        fingerprint = _sha256(len(query).to_bytes(8, "big") + query + body)
        remembered = await run_in_threadpool(self.store.lookup, request_scope, key)
        if remembered is None:
            body_receive = replay_body(body, receive)
            await self._run_once(scope, body_receive, send, (request_scope, key, fingerprint))
        elif remembered.fingerprint != fingerprint:
            problem = problem_for(RequestKeyReusedError)
            detail = "This Idempotency-Key was already used with a different request."
            await problem_response(problem, detail, scope["path"])(scope, receive, send)
        else:
            await _replay(remembered.response, send)

    async def _run_once(
        self, scope: Scope, receive: Receive, send: Send, keyed: tuple[str, str, str]
    ) -> None:
        """Run the request as a keyed request, remember its answer, then send it."""
        request_scope, key, fingerprint = keyed
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        with keyed_request(f"{request_scope}/{key}", fingerprint) as request:
            await self.app(scope, receive, hold)
        response = _response_of(messages)
        if response is not None and response.status < 500 and not request.reused:
            with anyio.CancelScope(shield=True):
                try:
                    remembered = Remembered(fingerprint, response)
                    await run_in_threadpool(self.store.remember, request_scope, key, remembered)
                except Exception:  # the answer still goes out; a retry makes it again
                    logger.exception("could not remember the answer to an Idempotency-Key")
        for message in messages:
            await send(message)


def _response_of(messages: list[Message]) -> StoredResponse | None:
    """The whole answer in ``messages``, if it is complete and may be kept."""
    status: int | None = None
    kept: list[tuple[str, str]] = []
    chunks: list[bytes] = []
    finished = False
    for message in messages:
        if message["type"] == "http.response.start":
            status = message["status"]
            for name, value in message.get("headers", []):
                lowered = name.lower()
                if lowered == b"cache-control" and b"no-store" in value.lower():
                    return None  # it carries a credential
                if lowered in _KEPT_HEADERS:
                    kept.append((name.decode("latin-1").lower(), value.decode("latin-1")))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            finished = not message.get("more_body", False)
    if status is None or not finished:
        return None
    return StoredResponse(status, tuple(kept), b"".join(chunks))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _problem(error: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    await api_error_response(error, scope["path"])(scope, receive, send)


async def _replay(response: StoredResponse, send: Send) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
    ]
    headers += [
        (b"content-length", str(len(response.body)).encode()),
        (b"idempotent-replayed", b"true"),
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
