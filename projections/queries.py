"""Queries over the read models: every list the API serves comes from here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from projections.stores.protocol import ViewStore
from projections.views.service_records import RECORD_COLUMNS as STORED_RECORD_COLUMNS
from projections.views.service_records import history_of
from projections.views.shift_board import SHIFT_COLUMNS


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_after: tuple[str, str] | None
    """The sort key of the last item, when more may follow."""


def _page(rows: list[dict[str, Any]], limit: int, key: tuple[str, str]) -> Page:
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return Page(rows, (str(last[key[0]]), str(last[key[1]])))
    return Page(rows, None)


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
    return _page(rows, limit, ("starts_at", "id"))


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
    return _page(entries, limit, ("queue", "seq"))


#: What a record shows: what the projection stores, but its position and its history (read
#: apart, decoded).
RECORD_COLUMNS = tuple(
    column for column in STORED_RECORD_COLUMNS if column not in ("recorded_position", "history")
)


def records_of_volunteer(
    views: ViewStore, volunteer_id: str, *, limit: int, after: tuple[str, str] | None
) -> Page:
    """The volunteer's records, newest service first, each with its history."""
    sql = f"SELECT {', '.join(RECORD_COLUMNS)}, history FROM rec_records WHERE volunteer_id = ?"
    params: list[Any] = [volunteer_id]
    if after is not None:
        sql += " AND (started_at < ? OR (started_at = ? AND id < ?))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY started_at DESC, id DESC LIMIT ?"
    rows = []
    for *values, history in views.query(sql, [*params, limit + 1]):
        row = dict(zip(RECORD_COLUMNS, values, strict=True))
        row["needs_review"] = bool(row["needs_review"])
        row["history"] = history_of(history)
        rows.append(row)
    return _page(rows, limit, ("started_at", "id"))


def upcoming_shifts(views: ViewStore, volunteer_id: str, now_iso: str) -> int:
    """Confirmed places the volunteer holds on shifts that have not started."""
    [(count,)] = views.query(
        "SELECT COUNT(*) FROM board_roster r JOIN board_shifts s ON s.id = r.shift_id "
        "WHERE r.volunteer_id = ? AND r.status = 'confirmed' AND s.starts_at > ?",
        (volunteer_id, now_iso),
    )
    return int(count)
