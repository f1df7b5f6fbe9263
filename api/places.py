"""Where organisations and volunteers stand, for the checks and reads of every request, without
replaying their aggregates each time.

An organisation's parent and time zone never change (no event of ``Organisation`` changes
them), so its chain of ancestors and its zone are remembered once loaded. A volunteer's home
organisation changes when they move: it is remembered with the version of their latest event,
read on each request (one indexed row) as ``api/principals.py`` does for accounts, so a move
made through any worker counts from the next request.
"""

from __future__ import annotations

import threading
from typing import TypeVar
from uuid import UUID

from domain.errors import NotFoundError
from domain.ledger import Ledger

T = TypeVar("T")


class Places:
    """The ancestors, time zones and homes seen lately, at most ``limit`` of each."""

    def __init__(self, ledger: Ledger, limit: int = 10_000) -> None:
        self._ledger = ledger
        self._limit = limit
        self._lock = threading.Lock()
        self._organisations: dict[UUID, tuple[UUID | None, str]] = {}
        self._homes: dict[UUID, tuple[int, UUID]] = {}

    def organisation_and_ancestors(self, organisation_id: UUID) -> list[UUID]:
        """The organisation, its parent, and so on up to the root: the scopes that cover it."""
        chain: list[UUID] = []
        current: UUID | None = organisation_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self._organisation(current)[0]
        return chain

    def timezone(self, organisation_id: UUID) -> str:
        return self._organisation(organisation_id)[1]

    def home_of(self, volunteer_id: UUID) -> UUID:
        """The volunteer's home organisation as their latest event left it."""
        latest = self._ledger.recorder.select_events(volunteer_id, desc=True, limit=1)
        if not latest:
            raise NotFoundError("volunteer", volunteer_id)
        version = latest[0].originator_version
        known = self._homes.get(volunteer_id)
        if known is not None and known[0] == version:
            return known[1]
        volunteer = self._ledger.volunteer(volunteer_id)
        home = volunteer.home_organisation_id
        self._remember(self._homes, volunteer_id, (volunteer.version, home))
        return home

    def _organisation(self, organisation_id: UUID) -> tuple[UUID | None, str]:
        known = self._organisations.get(organisation_id)
        if known is None:
            organisation = self._ledger.organisation(organisation_id)
            known = (organisation.parent_id, organisation.timezone)
            self._remember(self._organisations, organisation_id, known)
        return known

    def _remember(self, table: dict[UUID, T], key: UUID, value: T) -> None:
        with self._lock:
            if len(table) >= self._limit:
                for old in list(table)[: self._limit // 2]:
                    table.pop(old, None)
            table[key] = value
