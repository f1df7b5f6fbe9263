"""A status list as the read model holds it: its set bits and when it last changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from projections.stores.protocol import ViewStore


@dataclass(frozen=True)
class ListState:
    revoked: list[int]
    """The indexes of revoked certificates, ascending."""
    changed_at: datetime
    """When the list last changed: its latest revocation, or its first issue if none."""


def revocation_list(views: ViewStore, list_number: int) -> ListState | None:
    """List ``list_number``'s revocation bits; None if no certificate has a slot in it."""
    [(first_issue,)] = views.query(
        "SELECT MIN(issued_at) FROM status_slots WHERE list_number = ?", [list_number]
    )
    if first_issue is None:
        return None
    rows = views.query(
        "SELECT list_index, revoked_at FROM status_slots "
        "WHERE list_number = ? AND revoked_at IS NOT NULL",
        [list_number],
    )
    latest = max((datetime.fromisoformat(at) for _, at in rows), default=None)
    return ListState(
        sorted(int(index) for index, _ in rows),
        latest or datetime.fromisoformat(first_issue),
    )
