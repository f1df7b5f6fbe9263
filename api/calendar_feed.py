"""A volunteer's shifts as an iCalendar feed (RFC 5545), behind a secret address.

The address carries a token derived, not stored: HMAC-SHA256 of the account id and the
account's calendar *generation* under a server key (``calendar-secret.key`` in the private
data folder, made on first use like the token-signing key). So the ledger holds no secret
(only the generation, in ``Account.CalendarFeedRotated``), ``GET /v1/me`` can show the address
again at any time, and rotating it (the next generation) ends the old address at once, on
every worker. Losing the key file ends every address; each volunteer then finds the new one
in ``GET /v1/me``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from icalendar import Alarm, Calendar, Event

from api.security import load_or_create_secret
from projections.personal.queries import CANCELLED_WITH_SHIFT

KEY_FILE = "calendar-secret.key"
_MAC_BYTES = 20
_TOKEN_LENGTH = 32 + 27  # the account id in hex, and the MAC in unpadded base64url
#: How long before a shift a calendar reminds the volunteer.
REMINDER = timedelta(hours=1)
#: How far back the feed still shows past shifts.
PAST_SHOWN = timedelta(days=30)
STATE_TEXT = {
    "confirmed": "已确认 confirmed",
    "waitlisted": "候补 waitlisted",
    CANCELLED_WITH_SHIFT: "班次已取消 cancelled",
}


@lru_cache(maxsize=8)
def feed_key(data_dir: Path) -> bytes:
    return load_or_create_secret(data_dir / KEY_FILE)


def feed_token(key: bytes, account_id: UUID, generation: int) -> str:
    """The secret of an account's feed address in this generation: 59 URL-safe characters."""
    message = f"calendar-feed:{account_id}:{generation}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()[:_MAC_BYTES]
    return account_id.hex + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def account_of_token(token: str) -> UUID | None:
    """The account a well-formed token names (not yet checked); None if malformed."""
    if len(token) != _TOKEN_LENGTH:
        return None
    try:
        return UUID(hex=token[:32])
    except ValueError:
        return None


def token_matches(key: bytes, token: str, account_id: UUID, generation: int) -> bool:
    return hmac.compare_digest(token, feed_token(key, account_id, generation))


def feed_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/v1/me/calendar.ics?token={token}"


def calendar(shifts: Iterable[dict[str, Any]], *, public_url: str, now: datetime) -> bytes:
    """One VEVENT per shift: a UID that stays with the shift, times in UTC, the activity's
    title and place, a reminder, and SEQUENCE and LAST-MODIFIED that move on with each
    reschedule or cancellation (a cancelled shift is STATUS:CANCELLED, with the reason)."""
    host = urlsplit(public_url).hostname or "volunteer-ledger"
    feed = Calendar()
    feed.add("prodid", "-//volunteer-ledger//my shifts//ZH")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", "我的志愿服务班次")
    for shift in shifts:
        feed.add_component(_event(shift, host, now))
    return bytes(feed.to_ical())


def _event(shift: dict[str, Any], host: str, now: datetime) -> Event:
    cancelled = shift["state"] == CANCELLED_WITH_SHIFT
    title = shift["title"] or "志愿服务"
    event = Event()
    event.add("uid", f"shift-{shift['shift_id']}@{host}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", _utc(shift["starts_at"]))
    event.add("dtend", _utc(shift["ends_at"]))
    event.add("summary", title)
    if shift["place"]:
        event.add("location", shift["place"])
    event.add("sequence", shift["sequence"])
    if shift["modified_at"]:
        event.add("last-modified", _utc(shift["modified_at"]))
    lines = [shift["organisation_name"] or "", STATE_TEXT.get(shift["state"], shift["state"])]
    if shift["waitlist_position"]:
        lines.append(f"候补第 {shift['waitlist_position']} 位 (waitlist position)")
    if cancelled:
        lines.append(f"取消原因 reason: {shift['cancel_reason'] or ''}")
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED" if shift["state"] == "confirmed" else "TENTATIVE")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{title} 1 小时后开始")
        alarm.add("trigger", -REMINDER)
        event.add_component(alarm)
    event.add("description", "\n".join(line for line in lines if line))
    return event


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
