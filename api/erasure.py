"""What follows an erasure once its events are saved: the person's key and stored answers go.

One function, so that the wiring of the per-person key (``Ledger.forget``, which destroys the
volunteer's data key) is in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from api.idempotency import IdempotencyStore
    from domain.ledger import Ledger


def forget_person(
    ledger: Ledger, idempotency: IdempotencyStore, volunteer_id: UUID, traces: list[str]
) -> None:
    """Destroy the volunteer's data key, where the ledger has one (after it, their earlier
    events read None for each personal field), and drop every stored answer that holds their
    id or one of the ``traces`` (their name, phone, volunteer number, guardian)."""
    forget = getattr(ledger, "forget", None)
    if forget is not None:
        forget(volunteer_id)
    idempotency.forget([str(volunteer_id), *traces])
