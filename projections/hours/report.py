"""The hours report an organiser hands upward: per volunteer, the approved service a subtree
organised in a period.

"Organised" means the record's organisation (the activity's) is the organisation asked for or
one below it, whatever the volunteer's home: the report says what the subtree's activities
gave, and names each volunteer's home beside their hours.
"""

from __future__ import annotations

from typing import Any

from domain.periods import Period
from projections.hours.queries import SUBTREE
from projections.paging import Page, page_of
from projections.stores.protocol import ViewStore

#: What a row of the report holds, in order.
REPORT_COLUMNS = (
    "volunteer_id",
    "volunteer_number",
    "name",
    "home_organization_id",
    "home_organization",
    "approved_minutes",
    "records",
)


def _approved_in(period: Period) -> tuple[str, list[Any]]:
    """The approved records of the subtree in the period, as a ``WHERE`` over ``r``."""
    where = "r.status = 'approved' AND r.organisation_id IN (SELECT id FROM subtree)"
    if period.kind == "all":
        return where, []
    return f"{where} AND r.{period.kind} = ?", [period.text]


def hours_report(
    views: ViewStore,
    organisation_id: str,
    period: Period,
    *,
    limit: int,
    after: tuple[str, str] | None = None,
) -> Page:
    """One row per volunteer with approved service in the period, by volunteer number."""
    where, params = _approved_in(period)
    page, page_params = "", []
    if after is not None:
        page = " AND (v.volunteer_number > ? OR (v.volunteer_number = ? AND v.id > ?))"
        page_params = [after[0], after[0], after[1]]
    rows = views.query(
        f"WITH RECURSIVE {SUBTREE}, "
        "per AS (SELECT r.volunteer_id, SUM(r.minutes) AS minutes, COUNT(*) AS records "
        f"FROM hours_records r WHERE {where} GROUP BY r.volunteer_id) "
        "SELECT v.id, v.volunteer_number, v.name, v.organisation_id, o.name, p.minutes, "
        "p.records FROM per p JOIN dir_volunteers v ON v.id = p.volunteer_id "
        f"LEFT JOIN dir_organisations o ON o.id = v.organisation_id WHERE 1 = 1{page} "
        "ORDER BY v.volunteer_number, v.id LIMIT ?",
        [organisation_id, *params, *page_params, limit + 1],
    )
    items = []
    for row in rows:
        item = dict(zip(REPORT_COLUMNS, row, strict=True))
        item["approved_minutes"] = int(item["approved_minutes"])
        item["records"] = int(item["records"])
        items.append(item)
    return page_of(items, limit, ("volunteer_number", "volunteer_id"))


def hours_totals(views: ViewStore, organisation_id: str, period: Period) -> dict[str, int]:
    """The whole report in three numbers: volunteers, records and approved minutes."""
    where, params = _approved_in(period)
    [(volunteers, records, minutes)] = views.query(
        f"WITH RECURSIVE {SUBTREE} SELECT COUNT(DISTINCT r.volunteer_id), COUNT(*), "
        f"COALESCE(SUM(r.minutes), 0) FROM hours_records r WHERE {where}",
        [organisation_id, *params],
    )
    return {
        "volunteers": int(volunteers),
        "records": int(records),
        "approved_minutes": int(minutes),
    }


def hours_by_month(
    views: ViewStore, organisation_id: str, period: Period, *, category: str | None = None
) -> dict[str, int]:
    """Approved minutes the subtree organised in each month of the period (``"2026-03"``),
    in the category if one is given; a month with none is left out."""
    where, params = _approved_in(period)
    if category is not None:
        where += " AND r.category = ?"
        params.append(category)
    rows = views.query(
        f"WITH RECURSIVE {SUBTREE} SELECT r.month, SUM(r.minutes) FROM hours_records r "
        f"WHERE {where} GROUP BY r.month ORDER BY r.month",
        [organisation_id, *params],
    )
    return {month: int(minutes) for month, minutes in rows}
