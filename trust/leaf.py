"""The transparency log's leaf: one stored event, committed to without revealing personal data.

A leaf is the RFC 8785 canonical JSON of::

    {"v": 1, "position": 42, "aggregate_id": "…", "version": 3, "type": "<stored topic>",
     "time": "2026-03-02T00:00:00.000000Z", "public": {…}, "commitment": "<base64>"}

``public`` holds only what a certificate must show (a record's id, minutes, service date …);
the caller decides which fields, and this module never looks inside the event.
``commitment`` is base64(SHA-256(salt ‖ stored state bytes)) with
salt = HMAC-SHA256(log key, "<position>|<aggregate id>|<version>"): it binds the leaf to the
exact bytes in the event store, yet someone holding the leaf cannot guess names or phone numbers
and test them against it, because the salt comes from a secret key. The salt is a function of
the key and the event's place, so rebuilding the log reproduces every leaf byte for byte, and
the operator can open one commitment (reveal its salt and the event) without revealing others.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from trust.errors import CanonicalizationError, EncodingError
from trust.jcs import canonicalize

LEAF_FORMAT_VERSION = 1
LOG_KEY_SIZE = 32
LEAF_FIELDS = frozenset(
    {"v", "position", "aggregate_id", "version", "type", "time", "public", "commitment"}
)


def event_salt(log_key: bytes, position: int, aggregate_id: str, version: int) -> bytes:
    """HMAC-SHA256(log key, "<position>|<aggregate id>|<version>"): one event's salt."""
    if len(log_key) != LOG_KEY_SIZE:
        raise EncodingError(f"a log key is {LOG_KEY_SIZE} bytes", length=len(log_key))
    message = f"{position}|{aggregate_id}|{version}".encode()
    return hmac.new(log_key, message, hashlib.sha256).digest()


def commitment(salt: bytes, state: bytes) -> str:
    """base64(SHA-256(salt ‖ state)): commits to the stored bytes without showing them."""
    return base64.b64encode(hashlib.sha256(salt + state).digest()).decode()


def opens_commitment(leaf_commitment: str, salt: bytes, state: bytes) -> bool:
    """Whether a revealed salt and event state are the ones a leaf committed to."""
    return hmac.compare_digest(leaf_commitment, commitment(salt, state))


def leaf_time(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a ``Z``: one spelling for each instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EncodingError("an event time must be timezone-aware", time=moment.isoformat())
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_leaf(
    *,
    position: int,
    aggregate_id: str,
    version: int,
    topic: str,
    time: datetime,
    public: Mapping[str, object],
    state: bytes,
    log_key: bytes,
) -> bytes:
    """The leaf data ``d`` of one stored event; its Merkle leaf hash is SHA-256(0x00 ‖ d).

    ``public`` must be JSON values canonical JSON accepts (strings, integers, lists …).
    """
    salt = event_salt(log_key, position, aggregate_id, version)
    return canonicalize(
        {
            "v": LEAF_FORMAT_VERSION,
            "position": position,
            "aggregate_id": aggregate_id,
            "version": version,
            "type": topic,
            "time": leaf_time(time),
            "public": dict(public),
            "commitment": commitment(salt, state),
        }
    )


def parse_leaf(data: bytes) -> dict[str, Any]:
    """Read leaf data, checking that it is a version-1 leaf in canonical form."""
    try:
        leaf = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EncodingError("leaf data is not JSON") from exc
    if not isinstance(leaf, dict) or set(leaf) != LEAF_FIELDS:
        raise EncodingError("leaf data does not have the fields of a leaf")
    if leaf["v"] != LEAF_FORMAT_VERSION or not isinstance(leaf["public"], dict):
        raise EncodingError("leaf data is not a version-1 leaf", version=leaf["v"])
    try:
        canonical = canonicalize(leaf)
    except CanonicalizationError as exc:
        raise EncodingError("leaf data holds a value canonical JSON refuses") from exc
    if canonical != data:
        raise EncodingError("leaf data is not in canonical JSON form")
    return leaf
