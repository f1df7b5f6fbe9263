"""Queries over the shift board: an activity's shifts, a shift's roster, upcoming places."""

from __future__ import annotations

import json
from typing import Any

from projections.paging import Page, page_of
from projections.shift_board.view import SHIFT_COLUMNS
from projections.stores.protocol import ViewStore


def shifts_of_activity(
    views: ViewStore, activity_id: str, *, limit: int, after: tuple[str, str] | None
) -> Page:
    """The activity's shifts by start time."""
    sql = f"SELECT {', '.join(SHIFT_COLUMNS)} FROM board_shifts WHERE activity_id = ?"
    params: list[Any] = [activity_id]
    if after is not None:
        sql += " AND (starts_at > ? OR (starts_at = ? AND id > ?))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY starts_at, id LIMIT ?"
    rows = [
        dict(zip(SHIFT_COLUMNS, row, strict=True)) for row in views.query(sql, [*params, limit + 1])
    ]
    for row in rows:
        row["required_skills"] = json.loads(row["required_skills"])
    return page_of(rows, limit, ("starts_at", "id"))


ROSTER_FIELDS = (
    "volunteer_id",
    "status",
    "held",
    "name",
    "volunteer_number",
    "phone",
    "volunteer_status",
    "checked_in_at",
    "checked_out_at",
    "no_show",
    "needs_review",
    "queue",
    "seq",
)


def roster(views: ViewStore, shift_id: str, *, limit: int, after: tuple[str, str] | None) -> Page:
    """Confirmed volunteers in the order they got their place, then the waitlist in order; on
    a cancelled shift, everyone it had, in the same order, with the place they held. Each with
    their attendance (none yet: no check-in times, not a no-show)."""
    sql = (
        "SELECT * FROM (SELECT r.volunteer_id, r.status, r.held, v.name, v.volunteer_number, "
        "v.phone, v.status AS volunteer_status, a.checked_in_at, a.checked_out_at, "
        "COALESCE(a.no_show, 0) AS no_show, COALESCE(a.needs_review, 0) AS needs_review, "
        "CASE r.held WHEN 'confirmed' THEN 0 ELSE 1 END AS queue, r.seq "
        "FROM board_roster r LEFT JOIN dir_volunteers v ON v.id = r.volunteer_id "
        "LEFT JOIN board_attendance a "
        "ON a.shift_id = r.shift_id AND a.volunteer_id = r.volunteer_id "
        "WHERE r.shift_id = ?) roster"
    )
    params: list[Any] = [shift_id]
    if after is not None:
        sql += " WHERE queue > ? OR (queue = ? AND seq > ?)"
        params += [int(after[0]), int(after[0]), int(after[1])]
    rows = views.query(sql + " ORDER BY queue, seq LIMIT ?", [*params, limit + 1])
    entries = [dict(zip(ROSTER_FIELDS, row, strict=True)) for row in rows]
    return page_of(entries, limit, ("queue", "seq"))


def upcoming_shifts(views: ViewStore, volunteer_id: str, now_iso: str) -> int:
    """Confirmed places the volunteer holds on shifts that have not started."""
    [(count,)] = views.query(
        "SELECT COUNT(*) FROM board_roster r JOIN board_shifts s ON s.id = r.shift_id "
        "WHERE r.volunteer_id = ? AND r.status = 'confirmed' AND s.starts_at > ?",
        (volunteer_id, now_iso),
    )
    return int(count)


def cancellation(views: ViewStore, shift_id: str) -> tuple[str | None, str | None]:
    """When the shift was cancelled (UTC ISO text) and why; ``(None, None)`` if it was not."""
    rows = views.query(
        "SELECT cancelled_at, cancel_reason FROM board_shifts WHERE id = ?", (shift_id,)
    )
    return (rows[0][0], rows[0][1]) if rows else (None, None)
