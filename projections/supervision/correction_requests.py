"""Open correction requests of some organisations, oldest first, for an organiser to resolve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.paging import Page, page_of
from projections.stores.protocol import ViewStore

REQUEST_COLUMNS = (
    "record_id",
    "volunteer_id",
    "volunteer_name",
    "volunteer_number",
    "activity_id",
    "activity_title",
    "organisation_id",
    "organisation_name",
    "timezone",
    "shift_id",
    "service_date",
    "status",
    "minutes",
    "requested_minutes",
    "requested_at",
    "reason",
)


def open_correction_requests(
    views: ViewStore,
    organisation_ids: Sequence[str] | None,
    *,
    limit: int,
    after: tuple[str, str] | None,
) -> Page:
    """Records of ``organisation_ids`` (None: any) with a correction request nobody has
    accepted or declined, by the time it was asked, with names from the directory."""
    sql = (
        "SELECT r.id, r.volunteer_id, v.name, v.volunteer_number, r.activity_id, a.title, "
        "r.organisation_id, o.name, o.timezone, r.shift_id, r.service_date, r.status, "
        "r.minutes, r.requested_minutes, r.requested_at, r.request_reason "
        "FROM supervision_records r "
        "LEFT JOIN dir_volunteers v ON v.id = r.volunteer_id "
        "LEFT JOIN dir_activities a ON a.id = r.activity_id "
        "LEFT JOIN dir_organisations o ON o.id = r.organisation_id "
        "WHERE r.requested_minutes IS NOT NULL"
    )
    params: list[Any] = []
    if organisation_ids is not None:
        ids = list(organisation_ids) or [""]
        sql += f" AND r.organisation_id IN ({', '.join('?' * len(ids))})"
        params += ids
    if after is not None:
        sql += " AND (r.requested_at > ? OR (r.requested_at = ? AND r.id > ?))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY r.requested_at, r.id LIMIT ?"
    rows = [
        dict(zip(REQUEST_COLUMNS, row, strict=True))
        for row in views.query(sql, [*params, limit + 1])
    ]
    return page_of(rows, limit, ("requested_at", "record_id"))
