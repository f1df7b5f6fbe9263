"""A receipt: proof that one command of a client's request was carried out, and what it returned.

A client that may send the same request twice (a retry after a time-out, or after the service
crashed before it answered) names the request with a key. Each command the request runs is
saved together with a receipt whose id derives from that key, in the same atomic save as the
command's own events. So the receipt exists exactly when the command's effects do: a retry
finds it and is given the recorded result instead of running the command again, and two copies
of the request running at once collide on the receipt's id, as two registrations of one phone
number collide on its ``UniqueKey``.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RequestKeyReusedError
from domain.values import Actor, derived_id


class Receipt(Aggregate):
    """The outcome of one command run for a keyed request; it never changes once issued."""

    class Issued(Aggregate.Created):
        """``fingerprint`` identifies the request's content; ``result`` is what the command
        returned, in the plain form of ``domain.ledger.receipts.encode_result``."""

        fingerprint: str
        command: str
        result: object
        actor: str

    @staticmethod
    def id_for(request_key: str, sequence: int) -> UUID:
        """The receipt of the request's ``sequence``-th command (from 1)."""
        return derived_id("receipt", request_key, sequence)

    @classmethod
    def issue(
        cls, *, id: UUID, fingerprint: str, command: str, result: object, actor: Actor
    ) -> Receipt:
        receipt: Receipt = cls._create(
            cls.Issued,
            id=id,
            fingerprint=fingerprint,
            command=command,
            result=result,
            actor=str(actor),
        )
        return receipt

    @event(Issued)
    def __init__(self, fingerprint: str, command: str, result: object, actor: str) -> None:
        self.fingerprint = fingerprint
        self.command = command
        self.result = result

    def require_same_request(self, fingerprint: str, command: str) -> None:
        """A retry must be the same request: the same content, running the same command."""
        if fingerprint != self.fingerprint or command != self.command:
            raise RequestKeyReusedError(
                "this request key was already used for a different request",
                receipt_id=str(self.id),
            )
