"""Queries over the service records: a volunteer's records, each with its history."""

from __future__ import annotations

from typing import Any

from projections.paging import Page, page_of
from projections.service_records.view import RECORD_COLUMNS as STORED_RECORD_COLUMNS
from projections.service_records.view import history_of
from projections.stores.protocol import ViewStore

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
    return page_of(rows, limit, ("started_at", "id"))
