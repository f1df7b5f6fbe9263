"""What a leaf of the transparency log shows and commits to of each event (leaf format 2).

By event class (the class name in the stored topic): ``PUBLIC_STATUS`` is the one value shown
in clear, ``COMMITTED_FIELDS`` the values a certificate may need to prove, each shown only as a
salted commitment (``trust.leaf``). Every other class shows nothing and is only committed to as
stored bytes. The tables below are the whole of it: a field not named here never reaches a
leaf, not even committed. Why each is safe to publish: docs/transparency-log.md.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from trust.leaf import encode_leaf, holder_tag, openings

_RECORD = "record"
_HOLDER = "holder"
#: Per event class (the qualname in the stored topic): the fields committed to, in this order.
COMMITTED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "ServiceRecord.Recorded": (_RECORD, _HOLDER, "service_date", "minutes"),
    "ServiceRecord.Corrected": (_RECORD, "minutes"),
    "ServiceRecord.Approved": (_RECORD,),
    "ServiceRecord.Rejected": (_RECORD,),
    "ServiceRecord.Revoked": (_RECORD,),
    "Certificate.Issued": ("number", _HOLDER, "record_ids", "total_minutes"),
    "Certificate.Revoked": ("number",),
}
#: Status changes a leaf states outright (the type says as much).
PUBLIC_STATUS: Mapping[str, str] = {
    "ServiceRecord.Approved": "approved",
    "ServiceRecord.Rejected": "rejected",
    "ServiceRecord.Revoked": "revoked",
}
#: Fields left out when the event does not carry them (older event shapes).
OPTIONAL_FIELDS = frozenset({("Certificate.Revoked", "number")})

#: Fields that are not an attribute of the event of the same name.
_READERS: Mapping[str, Callable[[Any, bytes], object]] = {
    _RECORD: lambda event, _key: str(event.originator_id),
    _HOLDER: lambda event, key: holder_tag(key, str(event.volunteer_id)),
}


def event_class_name(topic: str) -> str:
    """``domain.service_record:ServiceRecord.Recorded`` → ``ServiceRecord.Recorded``."""
    return topic.rpartition(":")[2]


def public_fields(topic: str, event: object) -> dict[str, object]:
    """What the leaf of this event shows in clear: a status, or nothing."""
    name = event_class_name(topic)
    return {"status": PUBLIC_STATUS[name]} if name in PUBLIC_STATUS else {}


def committed_fields(topic: str, event: object, log_key: bytes) -> dict[str, object]:
    """The values the leaf of this event commits to, by field; nothing for unlisted classes."""
    name = event_class_name(topic)
    committed: dict[str, object] = {}
    for field in COMMITTED_FIELDS.get(name, ()):
        reader = _READERS.get(field)
        if reader is None and not hasattr(event, field) and (name, field) in OPTIONAL_FIELDS:
            continue
        committed[field] = _plain(
            reader(event, log_key) if reader is not None else getattr(event, field)
        )
    return committed


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
    raise TypeError(f"{type(value).__name__} is not a leaf value")


def leaf_for(notification: Notification, event: Any, log_key: bytes) -> bytes:
    """The leaf data of a stored event, from its stored bytes and its decoded form."""
    return encode_leaf(
        position=notification.id,
        aggregate_id=str(notification.originator_id),
        version=notification.originator_version,
        topic=notification.topic,
        time=event.timestamp,
        public=public_fields(notification.topic, event),
        committed=committed_fields(notification.topic, event, log_key),
        state=notification.state,
        log_key=log_key,
    )


def openings_for(notification: Notification, event: Any, log_key: bytes) -> dict[str, Any]:
    """The salts and values that open the commitments of this event's leaf."""
    return openings(
        position=notification.id,
        aggregate_id=str(notification.originator_id),
        version=notification.originator_version,
        committed=committed_fields(notification.topic, event, log_key),
        log_key=log_key,
    )


def salt_key_fingerprint(log_key: bytes) -> str:
    """Names a salt key without revealing it, so a process with another key is refused."""
    return hmac.new(log_key, b"volunteer-ledger log salt key", hashlib.sha256).hexdigest()[:32]
