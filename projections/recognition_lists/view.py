"""Published recognition lists as they stand, to find them by organisation, period and category."""

from __future__ import annotations

from typing import ClassVar

from domain.recognition import RecognitionList
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECEIPT_EVENTS,
    SERIES_EVENTS,
    SERVICE_RECORD_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.stores.protocol import Transaction

LIST_COLUMNS = (
    "id",
    "organisation_id",
    "period",
    "category",
    "title",
    "entries",
    "published_at",
    "published_position",
    "publicity_ends_at",
    "open_objections",
    "final",
)


class RecognitionLists(Projection):
    """One row per published list: where and when it was published, how many places it has,
    its open objections and whether it is final. The entries stay in the ledger (the list's
    own page reads them there), so no name is kept here."""

    name = "recognition_lists"
    indexes = ("rec_lists_scope ON rec_lists (organisation_id, published_position)",)
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *ATTENDANCE_EVENTS,
            *CERTIFICATE_EVENTS,
            *ORGANISATION_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *SERVICE_RECORD_EVENTS,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *VOLUNTEER_EVENTS,
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS rec_lists (
                id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, period TEXT NOT NULL,
                category TEXT, title TEXT NOT NULL, entries INTEGER NOT NULL,
                published_at TEXT NOT NULL, published_position BIGINT NOT NULL,
                publicity_ends_at TEXT NOT NULL, open_objections INTEGER NOT NULL,
                final INTEGER NOT NULL)"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS rec_lists")

    @on(RecognitionList.Published)
    def _published(self, tx: Transaction, e: RecognitionList.Published, position: int) -> None:
        tx.insert_many(
            "rec_lists",
            LIST_COLUMNS,
            [
                (
                    str(e.originator_id),
                    str(e.organisation_id),
                    e.period,
                    e.category,
                    e.title,
                    len(e.entries),
                    e.timestamp.isoformat(),
                    position,
                    e.publicity_ends_at.isoformat(),
                    0,
                    0,
                )
            ],
        )

    @on(RecognitionList.ObjectionFiled)
    def _filed(self, tx: Transaction, e: RecognitionList.ObjectionFiled, position: int) -> None:
        tx.execute(
            "UPDATE rec_lists SET open_objections = open_objections + 1 WHERE id = ?",
            (str(e.originator_id),),
        )

    @on(RecognitionList.ObjectionResolved)
    def _resolved(
        self, tx: Transaction, e: RecognitionList.ObjectionResolved, position: int
    ) -> None:
        tx.execute(
            "UPDATE rec_lists SET open_objections = open_objections - 1 WHERE id = ?",
            (str(e.originator_id),),
        )

    @on(RecognitionList.Finalised)
    def _finalised(self, tx: Transaction, e: RecognitionList.Finalised, position: int) -> None:
        tx.execute("UPDATE rec_lists SET final = 1 WHERE id = ?", (str(e.originator_id),))
