"""What follows an erasure once its events are saved: the person's key and stored answers go.

Saving the erasure destroys the volunteer's data keys already (``Ledger.forget`` runs when a
``Volunteer.Erased`` is stored); calling it again here completes an erasure whose keys were not
destroyed, and does no harm otherwise.
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
    ledger.forget(volunteer_id)
    idempotency.forget([str(volunteer_id), *traces])
