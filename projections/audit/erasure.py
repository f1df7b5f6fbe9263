"""The audit trail's side of an erasure: the reasons written about the person are dropped.

No row holds a person's name (the summary is rendered when read, names from the directory,
which gives an erased volunteer's pseudonym), so there is no name to take out. The reasons
are sealed under the person's key in the events too (``domain/personal.py``): once erased,
a rebuilt trail has none, and the rows already written lose theirs here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.stores.protocol import Transaction

#: The event type of the erasure, whose reason stays (an admin's, kept for accountability).
ERASURE = "Volunteer.Erased"


def drop_reasons(
    tx: Transaction,
    entries: list[tuple[Any, ...]],
    columns: Sequence[str],
    *,
    volunteer_id: str,
    aggregate_id: str,
) -> None:
    """In the rows concerning the volunteer (or naming the aggregate), those written and
    those held in ``entries``, the reason is dropped; but for the erasure's own."""
    volunteer, aggregate = columns.index("volunteer_id"), columns.index("aggregate_id")
    reason, event_type = columns.index("reason"), columns.index("event_type")
    for i, row in enumerate(entries):
        about = {row[volunteer], row[aggregate]}
        if (volunteer_id in about or aggregate_id in about) and row[event_type] != ERASURE:
            changed = list(row)
            changed[reason] = None
            entries[i] = tuple(changed)
    tx.execute(
        "UPDATE audit_entries SET reason = NULL "
        "WHERE (volunteer_id = ? OR aggregate_id = ? OR aggregate_id = ?) AND event_type <> ?",
        (volunteer_id, volunteer_id, aggregate_id, ERASURE),
    )
