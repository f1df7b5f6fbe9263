"""Queries for one volunteer: their shifts, requests and certificates, newest or soonest first.

A volunteer's shifts join the shift board's tables (places and roster), the directory's
(activity title, place, organisation name and time zone) and this family's shift revisions.
"""

from __future__ import annotations

from typing import Any

from projections.paging import Page, page_of
from projections.stores.protocol import ViewStore

#: A state on a shift that the organiser cancelled: whatever the place was before.
CANCELLED_WITH_SHIFT = "cancelled_with_shift"

MY_SHIFT_COLUMNS = (
    "shift_id",
    "activity_id",
    "title",
    "organisation_id",
    "organisation_name",
    "timezone",
    "place",
    "starts_at",
    "ends_at",
    "shift_status",
    "place_status",
    "waitlist_position",
    "sequence",
    "modified_at",
    "cancel_reason",
)

_MY_SHIFTS = """SELECT s.id, s.activity_id, a.title, s.organisation_id, o.name, o.timezone,
    COALESCE(s.location, a.location), s.starts_at, s.ends_at, s.status, r.status,
    CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM board_roster w
        WHERE w.shift_id = r.shift_id AND w.status = 'waitlisted' AND w.seq <= r.seq) END,
    COALESCE(v.sequence, 0), v.modified_at, v.cancel_reason
FROM board_roster r JOIN board_shifts s ON s.id = r.shift_id
LEFT JOIN dir_activities a ON a.id = s.activity_id
LEFT JOIN dir_organisations o ON o.id = s.organisation_id
LEFT JOIN my_shift_versions v ON v.shift_id = s.id
WHERE r.volunteer_id = ? AND (r.status IN ('confirmed', 'waitlisted') OR s.status = 'cancelled')"""


def _shift_row(values: Any) -> dict[str, Any]:
    row = dict(zip(MY_SHIFT_COLUMNS, values, strict=True))
    cancelled = row["shift_status"] == "cancelled"
    row["state"] = CANCELLED_WITH_SHIFT if cancelled else row["place_status"]
    if cancelled:
        row["waitlist_position"] = None
    row["sequence"] = int(row["sequence"])
    return row


def my_shifts(
    views: ViewStore,
    volunteer_id: str,
    *,
    upcoming: bool,
    now_iso: str,
    limit: int,
    after: tuple[str, str] | None,
) -> Page:
    """The shifts the volunteer holds a place on, or was on when the organiser cancelled it
    (while the roster keeps who was on it): upcoming (not yet ended) soonest first, or past
    (ended) latest first."""
    sql = _MY_SHIFTS + (" AND s.ends_at > ?" if upcoming else " AND s.ends_at <= ?")
    params: list[Any] = [volunteer_id, now_iso]
    if after is not None:
        later = ">" if upcoming else "<"
        sql += f" AND (s.starts_at {later} ? OR (s.starts_at = ? AND s.id {later} ?))"
        params += [after[0], after[0], after[1]]
    order = "ASC" if upcoming else "DESC"
    sql += f" ORDER BY s.starts_at {order}, s.id {order} LIMIT ?"
    rows = [_shift_row(values) for values in views.query(sql, [*params, limit + 1])]
    return page_of(rows, limit, ("starts_at", "shift_id"))


def calendar_shifts(
    views: ViewStore, volunteer_id: str, *, since_iso: str, limit: int = 1000
) -> list[dict[str, Any]]:
    """The shifts a calendar feed shows: those ending after ``since_iso``, soonest first."""
    sql = _MY_SHIFTS + " AND s.ends_at > ? ORDER BY s.starts_at, s.id LIMIT ?"
    return [_shift_row(values) for values in views.query(sql, [volunteer_id, since_iso, limit])]


CERTIFICATE_REQUEST_COLUMNS = (
    "id",
    "issuer_id",
    "issuer_name",
    "timezone",
    "period_start",
    "period_end",
    "status",
    "requested_at",
    "decided_at",
    "certificate_id",
    "reason",
    "position",
)
CERTIFICATE_COLUMNS = (
    "id",
    "number",
    "issuer_id",
    "issuer_name",
    "timezone",
    "total_minutes",
    "period_start",
    "period_end",
    "issued_at",
    "status",
    "revoked_at",
    "reason",
    "position",
)
CORRECTION_REQUEST_COLUMNS = (
    "id",
    "record_id",
    "organisation_id",
    "timezone",
    "service_date",
    "record_minutes",
    "minutes",
    "reason",
    "status",
    "requested_at",
    "resolved_at",
    "accepted_minutes",
    "decline_reason",
    "position",
)


def _newest_first(
    views: ViewStore,
    sql: str,
    columns: tuple[str, ...],
    volunteer_id: str,
    limit: int,
    after: tuple[str, str] | None,
) -> Page:
    params: list[Any] = [volunteer_id]
    if after is not None:
        sql += " AND x.position < ?"
        params.append(int(after[0]))
    sql += " ORDER BY x.position DESC LIMIT ?"
    rows = [
        dict(zip(columns, values, strict=True)) for values in views.query(sql, [*params, limit + 1])
    ]
    return page_of(rows, limit, ("position", "id"))


def my_certificate_requests(
    views: ViewStore, volunteer_id: str, *, limit: int, after: tuple[str, str] | None
) -> Page:
    """The volunteer's certificate requests, newest first, with their status."""
    sql = (  # the organisers' queue keeps the requests (cert_requests); here, by volunteer
        "SELECT x.id, x.issuer_id, o.name, o.timezone, x.period_start, x.period_end, x.status, "
        "x.requested_at, x.resolved_at, x.certificate_id, x.reason, x.position FROM "
        "(SELECT c.*, c.requested_position AS position FROM cert_requests c) x "
        "LEFT JOIN dir_organisations o ON o.id = x.issuer_id WHERE x.volunteer_id = ?"
    )
    return _newest_first(views, sql, CERTIFICATE_REQUEST_COLUMNS, volunteer_id, limit, after)


def my_certificates(
    views: ViewStore, volunteer_id: str, *, limit: int, after: tuple[str, str] | None
) -> Page:
    """The certificates issued to the volunteer, newest first, revoked ones marked."""
    sql = (
        "SELECT x.id, x.number, x.issuer_id, o.name, o.timezone, x.total_minutes, "
        "x.period_start, x.period_end, x.issued_at, x.status, x.revoked_at, x.reason, "
        "x.position FROM my_certificates x LEFT JOIN dir_organisations o ON o.id = x.issuer_id "
        "WHERE x.volunteer_id = ?"
    )
    return _newest_first(views, sql, CERTIFICATE_COLUMNS, volunteer_id, limit, after)


def my_correction_requests(
    views: ViewStore, volunteer_id: str, *, limit: int, after: tuple[str, str] | None
) -> Page:
    """The corrections the volunteer asked for on their records, newest first."""
    sql = (
        "SELECT x.id, x.record_id, r.organisation_id, o.timezone, r.service_date, r.minutes, "
        "x.minutes, x.reason, x.status, x.requested_at, x.resolved_at, x.accepted_minutes, "
        "x.decline_reason, x.position FROM my_correction_requests x "
        "JOIN rec_records r ON r.id = x.record_id "
        "LEFT JOIN dir_organisations o ON o.id = r.organisation_id WHERE r.volunteer_id = ?"
    )
    return _newest_first(views, sql, CORRECTION_REQUEST_COLUMNS, volunteer_id, limit, after)
