"""Hours: each service record's current minutes, status, category and periods.

Summaries, leaderboards and organisation rankings are sums over this table, so a correction or
a revocation changes them at once, and a star level can go down as well as up.
"""

from __future__ import annotations

from typing import Any, ClassVar

from domain.activity import Activity
from domain.periods import periods_of
from domain.service_record import ServiceRecord
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECOGNITION_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.store import Transaction

STATUS_AFTER = {
    ServiceRecord.Approved: "approved",
    ServiceRecord.Rejected: "rejected",
    ServiceRecord.Revoked: "revoked",
}


class Hours(Projection):
    name = "hours"
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            Activity.ShiftAdded,
            Activity.Closed,
            ServiceRecord.CorrectionRequested,
            ServiceRecord.CorrectionRequestAccepted,
            ServiceRecord.CorrectionRequestDeclined,
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
            *ATTENDANCE_EVENTS,
            *ORGANISATION_EVENTS,
            *RECOGNITION_EVENTS,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *VOLUNTEER_EVENTS,
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS hours_activities (
                id TEXT PRIMARY KEY, category TEXT NOT NULL, organisation_id TEXT NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS hours_records (
                id TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL, activity_id TEXT NOT NULL,
                organisation_id TEXT NOT NULL, category TEXT NOT NULL,
                service_date TEXT NOT NULL, year TEXT NOT NULL, bimonth TEXT NOT NULL,
                month TEXT NOT NULL, minutes INTEGER NOT NULL, status TEXT NOT NULL)"""
        )
        tx.execute(
            "CREATE INDEX IF NOT EXISTS hours_records_volunteer ON hours_records (volunteer_id)"
        )
        tx.execute(
            "CREATE INDEX IF NOT EXISTS hours_records_status_date "
            "ON hours_records (status, service_date)"
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS hours_activities")
        tx.execute("DROP TABLE IF EXISTS hours_records")

    @on(Activity.Created)
    def _activity(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO hours_activities (id, category, organisation_id) VALUES (?, ?, ?)",
            (str(e.originator_id), e.category, str(e.organisation_id)),
        )

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: Any, position: int) -> None:
        [(category,)] = tx.query(
            "SELECT category FROM hours_activities WHERE id = ?", (str(e.activity_id),)
        )
        periods = periods_of(e.service_date)
        tx.execute(
            "INSERT INTO hours_records (id, volunteer_id, activity_id, organisation_id, category, "
            "service_date, year, bimonth, month, minutes, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
            (
                str(e.originator_id),
                str(e.volunteer_id),
                str(e.activity_id),
                str(e.organisation_id),
                category,
                e.service_date.isoformat(),
                periods["year"],
                periods["bimonth"],
                periods["month"],
                e.minutes,
            ),
        )

    @on(ServiceRecord.Approved, ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _status(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE hours_records SET status = ? WHERE id = ?",
            (STATUS_AFTER[type(e)], str(e.originator_id)),
        )

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE hours_records SET minutes = ? WHERE id = ?", (e.minutes, str(e.originator_id))
        )
