"""The supervision ledger's tables: what each holds, their columns, and how times are stored."""

from __future__ import annotations

from datetime import UTC, datetime

from projections.stores.protocol import Transaction


def utc_text(moment: datetime) -> str:
    """UTC to the microsecond, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def create_tables(tx: Transaction) -> None:
    """Organisations' time zones, shifts and attendance (what a no-show is dated and placed
    by), service records as they stand, single-organiser raises, and no-shows."""
    tx.execute(
        """CREATE TABLE IF NOT EXISTS supervision_organisations (
            id TEXT PRIMARY KEY, timezone TEXT NOT NULL)"""
    )
    tx.execute(
        """CREATE TABLE IF NOT EXISTS supervision_shifts (
            id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, activity_id TEXT NOT NULL,
            starts_at TEXT NOT NULL)"""
    )
    tx.execute(
        """CREATE TABLE IF NOT EXISTS supervision_attendance (
            id TEXT PRIMARY KEY, shift_id TEXT NOT NULL, volunteer_id TEXT NOT NULL)"""
    )
    tx.execute(
        """CREATE TABLE IF NOT EXISTS supervision_records (
            id TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL, activity_id TEXT NOT NULL,
            organisation_id TEXT NOT NULL, shift_id TEXT, service_date TEXT NOT NULL,
            minutes INTEGER NOT NULL, status TEXT NOT NULL, needs_review INTEGER NOT NULL,
            recorded_at TEXT NOT NULL, requested_minutes INTEGER, requested_at TEXT,
            request_reason TEXT, recorded_by TEXT NOT NULL, approved_by TEXT,
            confirmed_by TEXT, single_organiser INTEGER NOT NULL)"""
    )
    tx.execute(
        """CREATE TABLE IF NOT EXISTS supervision_raises (
            record_id TEXT NOT NULL, record_version INTEGER NOT NULL,
            previous_minutes INTEGER NOT NULL, minutes INTEGER NOT NULL,
            actor TEXT NOT NULL, corrected_at TEXT NOT NULL, reason TEXT NOT NULL,
            PRIMARY KEY (record_id, record_version))"""
    )
    tx.execute(
        """CREATE TABLE IF NOT EXISTS supervision_no_shows (
            attendance_id TEXT PRIMARY KEY, shift_id TEXT NOT NULL,
            volunteer_id TEXT NOT NULL, organisation_id TEXT NOT NULL,
            activity_id TEXT NOT NULL, starts_at TEXT NOT NULL, local_date TEXT NOT NULL,
            year TEXT NOT NULL, bimonth TEXT NOT NULL, month TEXT NOT NULL,
            marked_at TEXT NOT NULL, reason TEXT NOT NULL)"""
    )


def drop_tables(tx: Transaction) -> None:
    for table in ("organisations", "shifts", "attendance", "records", "raises", "no_shows"):
        tx.execute(f"DROP TABLE IF EXISTS supervision_{table}")


RECORD_COLUMNS = (
    "id",
    "volunteer_id",
    "activity_id",
    "organisation_id",
    "shift_id",
    "service_date",
    "minutes",
    "status",
    "needs_review",
    "recorded_at",
    "requested_minutes",
    "requested_at",
    "request_reason",
    "recorded_by",
    "approved_by",
    "confirmed_by",
    "single_organiser",
)
RAISE_COLUMNS = (
    "record_id",
    "record_version",
    "previous_minutes",
    "minutes",
    "actor",
    "corrected_at",
    "reason",
)

#: A no-show: its attendance, shift, volunteer, organisation, activity and start, the local
#: date and periods it is dated by, when it was marked and why.
INSERT_NO_SHOW = (
    "INSERT INTO supervision_no_shows (attendance_id, shift_id, volunteer_id, "
    "organisation_id, activity_id, starts_at, local_date, year, bimonth, month, "
    "marked_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

#: A no-show's facts from older rows: given an attendance, its shift and volunteer, the
#: shift's organisation, activity and start, and the organisation's time zone.
ATTENDANCE_FACTS = (
    "SELECT a.shift_id, a.volunteer_id, s.organisation_id, s.activity_id, "
    "s.starts_at, o.timezone FROM supervision_attendance a "
    "JOIN supervision_shifts s ON s.id = a.shift_id "
    "JOIN supervision_organisations o ON o.id = s.organisation_id WHERE a.id = ?"
)
#: Given a shift: its organisation, activity and start, and the organisation's time zone.
SHIFT_FACTS = (
    "SELECT s.organisation_id, s.activity_id, s.starts_at, o.timezone "
    "FROM supervision_shifts s "
    "JOIN supervision_organisations o ON o.id = s.organisation_id WHERE s.id = ?"
)
#: The tables a batch adds rows to, with their columns, before the records' changes.
NEW_ROW_COLUMNS = {
    "supervision_organisations": ("id", "timezone"),
    "supervision_shifts": ("id", "organisation_id", "activity_id", "starts_at"),
    "supervision_attendance": ("id", "shift_id", "volunteer_id"),
    "supervision_raises": RAISE_COLUMNS,
}
