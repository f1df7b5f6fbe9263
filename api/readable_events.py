"""A volunteer's own events as they may read them: which events concern them, who acted (by
kind of actor only), and each event's fields as plain JSON.

Which events: those the audit trail files under the volunteer (their profile, account, records,
sign-ups, certificates, requests, unique keys and timesheets) and those they acted in
themselves. Each is read from the event store by its position and decoded as the ledger
decodes it, so a personal field is shown to its owner in clear.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, Literal
from uuid import UUID

from pydantic_core import to_jsonable_python

from api.names import directory_lookup
from api.readable_rows import local_of
from domain.errors import NotFoundError
from domain.ledger import Ledger
from projections.audit.queries import AuditFilter, audit_rows
from projections.stores.protocol import ViewStore

#: Fields never shown, not even to the account's holder: a password's hash, a reset code's.
SECRET_FIELDS = frozenset({"password_hash", "code_hash"})
#: Fields every event has, given otherwise: the aggregate, the time and the kind of actor.
ENVELOPE_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "actor"})

ActorKind = Literal["you", "admin", "organiser", "staff", "volunteer", "system"]


def event_fields(event: Any) -> dict[str, Any]:
    """The event's own fields, as JSON values, secrets and the envelope left out."""
    return {
        field.name: to_jsonable_python(getattr(event, field.name))
        for field in dataclasses.fields(event)
        if field.name not in ENVELOPE_FIELDS | SECRET_FIELDS
    }


class ActorKinds:
    """Who acted, by kind only: the volunteer themself, another volunteer, an organiser, an
    admin, a staff account without a role now, or the ledger itself. Nobody else is named."""

    def __init__(self, ledger: Ledger, own_ids: set[str]) -> None:
        self._ledger = ledger
        self._own = own_ids
        self._accounts: dict[str, ActorKind] = {}

    def __call__(self, actor: str) -> ActorKind:
        kind, _, id = actor.partition(":")
        if id in self._own:
            return "you"
        if kind == "system":
            return "system"
        if kind == "volunteer":
            return "volunteer"
        if id not in self._accounts:
            self._accounts[id] = self._account_kind(id)
        return self._accounts[id]

    def _account_kind(self, id: str) -> ActorKind:
        try:
            account = self._ledger.account(UUID(id))
        except (NotFoundError, ValueError):
            return "staff"
        if account.is_admin:
            return "admin"
        if account.volunteer_id is not None:
            return "volunteer"
        return "organiser" if account.organisations else "staff"


def own_events(
    ledger: Ledger, views: ViewStore, volunteer_id: UUID, account_id: UUID, timezone: str
) -> Iterator[dict[str, Any]]:
    """The volunteer's events, oldest first, each readable: position, type, time (UTC and
    local), kind of actor, the aggregate it belongs to, the trail's summary, and its fields."""
    own = {str(volunteer_id), str(account_id)}
    rows: dict[int, dict[str, Any]] = {}
    for where in (
        AuditFilter(volunteer_id=str(volunteer_id)),
        AuditFilter(actor_id=str(volunteer_id)),
        AuditFilter(actor_id=str(account_id)),
    ):
        found = audit_rows(views, where, names=directory_lookup(views))
        rows.update((row["position"], row) for row in found)
    actor_kind = ActorKinds(ledger, own)
    for position in sorted(rows):
        row = rows[position]
        [stored] = ledger.recorder.select_notifications(start=position, limit=1, stop=position)
        event: Any = ledger.mapper.to_domain_event(stored)
        yield {
            "position": position,
            "event": row["event_type"],
            "at": event.timestamp,
            "at_local": local_of(event.timestamp, timezone),
            "actor_kind": actor_kind(row["actor"]),
            "aggregate_kind": row["aggregate_kind"],
            "aggregate_id": event.originator_id,
            "summary": row["summary"],
            "fields": event_fields(event),
        }
