"""The shift board: each shift with its places, and its roster in order."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from domain.activity import Activity
from domain.shift import Shift
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECOGNITION_EVENTS,
    SERVICE_RECORD_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.store import Transaction


class ShiftBoard(Projection):
    """Shifts by activity, with confirmed and waitlisted counts, and who holds which place.

    The roster's ``seq`` is the position of the event that put a volunteer where they are:
    confirmed volunteers in the order they got their place, the waitlist in queue order.
    """

    name = "shift_board"
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECOGNITION_EVENTS,
            Activity.Created,
            Activity.ShiftAdded,
            Activity.Closed,
            *ORGANISATION_EVENTS,
            *VOLUNTEER_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *TIMESHEET_EVENTS,
            *ATTENDANCE_EVENTS,
            *SERVICE_RECORD_EVENTS,
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS board_shifts (
                id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, organisation_id TEXT NOT NULL,
                starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, capacity INTEGER NOT NULL,
                confirmed INTEGER NOT NULL DEFAULT 0, waitlisted INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL, location TEXT, required_skills TEXT NOT NULL)"""
        )
        tx.execute(
            "CREATE INDEX IF NOT EXISTS board_shifts_activity "
            "ON board_shifts (activity_id, starts_at, id)"
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS board_roster (
                shift_id TEXT NOT NULL, volunteer_id TEXT NOT NULL, status TEXT NOT NULL,
                seq BIGINT NOT NULL, PRIMARY KEY (shift_id, volunteer_id))"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS board_shifts")
        tx.execute("DROP TABLE IF EXISTS board_roster")

    @on(Shift.Scheduled)
    def _scheduled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO board_shifts (id, activity_id, organisation_id, starts_at, ends_at, "
            "capacity, status, location, required_skills) "
            "VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)",
            (
                str(e.originator_id),
                str(e.activity_id),
                str(e.organisation_id),
                e.starts_at.isoformat(),
                e.ends_at.isoformat(),
                e.capacity,
                e.location,
                json.dumps(e.required_skills, ensure_ascii=False),
            ),
        )

    @on(Shift.VolunteerSignedUp, Shift.VolunteerWaitlisted, Shift.VolunteerPromoted)
    def _placed(self, tx: Transaction, e: Any, position: int) -> None:
        status = "waitlisted" if isinstance(e, Shift.VolunteerWaitlisted) else "confirmed"
        shift_id, volunteer_id = str(e.originator_id), str(e.volunteer_id)
        tx.execute(
            "DELETE FROM board_roster WHERE shift_id = ? AND volunteer_id = ?",
            (shift_id, volunteer_id),
        )
        tx.execute(
            "INSERT INTO board_roster (shift_id, volunteer_id, status, seq) VALUES (?, ?, ?, ?)",
            (shift_id, volunteer_id, status, position),
        )
        self._recount(tx, shift_id)

    @on(Shift.SignUpCancelled)
    def _cancelled_sign_up(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "DELETE FROM board_roster WHERE shift_id = ? AND volunteer_id = ?",
            (str(e.originator_id), str(e.volunteer_id)),
        )
        self._recount(tx, str(e.originator_id))

    @on(Shift.CapacityChanged)
    def _capacity(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE board_shifts SET capacity = ? WHERE id = ?", (e.capacity, str(e.originator_id))
        )

    @on(Shift.Rescheduled)
    def _rescheduled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE board_shifts SET starts_at = ?, ends_at = ? WHERE id = ?",
            (e.starts_at.isoformat(), e.ends_at.isoformat(), str(e.originator_id)),
        )

    @on(Shift.Cancelled)
    def _cancelled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute("DELETE FROM board_roster WHERE shift_id = ?", (str(e.originator_id),))
        tx.execute(
            "UPDATE board_shifts SET status = 'cancelled', confirmed = 0, waitlisted = 0 "
            "WHERE id = ?",
            (str(e.originator_id),),
        )

    @staticmethod
    def _recount(tx: Transaction, shift_id: str) -> None:
        tx.execute(
            "UPDATE board_shifts SET "
            "confirmed = (SELECT COUNT(*) FROM board_roster "
            "WHERE shift_id = ? AND status = 'confirmed'), "
            "waitlisted = (SELECT COUNT(*) FROM board_roster "
            "WHERE shift_id = ? AND status = 'waitlisted') WHERE id = ?",
            (shift_id, shift_id, shift_id),
        )
