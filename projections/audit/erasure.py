"""The audit trail's side of an erasure: a person's names become their pseudonym everywhere.

The trail writes a label (a volunteer's name, their account's display name) into each summary.
To take the name out again once the person is erased, the subject of a volunteer or of a
volunteer's account remembers every label it has had (``LABELS``, in its refs). The erasure
replaces each in the summaries of the rows concerning that person, and drops the reasons
written about them; the subject then remembers the pseudonym only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.stores.protocol import Transaction

#: The key of a subject's refs holding its labels so far, one a line.
LABELS = "labels"
#: The event type of the erasure, whose reason stays.
ERASURE = "Volunteer.Erased"


def with_label(refs: dict[str, str], label: str) -> dict[str, str]:
    """The refs, remembering one more label."""
    labels = [*refs.get(LABELS, "").split("\n"), label]
    return {**refs, LABELS: "\n".join(dict.fromkeys(x for x in labels if x))}


def without_labels(refs: dict[str, str]) -> dict[str, str]:
    """The refs, remembering no label."""
    return {key: value for key, value in refs.items() if key != LABELS}


def former_labels(label: str, refs: dict[str, str]) -> list[str]:
    """Every label the subject has had, longest first (so that no label is replaced inside a
    longer one)."""
    labels = {label, *refs.get(LABELS, "").split("\n")} - {""}
    return sorted(labels, key=lambda x: (-len(x), x))


def erase_labels(
    tx: Transaction,
    entries: list[tuple[Any, ...]],
    columns: Sequence[str],
    *,
    volunteer_id: str,
    aggregate_id: str,
    labels: list[str],
    pseudonym: str,
) -> None:
    """In the rows concerning the volunteer (or naming the aggregate), those written and
    those held in ``entries``, each label becomes the pseudonym and the reason is dropped;
    but for the erasure's own reason (an admin's, kept for accountability)."""
    volunteer, aggregate = columns.index("volunteer_id"), columns.index("aggregate_id")
    text, reason = columns.index("summary"), columns.index("reason")
    event_type = columns.index("event_type")
    for i, row in enumerate(entries):
        if volunteer_id in (row[volunteer], row[aggregate]) or row[aggregate] == aggregate_id:
            changed = list(row)
            changed[text] = _replaced(row[text], labels, pseudonym)
            if row[event_type] != ERASURE:
                changed[reason] = None
            entries[i] = tuple(changed)
    concerning = "(volunteer_id = ? OR aggregate_id = ? OR aggregate_id = ?)"
    keys = (volunteer_id, volunteer_id, aggregate_id)
    for label in labels:
        tx.execute(
            f"UPDATE audit_entries SET summary = REPLACE(summary, ?, ?) WHERE {concerning}",
            (label, pseudonym, *keys),
        )
    tx.execute(
        f"UPDATE audit_entries SET reason = NULL WHERE {concerning} AND event_type <> ?",
        (*keys, ERASURE),
    )


def _replaced(text: str, labels: list[str], pseudonym: str) -> str:
    for label in labels:
        text = text.replace(label, pseudonym)
    return text
