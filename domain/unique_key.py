"""A claim on a unique value (a phone number, a volunteer number): uniqueness without a scan.

Its id is derived from the value, so two registrations with the same phone number collide on
the same aggregate and one of them loses, at the database's unique constraint. The values are
personal (a phone number, a login name), so the id is keyed with the deployment's id secret
(HMAC-SHA256): whoever holds a phone number but not the secret cannot compute its key's id
and look it up. Without a secret (unit tests) the id is ``uuid5`` of the published namespace.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.values import Actor, derived_id


class UniqueKey(Aggregate):
    """Who holds a unique value now; a released value can be claimed again."""

    class Created(Aggregate.Created):
        namespace: str
        actor: str

    class Claimed(Aggregate.Event):
        owner_id: UUID
        actor: str

    class Released(Aggregate.Event):
        owner_id: UUID
        actor: str

    @staticmethod
    def id_for(namespace: str, value: str, secret: bytes | None = None) -> UUID:
        """The key's id: HMAC-SHA256 under ``secret`` as a version-8 UUID (RFC 9562), or
        without a secret ``uuid5`` of the ledger's namespace."""
        if secret is None:
            return derived_id("unique-key", namespace, value)
        digest = bytearray(
            hmac.new(secret, f"unique-key/{namespace}/{value}".encode(), hashlib.sha256).digest()
        )
        digest[6] = (digest[6] & 0x0F) | 0x80  # version 8: custom
        digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC variant
        return UUID(bytes=bytes(digest[:16]))

    @classmethod
    def open(
        cls, namespace: str, value: str, actor: Actor, secret: bytes | None = None
    ) -> UniqueKey:
        """A new, unclaimed key; saving it fails if the key exists already."""
        key: UniqueKey = cls._create(
            cls.Created,
            id=cls.id_for(namespace, value, secret),
            namespace=namespace,
            actor=str(actor),
        )
        return key

    @event(Created)
    def __init__(self, namespace: str, actor: str) -> None:
        self.namespace = namespace
        self.owner_id: UUID | None = None

    def is_held_by_other_than(self, owner_id: UUID) -> bool:
        return self.owner_id is not None and self.owner_id != owner_id

    def claim(self, owner_id: UUID, actor: Actor) -> None:
        if self.owner_id != owner_id:
            self._claim(owner_id=owner_id, actor=str(actor))

    def release(self, owner_id: UUID, actor: Actor) -> None:
        if self.owner_id == owner_id:
            self._release(owner_id=owner_id, actor=str(actor))

    @event(Claimed)
    def _claim(self, owner_id: UUID, actor: str) -> None:
        self.owner_id = owner_id

    @event(Released)
    def _release(self, owner_id: UUID, actor: str) -> None:
        self.owner_id = None
