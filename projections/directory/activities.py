"""Activities as people look for them: what, where, by whom, and what shifts are coming.

The shifts' summary reads the shift board's table in SQL (a query may join another family's
tables; it imports none of its code).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from projections.directory.tree import SUBTREE
from projections.paging import Page, page_of
from projections.stores.lookups import like_pattern
from projections.stores.protocol import ViewStore

ACTIVITY_COLUMNS = (
    "id",
    "title",
    "description",
    "category",
    "organisation_id",
    "organisation_name",
    "timezone",
    "place",
    "closed",
    "upcoming_shifts",
    "next_starts_at",
    "places_left",
    "contact",
)


@dataclass(frozen=True)
class ActivityFilter:
    """``open``: True for activities not closed with a shift one can still sign up for."""

    now: datetime
    organisation_id: str | None = None
    category: str | None = None
    open: bool | None = None
    title_contains: str | None = None


def _select(now: datetime) -> tuple[str, list[Any]]:
    sql = (
        "SELECT a.id, a.title, a.description, a.category, a.organisation_id, o.name, o.timezone, "
        "a.location, a.closed, COALESCE(u.upcoming, 0), u.next_starts_at, "
        "COALESCE(u.places_left, 0), a.contact FROM dir_activities a "
        "LEFT JOIN dir_organisations o ON o.id = a.organisation_id "
        "LEFT JOIN (SELECT activity_id, COUNT(*) AS upcoming, MIN(starts_at) AS next_starts_at, "
        "SUM(CASE WHEN capacity > confirmed THEN capacity - confirmed ELSE 0 END) AS places_left "
        "FROM board_shifts WHERE status <> 'cancelled' AND starts_at > ? GROUP BY activity_id) u "
        "ON u.activity_id = a.id "
    )
    return sql, [now.astimezone(UTC).isoformat()]


def _rows(views: ViewStore, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    rows = [dict(zip(ACTIVITY_COLUMNS, row, strict=True)) for row in views.query(sql, params)]
    for row in rows:
        row["closed"] = bool(row["closed"])
        row["upcoming_shifts"] = int(row["upcoming_shifts"])
        row["places_left"] = int(row["places_left"])
    return rows


def activity(views: ViewStore, activity_id: str, now: datetime) -> dict[str, Any] | None:
    """One activity with the summary of its shifts that have not started."""
    sql, params = _select(now)
    rows = _rows(views, sql + "WHERE a.id = ?", [*params, activity_id])
    return rows[0] if rows else None


def activities(
    views: ViewStore, wanted: ActivityFilter, *, limit: int, after: tuple[str, str] | None
) -> Page:
    """Activities matching ``wanted``, by title then id, each with its shifts' summary:
    how many have not started (and are not cancelled), the next start, the places left."""
    sql, params = _select(wanted.now)
    if wanted.organisation_id is not None:
        sql = SUBTREE + sql
        params.insert(0, wanted.organisation_id)
    sql += "WHERE 1 = 1"
    if wanted.organisation_id is not None:
        sql += " AND a.organisation_id IN (SELECT id FROM subtree)"
    if wanted.category is not None:
        sql += " AND a.category = ?"
        params.append(wanted.category)
    if wanted.open is True:
        sql += " AND a.closed = 0 AND u.upcoming > 0"
    elif wanted.open is False:
        sql += " AND (a.closed = 1 OR u.upcoming IS NULL)"
    if wanted.title_contains:
        sql += " AND LOWER(a.title) LIKE ? ESCAPE '\\'"
        params.append(like_pattern(wanted.title_contains))
    if after is not None:
        sql += " AND (a.title > ? OR (a.title = ? AND a.id > ?))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY a.title, a.id LIMIT ?"
    return page_of(_rows(views, sql, [*params, limit + 1]), limit, ("title", "id"))
