"""The shift board: each shift with its places, its roster in order, and who attended.

Past 300 lines on purpose: the roster and its attendance are one read model (the roster shows
both, from one set of tables), and its batched roster writes need the folding below.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from domain.activity import Activity
from domain.attendance import Attendance
from domain.shift import Shift
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERIES_EVENTS,
    SERVICE_RECORD_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
    LedgerEvent,
)
from projections.stores.buffered import BufferedTable
from projections.stores.lookups import select_in
from projections.stores.protocol import Transaction

SHIFT_COLUMNS = (
    "id",
    "activity_id",
    "organisation_id",
    "starts_at",
    "ends_at",
    "capacity",
    "confirmed",
    "waitlisted",
    "status",
    "location",
    "required_skills",
    "cancelled_at",
    "cancel_reason",
)
#: A roster row's status once its shift is cancelled; ``held`` keeps the place it was.
CANCELLED_WITH_SHIFT = "cancelled_with_shift"
#: A place on a roster: its status, its ``seq`` and the place held (``confirmed`` or
#: ``waitlisted``; the status too, until the shift is cancelled).
Place = tuple[str, int, str]


class ShiftBoard(Projection):
    """Shifts by activity, with confirmed and waitlisted counts, who holds which place, and
    each one's attendance.

    The roster's ``seq`` is the position of the event that put a volunteer where they are:
    confirmed volunteers in the order they got their place, the waitlist in queue order. A
    cancelled shift keeps its roster: each row's status becomes ``cancelled_with_shift``, its
    ``held`` says which place it was, and the shift row keeps ``cancelled_at`` and
    ``cancel_reason``, so a volunteer's list of shifts can show the cancellation and why. A
    sign-up the volunteer cancels leaves the roster.

    ``board_attendance`` holds one row per attendance (check-in, check-out, no-show), which the
    roster joins on shift and volunteer.

    A batch is folded in memory and written at its end: the shifts through a
    ``BufferedTable`` (a shift scheduled in the batch is one insert with its final values, an
    older shift's changes one update); for each shift whose roster the batch changed, its
    roster is read once and the places that changed and the counts are written once. The
    counts are the roster's, as a recount after each change would give.
    """

    name = "shift_board"
    version = 2
    indexes = (
        "board_shifts_activity ON board_shifts (activity_id, starts_at, id)",
        "board_roster_volunteer ON board_roster (volunteer_id)",
        "board_attendance_place ON board_attendance (shift_id, volunteer_id)",
    )
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *RECOGNITION_EVENTS,
            Activity.Created,
            Activity.ShiftAdded,
            Activity.Closed,
            *ORGANISATION_EVENTS,
            *VOLUNTEER_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *TIMESHEET_EVENTS,
            *SERVICE_RECORD_EVENTS,
        }
    )

    def __init__(self) -> None:
        #: The shifts, and the changes to older ones, held through each batch.
        self._shifts = BufferedTable("board_shifts", SHIFT_COLUMNS)
        self._start()

    def _start(self) -> None:
        self._shifts.clear()
        #: For each shift whose roster the batch changed, each volunteer's place now (None:
        #: none), and the shifts cancelled, whose places all become cancelled with them.
        self._places: dict[str, dict[str, Place | None]] = {}
        self._cancelled_shifts: set[str] = set()

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS board_shifts (
                id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, organisation_id TEXT NOT NULL,
                starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, capacity INTEGER NOT NULL,
                confirmed INTEGER NOT NULL DEFAULT 0, waitlisted INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL, location TEXT, required_skills TEXT NOT NULL,
                cancelled_at TEXT, cancel_reason TEXT)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS board_roster (
                shift_id TEXT NOT NULL, volunteer_id TEXT NOT NULL, status TEXT NOT NULL,
                seq BIGINT NOT NULL, held TEXT NOT NULL, PRIMARY KEY (shift_id, volunteer_id))"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS board_attendance (
                id TEXT PRIMARY KEY, shift_id TEXT NOT NULL, volunteer_id TEXT NOT NULL,
                checked_in_at TEXT, checked_out_at TEXT, no_show INTEGER NOT NULL DEFAULT 0,
                needs_review INTEGER NOT NULL DEFAULT 0)"""
        )

    def drop(self, tx: Transaction) -> None:
        for table in ("board_shifts", "board_roster", "board_attendance"):
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        self._start()
        super().apply_batch(tx, events)
        self._write(tx)

    @on(Shift.Scheduled)
    def _scheduled(self, tx: Transaction, e: Shift.Scheduled, position: int) -> None:
        self._shifts.insert(
            str(e.originator_id),
            str(e.activity_id),
            str(e.organisation_id),
            e.starts_at.isoformat(),
            e.ends_at.isoformat(),
            e.capacity,
            0,
            0,
            "scheduled",
            e.location,
            json.dumps(e.required_skills, ensure_ascii=False),
            None,
            None,
        )

    @on(Shift.VolunteerSignedUp, Shift.VolunteerWaitlisted, Shift.VolunteerPromoted)
    def _placed(
        self,
        tx: Transaction,
        e: Shift.VolunteerSignedUp | Shift.VolunteerWaitlisted | Shift.VolunteerPromoted,
        position: int,
    ) -> None:
        status = "waitlisted" if type(e) is Shift.VolunteerWaitlisted else "confirmed"
        places = self._places.setdefault(str(e.originator_id), {})
        places[str(e.volunteer_id)] = (status, position, status)

    @on(Shift.SignUpCancelled)
    def _cancelled_sign_up(self, tx: Transaction, e: Shift.SignUpCancelled, position: int) -> None:
        self._places.setdefault(str(e.originator_id), {})[str(e.volunteer_id)] = None

    @on(Shift.CapacityChanged)
    def _capacity(self, tx: Transaction, e: Shift.CapacityChanged, position: int) -> None:
        self._shifts.update(str(e.originator_id), capacity=e.capacity)

    @on(Shift.Rescheduled)
    def _rescheduled(self, tx: Transaction, e: Shift.Rescheduled, position: int) -> None:
        self._shifts.update(
            str(e.originator_id),
            starts_at=e.starts_at.isoformat(),
            ends_at=e.ends_at.isoformat(),
        )

    @on(Shift.Cancelled)
    def _cancelled(self, tx: Transaction, e: Shift.Cancelled, position: int) -> None:
        shift_id = str(e.originator_id)
        self._places.setdefault(shift_id, {})  # its places and counts follow at the batch's end
        self._cancelled_shifts.add(shift_id)
        self._shifts.update(
            shift_id,
            status="cancelled",
            cancelled_at=_utc(e.timestamp),
            cancel_reason=e.reason,
        )

    @on(Attendance.Opened)
    def _attendance_opened(self, tx: Transaction, e: Attendance.Opened, position: int) -> None:
        tx.execute(
            "INSERT INTO board_attendance (id, shift_id, volunteer_id) VALUES (?, ?, ?)",
            (str(e.originator_id), str(e.shift_id), str(e.volunteer_id)),
        )

    @on(Attendance.CheckedIn)
    def _checked_in(self, tx: Transaction, e: Attendance.CheckedIn, position: int) -> None:
        self._attendance(tx, e, checked_in_at=_utc(e.at))

    @on(Attendance.CheckedOut)
    def _checked_out(self, tx: Transaction, e: Attendance.CheckedOut, position: int) -> None:
        self._attendance(tx, e, checked_out_at=_utc(e.at))

    @on(Attendance.ClosedAutomatically)
    def _closed(self, tx: Transaction, e: Attendance.ClosedAutomatically, position: int) -> None:
        self._attendance(tx, e, checked_out_at=_utc(e.at), needs_review=1)

    @on(Attendance.RecordedFromSheet)
    def _from_sheet(self, tx: Transaction, e: Attendance.RecordedFromSheet, position: int) -> None:
        self._attendance(
            tx,
            e,
            checked_in_at=_utc(e.checked_in_at),
            checked_out_at=_utc(e.checked_out_at),
            needs_review=0,
        )

    @on(Attendance.NoShowMarked, Attendance.NoShowUndone)
    def _no_show(
        self,
        tx: Transaction,
        e: Attendance.NoShowMarked | Attendance.NoShowUndone,
        position: int,
    ) -> None:
        self._attendance(tx, e, no_show=int(isinstance(e, Attendance.NoShowMarked)))

    def _attendance(self, tx: Transaction, e: LedgerEvent, **values: object) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)
        tx.execute(
            f"UPDATE board_attendance SET {columns} WHERE id = ?",
            (*values.values(), str(e.originator_id)),
        )

    def _write(self, tx: Transaction) -> None:
        """Each new shift, each older shift's counts, and each place that changed.

        The rosters of the older shifts changed are read here, once: a roster is then what it
        was with the batch's places laid over it, and every place cancelled with its shift if
        the shift was cancelled (nothing can change on a roster after that).
        """
        found: dict[str, dict[str, Place]] = {}
        for shift_id, volunteer_id, status, seq, held in select_in(
            tx,
            "SELECT shift_id, volunteer_id, status, seq, held FROM board_roster WHERE shift_id",
            [shift_id for shift_id in self._places if shift_id not in self._shifts.inserted],
        ):
            found.setdefault(shift_id, {})[volunteer_id] = (status, seq, held)
        deleted, changed, inserted = [], [], []
        for shift_id, places in self._places.items():
            before = found.get(shift_id, {})
            roster = dict(before)
            for volunteer_id, place in places.items():
                if place is None:
                    roster.pop(volunteer_id, None)
                else:
                    roster[volunteer_id] = place
            if shift_id in self._cancelled_shifts:
                roster = {
                    v: (CANCELLED_WITH_SHIFT, seq, held) for v, (_, seq, held) in roster.items()
                }
            confirmed = sum(1 for status, _, _ in roster.values() if status == "confirmed")
            waitlisted = sum(1 for status, _, _ in roster.values() if status == "waitlisted")
            self._shifts.update(shift_id, confirmed=confirmed, waitlisted=waitlisted)
            for volunteer_id, place in before.items():
                now = roster.get(volunteer_id)
                if now is None:
                    deleted.append((shift_id, volunteer_id))
                elif now != place:
                    changed.append((*now, shift_id, volunteer_id))
            inserted += [
                (shift_id, volunteer_id, *place)
                for volunteer_id, place in roster.items()
                if volunteer_id not in before
            ]
        self._shifts.write(tx)
        if deleted:
            tx.execute_many(
                "DELETE FROM board_roster WHERE shift_id = ? AND volunteer_id = ?", deleted
            )
        if changed:
            tx.execute_many(
                "UPDATE board_roster SET status = ?, seq = ?, held = ? "
                "WHERE shift_id = ? AND volunteer_id = ?",
                changed,
            )
        if inserted:
            tx.insert_many(
                "board_roster", ("shift_id", "volunteer_id", "status", "seq", "held"), inserted
            )
        self._start()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
