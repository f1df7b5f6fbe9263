"""The approval queue: records of some organisations in one status, oldest recorded first.

Each record comes with its volunteer's name and number, its activity's title, its
organisation's name and time zone and its shift's start (the directory's and the shift
board's tables, joined in SQL), and from its history who recorded it and when, who corrected
it, and whether the volunteer's confirmation of the minutes as they stand holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.paging import Page, page_of
from projections.service_records.view import history_of
from projections.stores.protocol import ViewStore

QUEUE_COLUMNS = (
    "id",
    "volunteer_id",
    "volunteer_name",
    "volunteer_number",
    "activity_id",
    "activity_title",
    "organisation_id",
    "organisation_name",
    "timezone",
    "shift_id",
    "shift_starts_at",
    "source",
    "started_at",
    "ended_at",
    "service_date",
    "minutes",
    "status",
    "needs_review",
    "requested_minutes",
    "recorded_position",
)


def queue(
    views: ViewStore,
    organisation_ids: Sequence[str] | None,
    status: str,
    *,
    limit: int,
    after: tuple[str, str] | None,
) -> Page:
    """Records in ``status`` organised by one of ``organisation_ids`` (None: any), in the
    order they were recorded, each with ``recorded_by``, ``recorded_at``, ``corrected_by``
    (in order) and ``confirmed`` (a confirmation after the last correction)."""
    sql = (
        "SELECT r.id, r.volunteer_id, v.name, v.volunteer_number, r.activity_id, a.title, "
        "r.organisation_id, o.name, o.timezone, r.shift_id, s.starts_at, r.source, "
        "r.started_at, r.ended_at, r.service_date, r.minutes, r.status, r.needs_review, "
        "r.requested_minutes, r.recorded_position, r.history FROM rec_records r "
        "LEFT JOIN dir_volunteers v ON v.id = r.volunteer_id "
        "LEFT JOIN dir_activities a ON a.id = r.activity_id "
        "LEFT JOIN dir_organisations o ON o.id = r.organisation_id "
        "LEFT JOIN board_shifts s ON s.id = r.shift_id WHERE r.status = ?"
    )
    params: list[Any] = [status]
    if organisation_ids is not None:
        ids = list(organisation_ids) or [""]
        sql += f" AND r.organisation_id IN ({', '.join('?' * len(ids))})"
        params += ids
    if after is not None:
        sql += " AND (r.recorded_position > ? OR (r.recorded_position = ? AND r.id > ?))"
        params += [int(after[0]), int(after[0]), after[1]]
    sql += " ORDER BY r.recorded_position, r.id LIMIT ?"
    rows = []
    for *values, history in views.query(sql, [*params, limit + 1]):
        row = dict(zip(QUEUE_COLUMNS, values, strict=True))
        row["needs_review"] = bool(row["needs_review"])
        row.update(makers_of(history_of(history)))
        rows.append(row)
    return page_of(rows, limit, ("recorded_position", "id"))


def makers_of(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Who recorded the minutes and when, who corrected them, and whether the volunteer's
    confirmation holds (given after the last correction)."""
    recorded = history[0]
    corrected_by = [line["actor"] for line in history if line["event"] == "Corrected"]
    confirmed = False
    for line in history:
        if line["event"] == "Confirmed":
            confirmed = True
        elif line["event"] == "Corrected":
            confirmed = False
    return {
        "recorded_by": recorded["actor"],
        "recorded_at": recorded["at"],
        "corrected_by": corrected_by,
        "confirmed": confirmed,
    }
