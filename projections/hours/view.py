"""Hours: each service record's current minutes, status, category and periods.

Summaries and organisation rankings are sums over this table, so a correction or a revocation
changes them at once, and a star level can go down as well as up. Leaderboards rank the totals
kept beside it in the same transaction (``projections.hours.totals``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from domain.activity import Activity
from domain.periods import periods_of
from domain.service_record import STATUS_AFTER, ServiceRecord
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERIES_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.hours import totals
from projections.stores.buffered import BufferedTable
from projections.stores.protocol import Transaction

ACTIVITY_COLUMNS = ("id", "category", "organisation_id")
RECORD_COLUMNS = (
    "id",
    "volunteer_id",
    "activity_id",
    "organisation_id",
    "category",
    "service_date",
    "year",
    "bimonth",
    "month",
    "minutes",
    "status",
)


class Hours(Projection):
    """Rows are held through each batch and written at its end (``BufferedTable``); the
    activities' categories stay in memory from one batch to the next."""

    name = "hours"
    version = 2  # 2: hours_totals, the approved minutes the leaderboards rank
    indexes = (
        totals.RANK_INDEX,
        "hours_records_volunteer ON hours_records (volunteer_id)",
        "hours_records_status_date ON hours_records (status, service_date)",
    )
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            Activity.ShiftAdded,
            Activity.Closed,
            ServiceRecord.CorrectionRequested,
            ServiceRecord.CorrectionRequestAccepted,
            ServiceRecord.CorrectionRequestDeclined,
            ServiceRecord.Confirmed,  # minutes and status stay as they are
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

    def __init__(self) -> None:
        self._activities = BufferedTable("hours_activities", ACTIVITY_COLUMNS)
        self._records = BufferedTable("hours_records", RECORD_COLUMNS)
        #: Each activity's category, to file its records under; read from the table at first.
        self._categories: dict[str, str] = {}
        self._categories_read = False

    def forget(self) -> None:
        self._categories = {}
        self._categories_read = False

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
        tx.execute(totals.CREATE)

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS hours_activities")
        tx.execute("DROP TABLE IF EXISTS hours_records")
        tx.execute("DROP TABLE IF EXISTS hours_totals")

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        if not self._categories_read:
            self._categories = dict(tx.query("SELECT id, category FROM hours_activities"))
            self._categories_read = True
        self._activities.clear()
        self._records.clear()
        super().apply_batch(tx, events)
        totals.write(tx, totals.changes(tx, self._records))
        self._activities.write(tx)
        self._records.write(tx)

    @on(Activity.Created)
    def _activity(self, tx: Transaction, e: Activity.Created, position: int) -> None:
        activity = str(e.originator_id)
        self._activities.insert(activity, e.category, str(e.organisation_id))
        self._categories[activity] = e.category

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: ServiceRecord.Recorded, position: int) -> None:
        activity = str(e.activity_id)
        self._records.insert(
            str(e.originator_id),
            str(e.volunteer_id),
            activity,
            str(e.organisation_id),
            self._categories[activity],
            *_date_columns(e.service_date),
            e.minutes,
            "pending",
        )

    @on(ServiceRecord.Approved, ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _status(
        self,
        tx: Transaction,
        e: ServiceRecord.Approved | ServiceRecord.Rejected | ServiceRecord.Revoked,
        position: int,
    ) -> None:
        self._records.update(str(e.originator_id), status=STATUS_AFTER[type(e)])

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: ServiceRecord.Corrected, position: int) -> None:
        self._records.update(str(e.originator_id), minutes=e.minutes)


def _date_columns(day: date) -> tuple[str, str, str, str]:
    """The service date and its periods, as stored."""
    periods = periods_of(day)
    return day.isoformat(), periods["year"], periods["bimonth"], periods["month"]
