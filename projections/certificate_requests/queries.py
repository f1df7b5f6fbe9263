"""Queries over certificate requests: those of some issuers in one status, oldest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.paging import Page, page_of
from projections.stores.protocol import ViewStore

LISTED_COLUMNS = (
    "id",
    "volunteer_id",
    "volunteer_name",
    "volunteer_number",
    "issuer_id",
    "issuer_name",
    "timezone",
    "period_start",
    "period_end",
    "status",
    "requested_at",
    "requested_position",
    "resolved_at",
    "certificate_id",
    "reason",
)


def requests_to(
    views: ViewStore,
    issuer_ids: Sequence[str] | None,
    status: str,
    *,
    limit: int,
    after: tuple[str, str] | None,
) -> Page:
    """Requests in ``status`` made to one of ``issuer_ids`` (None: any), in the order they
    were made, with the volunteer's name and number and the issuer's name (the directory's)."""
    sql = (
        "SELECT r.id, r.volunteer_id, v.name, v.volunteer_number, r.issuer_id, o.name, "
        "o.timezone, r.period_start, r.period_end, r.status, r.requested_at, "
        "r.requested_position, r.resolved_at, r.certificate_id, r.reason FROM cert_requests r "
        "LEFT JOIN dir_volunteers v ON v.id = r.volunteer_id "
        "LEFT JOIN dir_organisations o ON o.id = r.issuer_id WHERE r.status = ?"
    )
    params: list[Any] = [status]
    if issuer_ids is not None:
        ids = list(issuer_ids) or [""]
        sql += f" AND r.issuer_id IN ({', '.join('?' * len(ids))})"
        params += ids
    if after is not None:
        sql += " AND (r.requested_position > ? OR (r.requested_position = ? AND r.id > ?))"
        params += [int(after[0]), int(after[0]), after[1]]
    sql += " ORDER BY r.requested_position, r.id LIMIT ?"
    rows = [
        dict(zip(LISTED_COLUMNS, row, strict=True))
        for row in views.query(sql, [*params, limit + 1])
    ]
    return page_of(rows, limit, ("requested_position", "id"))
