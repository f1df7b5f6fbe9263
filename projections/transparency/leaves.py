"""What a leaf of the transparency log shows of each event, and the leaf of a stored event.

A leaf shows only what a certificate must reveal, by event class (the class name in the
stored topic); every other class shows nothing and is only committed to. The table below is
the whole of it: a field not named here never reaches a leaf.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from trust.leaf import encode_leaf

_RECORD = ("record_id", "originator_id")
_CERTIFICATE = ("certificate_id", "originator_id")
#: Per event class (the qualname in the stored topic): the public name and the attribute read.
PUBLIC_FIELDS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "ServiceRecord.Recorded": (
        _RECORD,
        ("activity_id", "activity_id"),
        ("organisation_id", "organisation_id"),
        ("service_date", "service_date"),
        ("minutes", "minutes"),
        ("volunteer_id", "volunteer_id"),  # a random UUID: a pseudonym, not a person
    ),
    "ServiceRecord.Corrected": (
        _RECORD,
        ("minutes", "minutes"),
        ("previous_minutes", "previous_minutes"),
    ),
    "ServiceRecord.Approved": (_RECORD,),
    "ServiceRecord.Rejected": (_RECORD,),
    "ServiceRecord.Revoked": (_RECORD,),
    "Certificate.Issued": (
        _CERTIFICATE,
        ("number", "number"),
        ("volunteer_id", "volunteer_id"),
        ("record_ids", "record_ids"),
        ("total_minutes", "total_minutes"),
        ("issuer_id", "issuer_id"),
    ),
    "Certificate.Revoked": (_CERTIFICATE, ("number", "number")),
}
#: Status changes a leaf states outright.
PUBLIC_STATUS: Mapping[str, str] = {
    "ServiceRecord.Approved": "approved",
    "ServiceRecord.Rejected": "rejected",
    "ServiceRecord.Revoked": "revoked",
}
#: Fields left out when the event does not carry them (older event shapes).
OPTIONAL_FIELDS = frozenset({("Certificate.Revoked", "number")})


def event_class_name(topic: str) -> str:
    """``domain.service_record:ServiceRecord.Recorded`` → ``ServiceRecord.Recorded``."""
    return topic.rpartition(":")[2]


def public_fields(topic: str, event: object) -> dict[str, object]:
    """What the leaf of this event shows; every event class not listed shows nothing."""
    name = event_class_name(topic)
    public: dict[str, object] = {}
    for public_name, attribute in PUBLIC_FIELDS.get(name, ()):
        if not hasattr(event, attribute) and (name, public_name) in OPTIONAL_FIELDS:
            continue
        public[public_name] = _plain(getattr(event, attribute))
    if name in PUBLIC_STATUS:
        public["status"] = PUBLIC_STATUS[name]
    return public


def _plain(value: object) -> object:
    """A JSON value for canonical JSON: ids and dates as text, lists as lists."""
    if isinstance(value, Enum):
        return _plain(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    raise TypeError(f"{type(value).__name__} is not a public leaf value")


def leaf_for(notification: Notification, event: Any, log_key: bytes) -> bytes:
    """The leaf data of a stored event, from its stored bytes and its decoded form."""
    return encode_leaf(
        position=notification.id,
        aggregate_id=str(notification.originator_id),
        version=notification.originator_version,
        topic=notification.topic,
        time=event.timestamp,
        public=public_fields(notification.topic, event),
        state=notification.state,
        log_key=log_key,
    )


def salt_key_fingerprint(log_key: bytes) -> str:
    """Names a salt key without revealing it, so a process with another key is refused."""
    return hmac.new(log_key, b"volunteer-ledger log salt key", hashlib.sha256).hexdigest()[:32]
