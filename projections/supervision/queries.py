"""Queries over the supervision ledger, for a set of organisations (a subtree) at a moment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from domain.periods import Period
from projections.stores.protocol import ViewStore
from projections.supervision.tables import utc_text

RECORD_COLUMNS = (
    "record_id",
    "volunteer_id",
    "volunteer_name",
    "volunteer_number",
    "activity_id",
    "activity_title",
    "organisation_id",
    "service_date",
    "minutes",
    "recorded_at",
    "recorded_by",
    "approved_by",
    "confirmed_by",
)
REQUEST_COLUMNS = (*RECORD_COLUMNS, "status", "requested_minutes", "requested_at", "reason")
RAISE_COLUMNS = (
    *RECORD_COLUMNS,
    "status",
    "raised_from",
    "raised_to",
    "raised_by",
    "raised_at",
    "reason",
)
NO_SHOW_COLUMNS = (
    "shift_id",
    "volunteer_id",
    "volunteer_name",
    "volunteer_number",
    "activity_id",
    "activity_title",
    "organisation_id",
    "starts_at",
    "local_date",
    "reason",
)
_NAMES = (
    "LEFT JOIN dir_volunteers v ON v.id = r.volunteer_id "
    "LEFT JOIN dir_activities a ON a.id = r.activity_id "
)
_RECORD_SELECT = (
    "SELECT r.id, r.volunteer_id, v.name, v.volunteer_number, r.activity_id, a.title, "
    "r.organisation_id, r.service_date, r.minutes, r.recorded_at, r.recorded_by, r.approved_by, "
    "r.confirmed_by"
)


def supervision(
    views: ViewStore,
    organisation_ids: Sequence[str],
    *,
    now: datetime,
    pending_days: int | None = None,
    period: Period,
) -> dict[str, list[dict[str, Any]]]:
    """What needs an organiser's attention in these organisations, oldest first:

    - ``pending_approval``: every record still pending, or with ``pending_days`` only those
      pending more than that many days after they were recorded (by the time of their
      Recorded event, against ``now``), each with its age in whole days;
    - ``awaiting_review``: records made by closing a forgotten check-in, still pending;
    - ``open_correction_requests``: volunteers' requests nobody has resolved yet;
    - ``single_organiser_approvals``: records approved by whoever recorded or corrected them,
      with no second party, under the single-organiser setting (approved or since revoked);
    - ``single_organiser_raises``: each raise of approved minutes with no second party (not
      the volunteer's request, nor more than it asked for), under that setting, in order;
    - ``no_shows``: no-shows standing now, on shifts whose local start date is in ``period``.
    """
    ids = list(organisation_ids) or [""]
    within = f"r.organisation_id IN ({', '.join('?' * len(ids))})"
    waited, waited_params = (
        ("", [])
        if pending_days is None
        else (" AND r.recorded_at < ?", [utc_text(now - timedelta(days=pending_days))])
    )
    pending = _records(
        views, f"{within} AND r.status = 'pending'{waited}", [*ids, *waited_params], now
    )
    review = _records(views, f"{within} AND r.status = 'pending' AND r.needs_review = 1", ids, now)
    alone = _records(views, f"{within} AND r.single_organiser = 1", ids, now)
    raises = [
        dict(zip(RAISE_COLUMNS, row, strict=True))
        for row in views.query(
            f"{_RECORD_SELECT}, r.status, x.previous_minutes, x.minutes, x.actor, "
            f"x.corrected_at, x.reason FROM supervision_raises x "
            f"JOIN supervision_records r ON r.id = x.record_id {_NAMES}"
            f"WHERE {within} ORDER BY x.corrected_at, x.record_id, x.record_version",
            ids,
        )
    ]
    requests = [
        dict(zip(REQUEST_COLUMNS, row, strict=True))
        for row in views.query(
            f"{_RECORD_SELECT}, r.status, r.requested_minutes, r.requested_at, r.request_reason "
            f"FROM supervision_records r {_NAMES}"
            f"WHERE {within} AND r.requested_minutes IS NOT NULL ORDER BY r.requested_at, r.id",
            ids,
        )
    ]
    in_period, period_params = (
        ("", []) if period.kind == "all" else (f" AND r.{period.kind} = ?", [period.text])
    )
    no_shows = [
        dict(zip(NO_SHOW_COLUMNS, row, strict=True))
        for row in views.query(
            "SELECT r.shift_id, r.volunteer_id, v.name, v.volunteer_number, r.activity_id, "
            f"a.title, r.organisation_id, r.starts_at, r.local_date, r.reason "
            f"FROM supervision_no_shows r {_NAMES}"
            f"WHERE {within}{in_period} ORDER BY r.starts_at, r.shift_id, r.volunteer_id",
            [*ids, *period_params],
        )
    ]
    return {
        "pending_approval": pending,
        "awaiting_review": review,
        "open_correction_requests": requests,
        "single_organiser_approvals": alone,
        "single_organiser_raises": raises,
        "no_shows": no_shows,
    }


def _records(
    views: ViewStore, where: str, params: list[Any], now: datetime
) -> list[dict[str, Any]]:
    rows = views.query(
        f"{_RECORD_SELECT} FROM supervision_records r {_NAMES}"
        f"WHERE {where} ORDER BY r.recorded_at, r.id",
        params,
    )
    items = [dict(zip(RECORD_COLUMNS, row, strict=True)) for row in rows]
    for item in items:
        item["days_pending"] = (now - datetime.fromisoformat(item["recorded_at"])).days
    return items
