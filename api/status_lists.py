"""The issuer's status lists as signed ``BitstringStatusListCredential`` documents.

A list is computed on request from the ``status_lists`` read model (its revoked slots), after
waiting (bounded) for the read models to reach the store's latest event: a revocation shows
in the list on the next request. The document depends only on the list's state and the
signing key: ``validFrom`` and the proof's ``created`` are the instant the list last changed,
and Ed25519 signatures are deterministic, so one state always gives the same bytes and ETag.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.issuer import IssuerKeyring
from domain.errors import NotFoundError
from projections.status_lists.queries import revocation_list
from projections.stores.protocol import ViewStore
from trust.credential import sign_credential, xsd_utc
from trust.status_list import PUBLISHED_PURPOSES, Bitstring, list_credential, list_url


@dataclass(frozen=True)
class PublishedList:
    document: dict[str, Any]
    body: bytes
    etag: str


@dataclass
class StatusListService:
    views: ViewStore
    keyring: IssuerKeyring
    public_url: str
    catch_up: Callable[[], object]
    """Wait (bounded) until the read models hold every event stored so far."""

    def url(self, purpose: str, list_number: int) -> str:
        return list_url(self.public_url, purpose, list_number)

    def published(self, purpose: str, list_number: int) -> PublishedList:
        """The signed list; NotFoundError for a purpose not published or a list not in use."""
        if purpose in PUBLISHED_PURPOSES:
            self.catch_up()
            state = revocation_list(self.views, list_number)
        else:
            state = None
        if state is None:
            raise NotFoundError("status list", f"{purpose}/{list_number}")
        bits = Bitstring()
        for index in state.revoked:
            bits.set(index)
        changed = xsd_utc(state.changed_at)
        unsigned = list_credential(
            self.url(purpose, list_number), self.keyring.issuer_id, purpose, bits, changed
        )
        document = sign_credential(
            unsigned, self.keyring.signing_key, self.keyring.signing_method, state.changed_at
        )
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        return PublishedList(document, body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')

    def lists_for(self, urls: list[str]) -> dict[str, Any]:
        """The documents of those ``urls`` that are this service's lists, by URL."""
        found = {}
        prefix = f"{self.public_url.rstrip('/')}/v1/status-lists/"
        for url in urls:
            purpose, _, number = url.removeprefix(prefix).partition("/")
            if url.startswith(prefix) and number.isdigit() and number.isascii():
                try:
                    found[url] = self.published(purpose, int(number)).document
                except NotFoundError:
                    continue
        return found
