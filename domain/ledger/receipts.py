"""Requests named by a key: their commands are carried out once, their results kept in receipts.

The caller (the HTTP layer, for an ``Idempotency-Key``) opens ``keyed_request(key, fingerprint)``
around the work of one request; every command run inside it is saved with a ``Receipt``, and a
command whose receipt exists already returns the recorded result instead of running again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any
from uuid import UUID

from domain.receipt import Receipt
from domain.shift import SignUpStatus
from domain.values import Clash

#: The types a command may return inside lists, beyond None, bool, int, str and UUID.
RESULT_TYPES: dict[str, type] = {cls.__name__: cls for cls in (SignUpStatus, Clash)}


@dataclass
class KeyedRequest:
    """One request named by ``key`` (already scoped to its sender), with its content's
    ``fingerprint``; ``commands`` counts the commands it has run so far, and ``reused`` says
    that the key turned out to name another request."""

    key: str
    fingerprint: str
    commands: int = 0
    reused: bool = False

    def next_receipt_id(self) -> UUID:
        self.commands += 1
        return Receipt.id_for(self.key, self.commands)


_current: ContextVar[KeyedRequest | None] = ContextVar("keyed_request", default=None)


@contextmanager
def keyed_request(key: str, fingerprint: str) -> Iterator[KeyedRequest]:
    """Run the commands of this block as the request ``key``: each at most once."""
    request = KeyedRequest(key, fingerprint)
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)


def current_request() -> KeyedRequest | None:
    return _current.get()


def encode_result(value: Any) -> Any:
    """A command's result in a form the event store keeps (UUIDs it keeps as they are)."""
    if isinstance(value, Enum) or dataclasses.is_dataclass(value):
        _require_registered(type(value))
    if isinstance(value, Enum):
        return {"type": type(value).__name__, "value": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode_result(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, "fields": fields}
    if isinstance(value, list | tuple):
        return [encode_result(item) for item in value]
    if value is None or isinstance(value, bool | int | str | UUID):
        return value
    raise TypeError(f"a command's result of type {type(value).__name__} cannot be kept")


def _require_registered(cls: type) -> None:
    if RESULT_TYPES.get(cls.__name__) is not cls:
        raise TypeError(f"a command's result of type {cls.__name__} is not in RESULT_TYPES")


def decode_result(value: Any) -> Any:
    """The result as the command returned it, from ``encode_result``'s form."""
    if isinstance(value, list):
        return [decode_result(item) for item in value]
    if isinstance(value, dict):
        cls = RESULT_TYPES[value["type"]]
        if "fields" in value:
            return cls(**{name: decode_result(v) for name, v in value["fields"].items()})
        return cls(value["value"])
    return value
