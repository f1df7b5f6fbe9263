"""Each volunteer's service records, with status, current minutes and full history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from domain.service_record import STATUS_AFTER, ServiceRecord
from domain.volunteer import Volunteer
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
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
    LedgerEvent,
)
from projections.stores.buffered import BufferedTable
from projections.stores.protocol import Transaction

RECORD_COLUMNS = (
    "id",
    "volunteer_id",
    "activity_id",
    "organisation_id",
    "shift_id",
    "source",
    "started_at",
    "ended_at",
    "service_date",
    "minutes",
    "status",
    "needs_review",
    "description",
    "beneficiary",
    "requested_minutes",
    "recorded_position",
    "history",
)
#: What each line of a record's ``history`` holds, as a JSON array: one line per event.
HISTORY_FIELDS = ("position", "event", "at", "actor", "minutes", "reason")


class ServiceRecords(Projection):
    """A volunteer's records as they stand, each with a line of history per event.

    The history lives in the record's row, appended to, rather than in a table of its own:
    another table would be another index updated at random for every event, and more rows
    to write. Rows are held through each batch and written at its end (``BufferedTable``): a
    record recorded and approved in one batch is one insert.
    """

    name = "service_records"
    indexes = (
        "rec_records_volunteer ON rec_records (volunteer_id, started_at, id)",
        "rec_records_queue ON rec_records (status, organisation_id, recorded_position)",
    )
    version = 2
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *RECOGNITION_EVENTS,
            *ORGANISATION_EVENTS,
            *(VOLUNTEER_EVENTS - {Volunteer.Erased}),
            *UNIQUE_KEY_EVENTS,
            *ACTIVITY_EVENTS,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *ATTENDANCE_EVENTS,
        }
    )

    def __init__(self) -> None:
        self._records = BufferedTable("rec_records", RECORD_COLUMNS)

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS rec_records (
                id TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL, activity_id TEXT NOT NULL,
                organisation_id TEXT NOT NULL, shift_id TEXT, source TEXT NOT NULL,
                started_at TEXT NOT NULL, ended_at TEXT NOT NULL, service_date TEXT NOT NULL,
                minutes INTEGER NOT NULL, status TEXT NOT NULL, needs_review INTEGER NOT NULL,
                description TEXT NOT NULL, beneficiary TEXT, requested_minutes INTEGER,
                recorded_position BIGINT NOT NULL, history TEXT NOT NULL)"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS rec_records")
        tx.execute("DROP TABLE IF EXISTS rec_history")  # version 1 kept the history there

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        self._records.clear()
        super().apply_batch(tx, events)
        self._records.write(tx)

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: ServiceRecord.Recorded, position: int) -> None:
        self._records.insert(
            str(e.originator_id),
            str(e.volunteer_id),
            str(e.activity_id),
            str(e.organisation_id),
            None if e.shift_id is None else str(e.shift_id),
            e.source,
            e.started_at.isoformat(),
            e.ended_at.isoformat(),
            e.service_date.isoformat(),
            e.minutes,
            "pending",
            int(e.needs_review),
            e.description or "",
            e.beneficiary,
            None,
            position,
            _history_line(e, position, e.minutes),
        )

    @on(ServiceRecord.Approved, ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _status(
        self,
        tx: Transaction,
        e: ServiceRecord.Approved | ServiceRecord.Rejected | ServiceRecord.Revoked,
        position: int,
    ) -> None:
        record = str(e.originator_id)
        self._records.update(record, status=STATUS_AFTER[type(e)], requested_minutes=None)
        self._records.append(record, "history", _history_line(e, position))

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: ServiceRecord.Corrected, position: int) -> None:
        record = str(e.originator_id)
        self._records.update(record, minutes=e.minutes)
        self._records.append(record, "history", _history_line(e, position, e.minutes))

    @on(ServiceRecord.CorrectionRequested)
    def _requested(
        self, tx: Transaction, e: ServiceRecord.CorrectionRequested, position: int
    ) -> None:
        record = str(e.originator_id)
        self._records.update(record, requested_minutes=e.minutes)
        self._records.append(record, "history", _history_line(e, position, e.minutes))

    @on(ServiceRecord.Confirmed)
    def _confirmed(self, tx: Transaction, e: ServiceRecord.Confirmed, position: int) -> None:
        record = str(e.originator_id)
        self._records.append(record, "history", _history_line(e, position, e.minutes))

    @on(ServiceRecord.CorrectionRequestAccepted, ServiceRecord.CorrectionRequestDeclined)
    def _resolved(
        self,
        tx: Transaction,
        e: ServiceRecord.CorrectionRequestAccepted | ServiceRecord.CorrectionRequestDeclined,
        position: int,
    ) -> None:
        record = str(e.originator_id)
        self._records.update(record, requested_minutes=None)
        minutes = getattr(e, "minutes", None)
        self._records.append(record, "history", _history_line(e, position, minutes))

    @on(Volunteer.Erased)
    def _erased(self, tx: Transaction, e: Volunteer.Erased, position: int) -> None:
        """An erased volunteer's records keep their minutes and statuses, not the free text
        written about them: descriptions, beneficiaries and the reasons in their histories.
        What the batch holds so far is written first, so that the change reaches it too."""
        self._records.write(tx)
        volunteer_id = str(e.originator_id)
        rows = tx.query(
            "SELECT id, history FROM rec_records WHERE volunteer_id = ?", (volunteer_id,)
        )
        tx.execute_many(
            "UPDATE rec_records SET description = '', beneficiary = NULL, history = ? WHERE id = ?",
            [(_without_reasons(history), record_id) for record_id, history in rows],
        )


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # made once: faster


def _history_line(e: LedgerEvent, position: int, minutes: int | None = None) -> str:
    """The event's line of the record's history (``HISTORY_FIELDS``), newline included."""
    fields = [
        position,
        type(e).__name__,
        e.timestamp.isoformat(),
        e.actor,
        minutes,
        getattr(e, "reason", None),
    ]
    return _json(fields) + "\n"


def _without_reasons(text: str) -> str:
    """A record's history with every reason dropped."""
    return "".join(
        _json([*entry[:-1], None]) + "\n" for entry in map(json.loads, text.split("\n")[:-1])
    )


def history_of(text: str) -> list[dict[str, Any]]:
    """A record's history as entries (``HISTORY_FIELDS``), oldest first."""
    # Not splitlines(): JSON leaves U+2028 and the like unescaped, but never a newline.
    lines = text.split("\n")[:-1]
    return [dict(zip(HISTORY_FIELDS, json.loads(line), strict=True)) for line in lines]
