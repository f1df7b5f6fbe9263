"""People, organisations and activities by name for exports, instead of ids.

Names come from the directory read model, a chunk of rows at a time (``learn``); an actor
``account:<id>`` is resolved by loading that account (an export names few distinct actors, and
no read model keeps staff display names), and remembered for the rest of the export.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from domain.errors import NotFoundError
from domain.ledger import Ledger
from domain.organisation import DEFAULT_TIMEZONE
from projections.audit.reading import DirectoryLookup
from projections.directory.names import names_of
from projections.stores.protocol import ViewStore

SYSTEM = "system"


def directory_lookup(views: ViewStore) -> DirectoryLookup:
    """The directory's names for ids of a kind, as the audit trail renders its rows with."""
    return functools.partial(names_of, views)


class Names:
    """What one export has looked up so far."""

    def __init__(self, ledger: Ledger, views: ViewStore) -> None:
        self.ledger = ledger
        self.views = views
        self._known: dict[str, dict[str, dict[str, Any]]] = {
            "volunteer": {},
            "organisation": {},
            "activity": {},
        }
        self._actors: dict[str, tuple[str, str]] = {}

    def learn(self, kind: str, ids: Iterable[str | None]) -> None:
        """Look up, in one read, the ids of this kind not known yet."""
        known = self._known[kind]
        missing = {id for id in ids if id is not None and id not in known}
        found = names_of(self.views, kind, missing)
        for id in missing:
            known[id] = found.get(id, {})

    def _get(self, kind: str, id: str | None) -> dict[str, Any]:
        if id is None:
            return {}
        if id not in self._known[kind]:
            self.learn(kind, [id])
        return self._known[kind][id]

    def volunteer(self, id: str | None) -> tuple[str, str]:
        """The volunteer's name and volunteer number ("" for none)."""
        row = self._get("volunteer", id)
        return row.get("name", ""), row.get("volunteer_number", "")

    def organisation(self, id: str | None) -> str:
        return str(self._get("organisation", id).get("name", ""))

    def timezone(self, organisation_id: str | None) -> str:
        return str(self._get("organisation", organisation_id).get("timezone", DEFAULT_TIMEZONE))

    def activity(self, id: str | None) -> str:
        return str(self._get("activity", id).get("title", ""))

    def actor(self, actor: str) -> tuple[str, str]:
        """Who acted, by name, and their volunteer number if they are a volunteer."""
        found = self._actors.get(actor)
        if found is None:
            found = self._actors[actor] = self._actor(actor)
        return found

    def _actor(self, actor: str) -> tuple[str, str]:
        kind, _, id = actor.partition(":")
        if kind == "volunteer":
            return self.volunteer(id)
        if kind != "account":
            return SYSTEM, ""
        try:
            account = self.ledger.account(UUID(id))
        except ValueError:
            return id, ""  # an account named by a word, as the demo's admin is
        except NotFoundError:
            return f"account {id[:8]}", ""
        if account.volunteer_id is not None:
            return self.volunteer(str(account.volunteer_id))
        return account.display_name, ""
