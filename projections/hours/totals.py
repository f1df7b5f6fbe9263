"""Approved minutes per volunteer, period and category, kept as records change.

A leaderboard reads its ranking from these totals instead of summing every approved record on
each request, so what it costs follows the number of volunteers, not the length of the ledger.

Each approved record counts under four period keys (``all``, its year, bi-month and month:
the texts of ``domain.periods.Period``) and two categories: its own and ``EVERY_CATEGORY``
(``""``, which no deployment's category can be: ``Policy`` refuses empty names). The
change a batch makes is what its records count for after it minus what they counted for
before it, added to the rows of ``hours_totals`` in the batch's own transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from projections.stores.buffered import BufferedTable
from projections.stores.protocol import Transaction

EVERY_CATEGORY = ""
#: The columns of ``hours_records`` a record's contribution depends on, the key first.
COUNTED = ("id", "volunteer_id", "category", "year", "bimonth", "month", "minutes", "status")
_CHUNK = 500

Key = tuple[str, str, str]
"""(period, category, volunteer_id)"""

CREATE = """CREATE TABLE IF NOT EXISTS hours_totals (
    period TEXT NOT NULL, category TEXT NOT NULL, volunteer_id TEXT NOT NULL,
    minutes INTEGER NOT NULL, PRIMARY KEY (period, category, volunteer_id))"""
#: The ranking reads a period and category's totals from the largest down.
RANK_INDEX = "hours_totals_rank ON hours_totals (period, category, minutes DESC)"
_ADD = (
    "INSERT INTO hours_totals (period, category, volunteer_id, minutes) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (period, category, volunteer_id) "
    "DO UPDATE SET minutes = hours_totals.minutes + excluded.minutes"
)


def _count(totals: dict[Key, int], record: dict[str, Any], sign: int) -> None:
    """Add (or, with ``sign`` -1, take away) what one record counts for."""
    if record["status"] != "approved":
        return
    minutes = sign * int(record["minutes"])
    volunteer = record["volunteer_id"]
    for period in ("all", record["year"], record["bimonth"], record["month"]):
        for category in (record["category"], EVERY_CATEGORY):
            totals[period, category, volunteer] += minutes


def _stored(tx: Transaction, keys: Sequence[Any]) -> Iterable[dict[str, Any]]:
    """The rows of these records as the table holds them before this batch is written."""
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = tx.query(
            f"SELECT {', '.join(COUNTED)} FROM hours_records WHERE id IN ({marks})", chunk
        )
        yield from (dict(zip(COUNTED, row, strict=True)) for row in rows)


def changes(tx: Transaction, records: BufferedTable) -> dict[Key, int]:
    """What the records held in ``records`` (not yet written) change in the totals."""
    totals: dict[Key, int] = defaultdict(int)
    columns = records.index
    for row in records.inserted.values():
        _count(totals, {column: row[columns[column]] for column in COUNTED}, 1)
    for before in _stored(tx, list(records.changed)):
        _count(totals, before, -1)
        _count(totals, {**before, **records.values_set(before["id"])}, 1)
    return {key: minutes for key, minutes in totals.items() if minutes}


def write(tx: Transaction, totals: dict[Key, int]) -> None:
    """Add the changes to the stored totals."""
    if totals:
        tx.execute_many(_ADD, [(*key, minutes) for key, minutes in sorted(totals.items())])
