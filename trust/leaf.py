"""The transparency log's leaf (format 2): one stored event, committed to, revealing nobody.

A leaf is the RFC 8785 canonical JSON of::

    {"v": 2, "position": 42, "type": "<stored topic>", "time": "2026-03-02T00:00:00.000000Z",
     "public": {…}, "commitments": {…}, "state": "<base64>"}

No aggregate id, version or any other identifier is in clear. ``public`` holds only values that
say nothing about whom an event is of (a status); ``commitments`` holds, per field a certificate
must be able to prove (a record's id, its minutes, whose it is …), base64(SHA-256(salt ‖ the
value's canonical JSON)), or a list of them for a list value. ``state`` is base64(SHA-256(salt ‖
stored state bytes)). Every salt is HMAC-SHA256(log key, "v2|<position>|<aggregate id>|
<version>|<label>"), one per leaf and per field (label: the field's name, ``name/i`` for a list's
item, ``state``): the same value in two leaves gives two unrelated commitments, so leaves of one
person look unrelated to anyone without the key; a rebuild reproduces every leaf byte for byte;
and the operator (a certificate) can *open* one field of one leaf, by giving its salt and value,
without revealing any other. Who a record or a certificate is of is committed as a *holder tag*,
HMAC-SHA256(log key, "v2|holder|<volunteer id>"): stable per person but meaningless outside the
log, and shown only in that person's certificates.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from trust.errors import CanonicalizationError, EncodingError
from trust.jcs import canonicalize

LEAF_FORMAT_VERSION = 2
LOG_KEY_SIZE = 32
LEAF_FIELDS = frozenset({"v", "position", "type", "time", "public", "commitments", "state"})
STATE_LABEL = "state"


def _check_key(log_key: bytes) -> None:
    if len(log_key) != LOG_KEY_SIZE:
        raise EncodingError(f"a log key is {LOG_KEY_SIZE} bytes", length=len(log_key))


def leaf_salt(log_key: bytes, position: int, aggregate_id: str, version: int, label: str) -> bytes:
    """HMAC-SHA256(log key, "v2|<position>|<aggregate id>|<version>|<label>"): one field's salt
    in one leaf."""
    _check_key(log_key)
    message = f"v2|{position}|{aggregate_id}|{version}|{label}".encode()
    return hmac.new(log_key, message, hashlib.sha256).digest()


def holder_tag(log_key: bytes, volunteer_id: str) -> str:
    """The value committed for whose a record or certificate is: base64 HMAC of the id."""
    _check_key(log_key)
    digest = hmac.new(log_key, f"v2|holder|{volunteer_id}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def commitment(salt: bytes, data: bytes) -> str:
    """base64(SHA-256(salt ‖ data)): commits to the bytes without showing them."""
    return base64.b64encode(hashlib.sha256(salt + data).digest()).decode()


def opens_commitment(leaf_commitment: str, salt: bytes, data: bytes) -> bool:
    """Whether a revealed salt and bytes are the ones a leaf committed to."""
    return hmac.compare_digest(leaf_commitment, commitment(salt, data))


def value_commitment(salt: bytes, value: object) -> str:
    """The commitment to one JSON value: to its canonical JSON bytes (``120``, ``"2026-03-02"``)."""
    return commitment(salt, canonicalize(value))


def leaf_time(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a ``Z``: one spelling for each instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EncodingError("an event time must be timezone-aware", time=moment.isoformat())
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _labels(name: str, value: object) -> list[tuple[str, object]]:
    if isinstance(value, list):
        return [(f"{name}/{i}", item) for i, item in enumerate(value)]
    return [(name, value)]


def encode_leaf(
    *,
    position: int,
    aggregate_id: str,
    version: int,
    topic: str,
    time: datetime,
    public: Mapping[str, object],
    committed: Mapping[str, object],
    state: bytes,
    log_key: bytes,
) -> bytes:
    """The leaf data ``d`` of one stored event; its Merkle leaf hash is SHA-256(0x00 ‖ d).

    ``public`` is shown as it is; each value of ``committed`` (a JSON value, or a list of them)
    only as its commitment. The aggregate id and version go into the salts, never the leaf.
    """

    def salt(label: str) -> bytes:
        return leaf_salt(log_key, position, aggregate_id, version, label)

    commitments: dict[str, object] = {}
    for name, value in committed.items():
        sealed = [value_commitment(salt(label), item) for label, item in _labels(name, value)]
        commitments[name] = sealed if isinstance(value, list) else sealed[0]
    return canonicalize(
        {
            "v": LEAF_FORMAT_VERSION,
            "position": position,
            "type": topic,
            "time": leaf_time(time),
            "public": dict(public),
            "commitments": commitments,
            "state": commitment(salt(STATE_LABEL), state),
        }
    )


def openings(
    *,
    position: int,
    aggregate_id: str,
    version: int,
    committed: Mapping[str, object],
    log_key: bytes,
) -> dict[str, Any]:
    """What opens a leaf's commitments: per field ``{"salt": base64, "value": …}``, or a list
    of them for a list value. Whoever holds them learns these values of this leaf only."""
    found: dict[str, Any] = {}
    for name, value in committed.items():
        opened = [
            {
                "salt": base64.b64encode(
                    leaf_salt(log_key, position, aggregate_id, version, label)
                ).decode(),
                "value": item,
            }
            for label, item in _labels(name, value)
        ]
        found[name] = opened if isinstance(value, list) else opened[0]
    return found


def open_commitments(leaf: Mapping[str, Any], opened: object) -> dict[str, object]:
    """The values of a parsed leaf's commitments, each checked against its opening.

    Raises EncodingError unless every commitment of the leaf is opened, and opened right.
    """
    sealed = leaf.get("commitments")
    if not isinstance(sealed, Mapping) or not isinstance(opened, Mapping):
        raise EncodingError("no openings for this leaf's commitments")
    if set(opened) != set(sealed):
        raise EncodingError("the openings are not for this leaf's commitments")
    values: dict[str, object] = {}
    for name, expected in sealed.items():
        given = opened[name]
        if isinstance(expected, list):
            if not isinstance(given, list) or len(given) != len(expected):
                raise EncodingError("a list's openings do not match its commitments", field=name)
            values[name] = [_open(c, o, name) for c, o in zip(expected, given, strict=True)]
        else:
            values[name] = _open(expected, given, name)
    return values


def _open(expected: object, opening: object, name: str) -> object:
    if not isinstance(opening, Mapping) or not isinstance(expected, str):
        raise EncodingError("an opening is a salt and a value", field=name)
    try:
        salt = base64.b64decode(str(opening.get("salt")), validate=True)
        matches = opens_commitment(expected, salt, canonicalize(opening.get("value")))
    except (binascii.Error, ValueError, CanonicalizationError) as exc:
        raise EncodingError("an opening is not a base64 salt and a JSON value", field=name) from exc
    if not matches:
        raise EncodingError("an opening does not open its commitment", field=name)
    return opening.get("value")


def parse_leaf(data: bytes) -> dict[str, Any]:
    """Read leaf data, checking that it is a version-2 leaf in canonical form."""
    try:
        leaf = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EncodingError("leaf data is not JSON") from exc
    if not isinstance(leaf, dict) or "v" not in leaf:
        raise EncodingError("leaf data does not have the fields of a leaf")
    if leaf["v"] != LEAF_FORMAT_VERSION:
        raise EncodingError(
            f"leaf data is not a version-{LEAF_FORMAT_VERSION} leaf", version=leaf["v"]
        )
    if set(leaf) != LEAF_FIELDS:
        raise EncodingError("leaf data does not have the fields of a leaf")
    if not isinstance(leaf["public"], dict) or not isinstance(leaf["commitments"], dict):
        raise EncodingError("a leaf's public values and commitments are objects")
    try:
        canonical = canonicalize(leaf)
    except CanonicalizationError as exc:
        raise EncodingError("leaf data holds a value canonical JSON refuses") from exc
    if canonical != data:
        raise EncodingError("leaf data is not in canonical JSON form")
    return leaf
