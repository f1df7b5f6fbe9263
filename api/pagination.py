"""Opaque cursors for paginated lists: the sort key of the last item, base64-encoded."""

from __future__ import annotations

import base64
import json

from domain.errors import InvalidInputError


def encode_cursor(after: tuple[str, str] | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(json.dumps(list(after)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        first, second = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return str(first), str(second)
    except (ValueError, TypeError):
        raise InvalidInputError(
            "the cursor is not one this service gave out", field="cursor"
        ) from None
