"""Queries over the activity statistics: an activity's totals and each of its shifts."""

from __future__ import annotations

from typing import Any

from projections.stores.protocol import ViewStore

COUNTS = ("sign_ups", "confirmed", "waitlisted", "attended", "no_shows")


def attendance_rate_percent(attended: int, no_shows: int) -> int | None:
    """attended / (attended + no-shows) as a whole percentage, rounded half up; None when
    nobody has been counted either way yet."""
    counted = attended + no_shows
    if counted == 0:
        return None
    return (200 * attended + counted) // (2 * counted)


def activity_statistics(views: ViewStore, activity_id: str) -> dict[str, Any]:
    """The activity's totals and its shifts by start time.

    Sign-ups count every sign-up ever made (a volunteer who cancels and signs up again counts
    twice); confirmed and waitlisted are the places held now. The activity's approved minutes
    and beneficiaries include its records made outside shifts, so they can exceed the sum
    of its shifts'.
    """
    params = (activity_id,)
    shifts: dict[str, dict[str, Any]] = {}
    for shift_id, starts_at, ends_at, status, sign_ups in views.query(
        "SELECT id, starts_at, ends_at, status, sign_ups FROM activity_stats_shifts "
        "WHERE activity_id = ? ORDER BY starts_at, id",
        params,
    ):
        shifts[shift_id] = {
            "shift_id": shift_id,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "status": status,
            **dict.fromkeys(COUNTS, 0),
            "sign_ups": int(sign_ups),
            "approved_minutes": 0,
            "beneficiaries": 0,
        }
    for shift_id, status, count in views.query(
        "SELECT shift_id, status, COUNT(*) FROM activity_stats_places WHERE activity_id = ? "
        "GROUP BY shift_id, status",
        params,
    ):
        shifts[shift_id][status] = int(count)
    for shift_id, attended, no_shows in views.query(
        "SELECT shift_id, SUM(attended), SUM(no_show) FROM activity_stats_attendance "
        "WHERE activity_id = ? GROUP BY shift_id",
        params,
    ):
        shifts[shift_id].update(attended=int(attended), no_shows=int(no_shows))
    approved = (
        "SELECT {group}COALESCE(SUM(minutes), 0), COUNT(DISTINCT beneficiary) "
        "FROM activity_stats_records WHERE activity_id = ? AND status = 'approved'"
    )
    for shift_id, minutes, beneficiaries in views.query(
        approved.format(group="shift_id, ") + " AND shift_id IS NOT NULL GROUP BY shift_id",
        params,
    ):
        shifts[shift_id].update(approved_minutes=int(minutes), beneficiaries=int(beneficiaries))
    [(minutes, beneficiaries)] = views.query(approved.format(group=""), params)
    totals: dict[str, Any] = {
        name: sum(shift[name] for shift in shifts.values()) for name in COUNTS
    }
    totals.update(approved_minutes=int(minutes), beneficiaries=int(beneficiaries))
    for counts in (totals, *shifts.values()):
        counts["attendance_rate_percent"] = attendance_rate_percent(
            counts["attended"], counts["no_shows"]
        )
    return {"activity_id": activity_id, "totals": totals, "shifts": list(shifts.values())}
