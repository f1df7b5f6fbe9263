"""Check-in codes: what the desk's QR code carries, short-lived and signed.

A code names one shift and one minute (a window of ``WINDOW_SECONDS``) and is signed with an
HMAC under a key derived from the token secret for this use alone. It is good in its own
window and the one before (one to two minutes), so a code photographed and sent to someone at
home is useless soon after. It is compact and URL-safe (base64url, 40 characters), so the QR
code stays small enough to scan from a phone held at arm's length.

A *pass* has the same form under a key of its own (``PASS_PURPOSE``) and holds for
``PASS_WINDOWS`` minutes. A phone that opens a code while it is good gets a pass in a cookie for
that shift, so a volunteer who must log in first, or who waits before pressing the button, is
not sent back to the desk; the pass stays in the browser that scanned (a link sent on carries
no cookie).

The code gives no authority of its own: the volunteer who uses it is checked in by the
API's own check-in, as themselves, under its rules (they must be confirmed on the shift, at
the times the shift allows). It is the evidence that they stood at the desk when they did.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import datetime
from uuid import UUID

#: The purpose the key is derived for (``Tokens.derived_key``).
KEY_PURPOSE = "check-in codes"
WINDOW_SECONDS = 60
#: Windows a code stays good in: its own and the next one.
WINDOWS_ACCEPTED = 2
#: The purpose of the passes' key, and how many windows a pass holds.
PASS_PURPOSE = "check-in passes"
PASS_WINDOWS = 10
_MAC_BYTES = 16
_WINDOW_BYTES = 4
_LENGTH = 16 + _WINDOW_BYTES + _MAC_BYTES


class CheckCodeError(Exception):
    """A code that does not check a volunteer in (the base of the two below)."""


class ForgedCode(CheckCodeError):  # noqa: N818 (what it is, not how it failed)
    """Not a code this service made: malformed, or its signature does not hold."""


class ExpiredCode(CheckCodeError):  # noqa: N818
    """A code this service made, for a window that has passed."""

    def __init__(self, shift_id: UUID) -> None:
        super().__init__(str(shift_id))
        self.shift_id = shift_id


def window_of(moment: datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def _mac(key: bytes, shift_id: UUID, window: int) -> bytes:
    message = shift_id.bytes + window.to_bytes(_WINDOW_BYTES, "big")
    return hmac.new(key, message, hashlib.sha256).digest()[:_MAC_BYTES]


def code_for(key: bytes, shift_id: UUID, now: datetime) -> str:
    """The code for checking in to ``shift_id`` during the window of ``now``."""
    window = window_of(now)
    raw = shift_id.bytes + window.to_bytes(_WINDOW_BYTES, "big") + _mac(key, shift_id, window)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def shift_of(key: bytes, code: str, now: datetime, windows: int = WINDOWS_ACCEPTED) -> UUID:
    """The shift a code checks in to, if it is genuine and still good at ``now`` (made in
    one of the last ``windows`` windows)."""
    try:
        raw = base64.urlsafe_b64decode(code.encode("ascii") + b"=" * (-len(code) % 4))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ForgedCode from None
    if len(raw) != _LENGTH:
        raise ForgedCode
    shift_id = UUID(bytes=raw[:16])
    window = int.from_bytes(raw[16 : 16 + _WINDOW_BYTES], "big")
    if not hmac.compare_digest(raw[16 + _WINDOW_BYTES :], _mac(key, shift_id, window)):
        raise ForgedCode
    age = window_of(now) - window
    if age < 0:
        raise ForgedCode  # signed by this service for a time still to come: never handed out
    if age >= windows:
        raise ExpiredCode(shift_id)
    return shift_id
