"""Queries over published recognition lists: an organisation's, newest first."""

from __future__ import annotations

from typing import Any

from projections.paging import Page, page_of
from projections.recognition_lists.view import LIST_COLUMNS
from projections.stores.protocol import ViewStore


def published_lists(
    views: ViewStore,
    organisation_id: str | None,
    *,
    periods: list[str] | None = None,
    category: str | None = None,
    final: bool | None = None,
    limit: int,
    after: tuple[str, str] | None,
) -> Page:
    """Lists published by ``organisation_id`` (None: any), newest first; only those of one of
    ``periods``, of ``category`` or in the given state
    when asked. ``after`` is the (position, id) of the previous page's last row."""
    sql = f"SELECT {', '.join(LIST_COLUMNS)} FROM rec_lists WHERE 1 = 1"
    params: list[Any] = []
    if organisation_id is not None:
        sql += " AND organisation_id = ?"
        params.append(organisation_id)
    if periods is not None:
        texts = periods or [""]
        sql += f" AND period IN ({', '.join('?' * len(texts))})"
        params += texts
    if category is not None:
        sql += " AND category = ?"
        params.append(category)
    if final is not None:
        sql += " AND final = ?"
        params.append(int(final))
    if after is not None:
        sql += " AND (published_position < ? OR (published_position = ? AND id < ?))"
        params += [int(after[0]), int(after[0]), after[1]]
    sql += " ORDER BY published_position DESC, id DESC LIMIT ?"
    rows = [
        dict(zip(LIST_COLUMNS, row, strict=True)) for row in views.query(sql, [*params, limit + 1])
    ]
    for row in rows:
        row["final"] = bool(row["final"])
    return page_of(rows, limit, ("published_position", "id"))
