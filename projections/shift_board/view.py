"""The shift board: each shift with its places, and its roster in order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from domain.activity import Activity
from domain.shift import Shift
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERVICE_RECORD_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
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
)
#: A place on a roster: its status and its ``seq``.
Place = tuple[str, int]


class ShiftBoard(Projection):
    """Shifts by activity, with confirmed and waitlisted counts, and who holds which place.

    The roster's ``seq`` is the position of the event that put a volunteer where they are:
    confirmed volunteers in the order they got their place, the waitlist in queue order.

    A batch is folded in memory and written at its end: the shifts through a
    ``BufferedTable`` (a shift scheduled in the batch is one insert with its final values, an
    older shift's changes one update); for each shift whose roster the batch changed, its
    roster is read once and the places that changed and the counts are written once. The
    counts are the roster's, as a recount after each change would give.
    """

    name = "shift_board"
    indexes = ("board_shifts_activity ON board_shifts (activity_id, starts_at, id)",)
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECEIPT_EVENTS,
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

    def __init__(self) -> None:
        #: The shifts, and the changes to older ones, held through each batch.
        self._shifts = BufferedTable("board_shifts", SHIFT_COLUMNS)
        self._start()

    def _start(self) -> None:
        self._shifts.clear()
        #: For each shift whose roster the batch changed, each volunteer's place now (None:
        #: none), and the shifts cancelled, whose places from before the batch are gone.
        self._places: dict[str, dict[str, Place | None]] = {}
        self._cleared: set[str] = set()

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS board_shifts (
                id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, organisation_id TEXT NOT NULL,
                starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, capacity INTEGER NOT NULL,
                confirmed INTEGER NOT NULL DEFAULT 0, waitlisted INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL, location TEXT, required_skills TEXT NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS board_roster (
                shift_id TEXT NOT NULL, volunteer_id TEXT NOT NULL, status TEXT NOT NULL,
                seq BIGINT NOT NULL, PRIMARY KEY (shift_id, volunteer_id))"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS board_shifts")
        tx.execute("DROP TABLE IF EXISTS board_roster")

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
        places[str(e.volunteer_id)] = (status, position)

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
        self._places[shift_id] = {}  # the counts follow at the end of the batch
        self._cleared.add(shift_id)
        self._shifts.update(shift_id, status="cancelled")

    def _write(self, tx: Transaction) -> None:
        """Each new shift, each older shift's counts, and each place that changed.

        The rosters of the older shifts changed are read here, once: a roster is then what it
        was (nothing, if the shift was cancelled) with the batch's places laid over it.
        """
        found: dict[str, dict[str, Place]] = {}
        for shift_id, volunteer_id, status, seq in select_in(
            tx,
            "SELECT shift_id, volunteer_id, status, seq FROM board_roster WHERE shift_id",
            [shift_id for shift_id in self._places if shift_id not in self._shifts.inserted],
        ):
            found.setdefault(shift_id, {})[volunteer_id] = (status, seq)
        deleted, changed, inserted = [], [], []
        for shift_id, places in self._places.items():
            before = found.get(shift_id, {})
            roster = {} if shift_id in self._cleared else dict(before)
            for volunteer_id, place in places.items():
                if place is None:
                    roster.pop(volunteer_id, None)
                else:
                    roster[volunteer_id] = place
            confirmed = sum(1 for status, _ in roster.values() if status == "confirmed")
            self._shifts.update(shift_id, confirmed=confirmed, waitlisted=len(roster) - confirmed)
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
                "UPDATE board_roster SET status = ?, seq = ? "
                "WHERE shift_id = ? AND volunteer_id = ?",
                changed,
            )
        if inserted:
            tx.insert_many("board_roster", ("shift_id", "volunteer_id", "status", "seq"), inserted)
        self._start()
