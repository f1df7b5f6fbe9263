"""The staff read model: staff accounts and their standing appointments as organisers."""

from __future__ import annotations

from typing import ClassVar

from domain.account import Account
from projections.base import Projection, on
from projections.events import (
    ACTIVITY_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERIES_EVENTS,
    SERVICE_RECORD_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.stores.protocol import Transaction


class Staff(Projection):
    """Each staff account (username, display name, disabled or not) and each appointment that
    stands: an organiser's appointment is a row from ``OrganiserAppointed`` until
    ``OrganiserDismissed``. Volunteers' own accounts have no username and are left out."""

    name = "staff"
    indexes = ("staff_appointments_org ON staff_appointments (organisation_id)",)
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACTIVITY_EVENTS,
            *ATTENDANCE_EVENTS,
            *CERTIFICATE_EVENTS,
            *ORGANISATION_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *RECOGNITION_EVENTS,
            *SERVICE_RECORD_EVENTS,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *VOLUNTEER_EVENTS,
            Account.PasswordChanged,
            Account.LoggedOut,
            Account.PasswordResetIssued,
            Account.CalendarFeedRotated,
            Account.PasswordReset,
            Account.Erased,  # only a volunteer's own account is erased, never a staff one
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS staff_accounts (
                id TEXT PRIMARY KEY, username TEXT NOT NULL, display_name TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS staff_appointments (
                account_id TEXT NOT NULL, organisation_id TEXT NOT NULL,
                appointed_at TEXT NOT NULL, appointed_by TEXT NOT NULL,
                PRIMARY KEY (account_id, organisation_id))"""
        )

    def drop(self, tx: Transaction) -> None:
        for table in ("staff_accounts", "staff_appointments"):
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    @on(Account.Created)
    def _created(self, tx: Transaction, e: Account.Created, position: int) -> None:
        if e.username is not None:
            tx.execute(
                "INSERT INTO staff_accounts (id, username, display_name) VALUES (?, ?, ?)",
                (str(e.originator_id), e.username, e.display_name or e.username),
            )

    @on(Account.OrganiserAppointed)
    def _appointed(self, tx: Transaction, e: Account.OrganiserAppointed, position: int) -> None:
        tx.execute(
            "INSERT INTO staff_appointments VALUES (?, ?, ?, ?)",
            (str(e.originator_id), str(e.organisation_id), e.timestamp.isoformat(), e.actor),
        )

    @on(Account.OrganiserDismissed)
    def _dismissed(self, tx: Transaction, e: Account.OrganiserDismissed, position: int) -> None:
        tx.execute(
            "DELETE FROM staff_appointments WHERE account_id = ? AND organisation_id = ?",
            (str(e.originator_id), str(e.organisation_id)),
        )

    @on(Account.Disabled, Account.Enabled)
    def _disabled(
        self, tx: Transaction, e: Account.Disabled | Account.Enabled, position: int
    ) -> None:
        tx.execute(
            "UPDATE staff_accounts SET disabled = ? WHERE id = ?",
            (int(isinstance(e, Account.Disabled)), str(e.originator_id)),
        )
