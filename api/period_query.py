"""The ``period`` a query takes: ``current`` read in the organisation's own calendar."""

from __future__ import annotations

from uuid import UUID

from api.deps import Services
from domain.periods import Period
from domain.values import local_date

PERIOD_DESCRIPTION = (
    "all; current (the two-month cycle of today, in the organisation's time zone); a year "
    "(2026); a two-month cycle (2026-B1 … 2026-B6); or a month (2026-11)"
)
PERIOD_PATTERN = r"^(all|current|\d{4}(-B[1-6]|-(0[1-9]|1[0-2]))?)$"


def period_for(services: Services, organisation_id: UUID, text: str) -> Period:
    """The period ``text`` names, ``current`` being today's bi-month where the organisation is."""
    today = local_date(services.ledger.now(), services.places.timezone(organisation_id))
    return Period.parse(text, today)
