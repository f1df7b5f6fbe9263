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


def roster(views: ViewStore, shift_id: str, *, limit: int, after: tuple[str, str] | None) -> Page:
    """Confirmed volunteers in the order they got their place, then the waitlist in order."""
    sql = (
        "SELECT * FROM (SELECT r.volunteer_id, r.status, v.name, v.volunteer_number, "
        "CASE r.status WHEN 'confirmed' THEN 0 ELSE 1 END AS queue, r.seq "
        "FROM board_roster r LEFT JOIN dir_volunteers v ON v.id = r.volunteer_id "
        "WHERE r.shift_id = ?) roster"
    )
    params: list[Any] = [shift_id]
    if after is not None:
        sql += " WHERE queue > ? OR (queue = ? AND seq > ?)"
        params += [int(after[0]), int(after[0]), int(after[1])]
    rows = views.query(sql + " ORDER BY queue, seq LIMIT ?", [*params, limit + 1])
    entries = [
        {
            "volunteer_id": r[0],
            "status": r[1],
            "name": r[2],
            "volunteer_number": r[3],
            "queue": r[4],
            "seq": r[5],
        }
        for r in rows
    ]
    return page_of(entries, limit, ("queue", "seq"))


def upcoming_shifts(views: ViewStore, volunteer_id: str, now_iso: str) -> int:
    """Confirmed places the volunteer holds on shifts that have not started."""
    [(count,)] = views.query(
        "SELECT COUNT(*) FROM board_roster r JOIN board_shifts s ON s.id = r.shift_id "
        "WHERE r.volunteer_id = ? AND r.status = 'confirmed' AND s.starts_at > ?",
        (volunteer_id, now_iso),
    )
    return int(count)
