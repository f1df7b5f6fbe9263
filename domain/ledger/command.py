"""The ``@command`` decorator: each command runs once, atomically, retried on a conflict."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentUpdateError, RequestKeyReusedError
from domain.ledger.receipts import current_request, decode_result, encode_result
from domain.receipt import Receipt
from domain.values import SYSTEM, Actor

if TYPE_CHECKING:
    from domain.ledger.base import LedgerBase

F = TypeVar("F", bound=Callable[..., Any])


def _actor_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Actor:
    """The actor a command was given (every command that changes something takes one)."""
    for value in (kwargs.get("actor"), *args):
        if isinstance(value, Actor):
            return value
    return SYSTEM


def command(method: F) -> F:
    """A command: see ``_command``."""
    return _command(method, keyed=True)


def command_issuing_a_secret(method: F) -> F:
    """A command that stores the hash of a one-time secret (a reset code) made outside it.

    It is never answered from a receipt, even in a keyed request: the secret itself is kept
    nowhere, so a replayed answer could not show it. A retry runs it again and issues a new
    secret, which supersedes the first.
    """
    return _command(method, keyed=False)


def _command(method: F, *, keyed: bool) -> F:
    """Run a command once, atomically, retrying it when a concurrent change wins the race.

    Everything the command saves is written in one atomic save when it returns. Each attempt
    reloads the aggregates, so the rules are checked against the state that won. After the
    policy's number of attempts, the caller gets a ConcurrentUpdateError.

    Inside a ``keyed_request`` the save includes the command's receipt, and a command whose
    receipt exists (an earlier copy of the request got that far) returns the recorded result
    without running again. A command called by another command is part of the outer one.
    """
    name = method.__name__

    @functools.wraps(method)
    def run(self: LedgerBase, *args: Any, **kwargs: Any) -> Any:
        if getattr(self._local, "pending", None) is not None:
            return method(self, *args, **kwargs)
        self._local.position = None
        request = current_request() if keyed else None
        receipt_id = request.next_receipt_id() if request is not None else None
        attempts = self.policy.retry_attempts
        for attempt in range(attempts):
            if request is not None and receipt_id is not None:
                receipt = self._receipt(receipt_id)
                if receipt is not None:
                    try:
                        receipt.require_same_request(request.fingerprint, name)
                    except RequestKeyReusedError:
                        request.reused = True
                        raise
                    self._local.position = self.recorder.max_notification_id()
                    return decode_result(receipt.result)
            self._local.pending = pending = []
            try:
                result = method(self, *args, **kwargs)
                if request is not None and receipt_id is not None:
                    pending.append(
                        Receipt.issue(
                            id=receipt_id,
                            fingerprint=request.fingerprint,
                            command=name,
                            result=encode_result(result),
                            actor=_actor_of(args, kwargs),
                        )
                    )
                self._local.pending = None
                self._commit(pending)
                return result
            except IntegrityError:
                # Full jitter keeps colliding writers from colliding again in lockstep.
                time.sleep(random.uniform(0, min(0.002 * 2**attempt, 0.05)))
            finally:
                self._local.pending = None
        raise ConcurrentUpdateError(
            f"gave up after {attempts} attempts collided with concurrent changes; try again",
            attempts=attempts,
        )

    return cast("F", run)
