"""The public shift board: shifts across activities, filtered and in start order.

Joins the directory's tables (activity title and category, organisation name and time zone)
in SQL, as read-model families may; it imports none of the directory's code. A family whose
events lag another's for a moment shows a shift without its names (LEFT JOIN), never drops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.shift import phase
from projections.paging import Page, page_of
from projections.stores.lookups import like_pattern
from projections.stores.protocol import ViewStore

BOARD_COLUMNS = (
    "id",
    "activity_id",
    "activity_title",
    "category",
    "organisation_id",
    "organisation_name",
    "timezone",
    "starts_at",
    "ends_at",
    "capacity",
    "confirmed",
    "waitlisted",
    "stored_status",
    "place",
    "my_status",
    "my_waitlist_position",
)

#: The organisation and every one below it, by the directory's tree: ``subtree(id)``.
SUBTREE = (
    "WITH RECURSIVE subtree(id) AS (SELECT id FROM dir_organisations WHERE id = ? "
    "UNION ALL SELECT o.id FROM dir_organisations o JOIN subtree t ON o.parent_id = t.id) "
)


def utc_text(moment: datetime) -> str:
    """An instant as the board stores one (``isoformat`` in UTC), so text order is time order."""
    return moment.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class BoardFilter:
    """What the board is asked for. ``now`` decides what has started or ended.

    ``open``: True for shifts one can still sign up for (not cancelled, not started: a place
    left, or the waitlist, which has no limit); False for the others. ``not_ended``: only
    shifts that are not cancelled and have not ended (what the public sees).
    """

    now: datetime
    organisation_id: str | None = None
    category: str | None = None
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    open: bool | None = None
    not_ended: bool = False
    title_contains: str | None = None
    volunteer_id: str | None = None


def shift_board(
    views: ViewStore, wanted: BoardFilter, *, limit: int, after: tuple[str, str] | None
) -> Page:
    """Shifts matching ``wanted`` by start time then id, each with its activity's title and
    category, its organisation's name and time zone, its place (the shift's, else the
    activity's), and for ``volunteer_id`` their place on it and their waitlist position."""
    now = utc_text(wanted.now)
    sql = SUBTREE if wanted.organisation_id is not None else ""
    params: list[Any] = [wanted.organisation_id] if wanted.organisation_id is not None else []
    sql += (
        "SELECT s.id, s.activity_id, a.title, a.category, s.organisation_id, o.name, o.timezone, "
        "s.starts_at, s.ends_at, s.capacity, s.confirmed, s.waitlisted, s.status, "
        "COALESCE(s.location, a.location), r.status, "
        "CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM board_roster w "
        "WHERE w.shift_id = s.id AND w.status = 'waitlisted' AND w.seq <= r.seq) END "
        "FROM board_shifts s "
        "LEFT JOIN dir_activities a ON a.id = s.activity_id "
        "LEFT JOIN dir_organisations o ON o.id = s.organisation_id "
        "LEFT JOIN board_roster r ON r.shift_id = s.id AND r.volunteer_id = ? "
        "WHERE 1 = 1"
    )
    params.append(wanted.volunteer_id or "")
    if wanted.organisation_id is not None:
        sql += " AND s.organisation_id IN (SELECT id FROM subtree)"
    if wanted.category is not None:
        sql += " AND a.category = ?"
        params.append(wanted.category)
    if wanted.starts_from is not None:
        sql += " AND s.starts_at >= ?"
        params.append(utc_text(wanted.starts_from))
    if wanted.starts_before is not None:
        sql += " AND s.starts_at < ?"
        params.append(utc_text(wanted.starts_before))
    if wanted.open is True:
        sql += " AND s.status <> 'cancelled' AND s.starts_at > ?"
        params.append(now)
    elif wanted.open is False:
        sql += " AND (s.status = 'cancelled' OR s.starts_at <= ?)"
        params.append(now)
    if wanted.not_ended:
        sql += " AND s.status <> 'cancelled' AND s.ends_at > ?"
        params.append(now)
    if wanted.title_contains:
        sql += " AND LOWER(a.title) LIKE ? ESCAPE '\\'"
        params.append(like_pattern(wanted.title_contains))
    if after is not None:
        sql += " AND (s.starts_at > ? OR (s.starts_at = ? AND s.id > ?))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY s.starts_at, s.id LIMIT ?"
    rows = [
        dict(zip(BOARD_COLUMNS, row, strict=True)) for row in views.query(sql, [*params, limit + 1])
    ]
    for row in rows:
        row["status"] = phase(
            row.pop("stored_status") == "cancelled",
            datetime.fromisoformat(row["starts_at"]),
            datetime.fromisoformat(row["ends_at"]),
            wanted.now,
        )
        row["places_left"] = max(row["capacity"] - row["confirmed"], 0)
    return page_of(rows, limit, ("starts_at", "id"))
